"""Find, or install, the Chromium that the headless-browser checks drive through Playwright.

Order of preference:

1. ``$SNNLIB_CHROMIUM``, if set (any Chromium or Chrome executable);
2. Debian's or Ubuntu's ``/usr/bin/chromium`` (``apt-get install chromium``; CI installs this one);
3. Playwright's own Chromium, downloaded by ``python -m playwright install chromium`` (what a
   laptop without a system Chromium gets from ``make test``).

``python tools/browser.py --ensure`` prints the executable it will use, installing Playwright's
Chromium when neither of the first two exists; if that fails too it says in one sentence what to
install, and exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

#: Debian's Chromium package installs its executable here.
SYSTEM_CHROMIUM = "/usr/bin/chromium"
#: What to tell a reader when no browser can be had.
HOW_TO_INSTALL = ("no Chromium for the browser check: install Debian's (sudo apt-get install chromium) or "
                  "Playwright's (.venv/bin/python -m playwright install chromium)")


def playwright_chromium() -> str | None:
    """Path of Playwright's own Chromium if it has been downloaded, else None."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as pw:
            path = pw.chromium.executable_path
    except Exception:  # noqa: BLE001 - Playwright reports a missing driver in several ways
        return None
    return path if path and Path(path).is_file() else None


def find_chromium() -> str | None:
    """The Chromium executable to drive: ``$SNNLIB_CHROMIUM``, the system one, or Playwright's."""
    env = os.environ.get("SNNLIB_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    if Path(SYSTEM_CHROMIUM).is_file():
        return SYSTEM_CHROMIUM
    return playwright_chromium()


def ensure_chromium() -> str | None:
    """:func:`find_chromium`, installing Playwright's Chromium first if nothing is found."""
    found = find_chromium()
    if found is not None or os.environ.get("SNNLIB_CHROMIUM"):
        return found
    print("browser: no system Chromium; installing Playwright's (python -m playwright install chromium)",
          file=sys.stderr)
    proc = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"])
    return playwright_chromium() if proc.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ensure", action="store_true", help="install Playwright's Chromium if none is found")
    args = parser.parse_args(argv)
    path = ensure_chromium() if args.ensure else find_chromium()
    if path is None:
        print(f"browser: {HOW_TO_INSTALL}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
