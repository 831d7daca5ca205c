/*
 * snnlib-lab-citations: author-year text for the book's citations in JupyterLab.
 *
 * jupyterlab-myst renders MyST's {cite:t}`key` and {cite:p}`key` but has no bibliography: it shows
 * each key with a warning mark, <span class="text-yellow-600" title="Citation Not Found">key</span>,
 * inside <span class="cite-group narrative|parenthetical"> (whose CSS adds the parentheses and the
 * separators). This plugin looks each key up in citations.json (written from references.bib by
 * binder/lab_citations.py, next to this file) and shows "Author (Year)" for {cite:t} and
 * "Author, Year" inside the group's parentheses for {cite:p}, with the full reference as tooltip;
 * an unknown key keeps jupyterlab-myst's warning. The HTML book is not affected.
 *
 * Hand-written in the shape of a prebuilt JupyterLab extension (a module-federation container with
 * get/init), so it needs no build step: it requires no JupyterLab token and changes only the text
 * of the nodes described above.
 */
(function () {
  'use strict';
  var NAME = 'snnlib-lab-citations';
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/[^/]*$/, '') : '';
  var MARK = 'data-snnlib-cite';

  function text(entry, narrative) {
    return narrative ? entry.author + ' (' + entry.year + ')' : entry.author + ', ' + entry.year;
  }

  function fix(span, table) {
    var node = null;
    for (var i = 0; i < span.childNodes.length; i++) {
      var c = span.childNodes[i];
      if (c.nodeType === 3 && c.nodeValue.trim()) { node = c; }
    }
    if (!node) { return; }
    var key = span.getAttribute(MARK) || node.nodeValue.trim();
    var entry = table[key];
    if (!entry) { return; }
    var group = span.parentElement;
    var inGroup = !!(group && group.classList.contains('cite-group'));
    var narrative = inGroup && group.classList.contains('narrative');
    var shown = text(entry, narrative);
    if (!inGroup) { shown = '(' + shown + ')'; }
    if (node.nodeValue !== shown) { node.nodeValue = shown; }
    span.setAttribute(MARK, key);
    span.setAttribute('title', entry.reference);
  }

  function scan(root, table) {
    var found = root.querySelectorAll('span[title="Citation Not Found"], span[' + MARK + ']');
    for (var i = 0; i < found.length; i++) { fix(found[i], table); }
  }

  function activate() {
    var style = document.createElement('style');
    style.textContent =
      'span[' + MARK + '] { color: inherit !important; }\n' +
      'span[' + MARK + '] > svg { display: none; }\n';
    document.head.appendChild(style);
    fetch(base + 'citations.json')
      .then(function (r) { return r.json(); })
      .then(function (table) {
        var pending = false;
        var observer = new MutationObserver(function () {
          if (pending) { return; }
          pending = true;
          window.requestAnimationFrame(function () { pending = false; scan(document.body, table); });
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        scan(document.body, table);
      })
      .catch(function (err) { console.warn(NAME + ': no citations.json (' + err + ')'); });
  }

  var plugin = {
    id: NAME + ':plugin',
    description: 'Author-year text for {cite:t}/{cite:p} citations rendered by jupyterlab-myst',
    autoStart: true,
    activate: activate
  };
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init: function () { return Promise.resolve(); },
    get: function (module) {
      if (module !== './extension') {
        return Promise.reject(new Error(NAME + ' has no module ' + module));
      }
      return Promise.resolve(function () { return { __esModule: true, 'default': [plugin] }; });
    }
  };
})();
