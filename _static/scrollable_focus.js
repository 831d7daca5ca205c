// Blocks that scroll sideways take the keyboard focus (tabindex 0), so that a keyboard user can
// scroll them (WCAG 2.1.1; axe-core's "scrollable-region-focusable"). The theme sets this when the
// page loads or the window resizes, so a code block inside a dropdown opened later (an exercise's
// solution) stayed out of reach; here every such block is looked at again when its size changes,
// which includes the moment it is shown.
(function () {
  var SELECTOR = "pre, .cell_output > .output, .pst-scrollable-table-container";
  function update(el) {
    if (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight) {
      el.tabIndex = 0;
    }
  }
  function start() {
    if (!("ResizeObserver" in window)) return;
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { update(entry.target); });
    });
    document.querySelectorAll(SELECTOR).forEach(function (el) { observer.observe(el); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
