# Two commands for a new user:  `make book`  and  `make test`  (see README.md).
# Everything runs in a project-local virtual environment, .venv, created on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.snnlib-installed
HTML   := _build/html

.PHONY: help venv book test unit binder-test notebooks browser browser-check book-and-check lab lab-check bench clean distclean

help:
	@echo "make book   - create .venv if needed, execute every chapter, build the HTML book into $(HTML)"
	@echo "make test   - unit tests, every notebook through nbval, the book build and the browser checks"
	@echo "make lab    - JupyterLab with working widgets and the book's markup rendered (jupyterlab-myst)"
	@echo "make lab-check - every chapter run in JupyterLab in a headless browser (tools/check_lab.py)"
	@echo "make bench  - side-by-side speed measurements (benchmarks/)"
	@echo "make clean  - remove the build, pytest's and numba's caches"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python >= 3.10 is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[book,test,nest]"
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is built. Open: file://$(CURDIR)/$(HTML)/index.html"

# The unit tests and doctests run with an empty numba cache of their own, so that a kernel cached
# before an edit of code it inlines (snnlib/_core) can never hide a failure.
unit: $(STAMP)
	@cache=$$(mktemp -d) && trap 'rm -rf "$$cache"' EXIT && \
	echo "unit tests with an empty numba cache ($$cache)" && \
	SNNLIB_PROGRESS=0 NUMBA_CACHE_DIR=$$cache $(BIN)/python -m pytest tests --durations=10 \
	    --ignore=tests/book/test_binder.py && \
	SNNLIB_PROGRESS=0 NUMBA_CACHE_DIR=$$cache $(BIN)/python -m pytest -q --doctest-modules snnlib

# Binder's environment rebuilt from binder/ alone in a fresh virtual environment (a few minutes, most
# of it pip), chapter 1 executed there with its widget cells.
binder-test: $(STAMP)
	SNNLIB_PROGRESS=0 $(BIN)/python -m pytest tests/book/test_binder.py

notebooks: $(STAMP)
	SNNLIB_PROGRESS=0 $(BIN)/python -m pytest --nbval-lax --nbval-cell-timeout=300 chapters

# A Chromium for the browser checks: Debian's /usr/bin/chromium if present, else Playwright's own.
browser: $(STAMP)
	@$(BIN)/python tools/browser.py --ensure

browser-check: browser
	$(BIN)/python tools/check_pages.py $(HTML)

# Every chapter opened and run in JupyterLab (its own server on a free port, a copy of the chapters)
# in headless Chromium: cell errors, console errors, raw MyST, slider widths, a slider move;
# screenshots in _build/lab-check.
lab-check: browser
	$(BIN)/python tools/check_lab.py --shots _build/lab-check

# Five jobs share the two cores: the unit tests, the Binder environment, the notebooks through nbval,
# the JupyterLab check, and the book build followed by its browser check (each mostly one process);
# make starts the next as soon as one ends, longest first, and --output-sync prints each one's output
# in one piece when it ends. One BLAS thread per job: two jobs with two spinning OpenBLAS threads each
# on two cores slow the chapters' small matrix products several times over. OpenMP threads (NEST's)
# sleep at a barrier instead of spinning: NEST's two threads beside another job were 10-15 times
# slower spinning. The unit tests keep their own numba cache; the others share the one next to the
# sources (numba writes it atomically).
test: export OPENBLAS_NUM_THREADS = 1
test: export OMP_NUM_THREADS = 1
test: export MKL_NUM_THREADS = 1
test: export OMP_WAIT_POLICY = PASSIVE
test: $(STAMP)
	$(MAKE) browser
	$(MAKE) -j2 --output-sync=target unit book-and-check notebooks lab-check binder-test

book-and-check: $(STAMP)
	$(MAKE) book
	$(MAKE) browser-check

# jupyterlab-myst (book extras) renders the MyST markup; binder/lab_citations.py installs the small
# extension that shows citations as author-year text (from references.bib), as Binder's postBuild does.
lab: $(STAMP)
	$(BIN)/python binder/lab_citations.py
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# numba caches compiled kernels next to their sources (__pycache__/*.nbi, *.nbc); they are
# rebuilt on the next call.
clean:
	rm -rf _build .pytest_cache
	find snnlib tests benchmarks -path '*/__pycache__/*' \( -name '*.nbi' -o -name '*.nbc' \) -delete

distclean: clean
	rm -rf $(VENV)
