"""tools/browser.py: which Chromium the browser checks drive, and the one sentence when there is none."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("browser", ROOT / "tools" / "browser.py")
browser = importlib.util.module_from_spec(spec)
spec.loader.exec_module(browser)


def test_environment_variable_wins(monkeypatch, tmp_path):
    exe = tmp_path / "chrome"
    exe.write_text("")
    monkeypatch.setenv("SNNLIB_CHROMIUM", str(exe))
    assert browser.find_chromium() == str(exe)
    monkeypatch.setenv("SNNLIB_CHROMIUM", str(tmp_path / "missing"))
    assert browser.find_chromium() is None


def test_system_chromium_before_playwright(monkeypatch, tmp_path):
    exe = tmp_path / "chromium"
    exe.write_text("")
    monkeypatch.delenv("SNNLIB_CHROMIUM", raising=False)
    monkeypatch.setattr(browser, "SYSTEM_CHROMIUM", str(exe))
    monkeypatch.setattr(browser, "playwright_chromium", lambda: pytest.fail("Playwright asked first"))
    assert browser.find_chromium() == str(exe)


def test_without_system_chromium_playwright_is_installed(monkeypatch, tmp_path):
    # a laptop without Debian's Chromium: `make test` downloads Playwright's own
    monkeypatch.delenv("SNNLIB_CHROMIUM", raising=False)
    monkeypatch.setattr(browser, "SYSTEM_CHROMIUM", str(tmp_path / "none"))
    installed = []
    monkeypatch.setattr(browser, "playwright_chromium", lambda: str(tmp_path / "pw") if installed else None)

    def fake_run(cmd, **kw):
        assert cmd[1:] == ["-m", "playwright", "install", "chromium"]
        installed.append(True)
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(browser.subprocess, "run", fake_run)
    assert browser.ensure_chromium() == str(tmp_path / "pw") and installed


def test_no_browser_at_all_says_what_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("SNNLIB_CHROMIUM", raising=False)
    monkeypatch.setattr(browser, "SYSTEM_CHROMIUM", str(tmp_path / "none"))
    monkeypatch.setattr(browser, "playwright_chromium", lambda: None)
    monkeypatch.setattr(browser.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1))
    assert browser.main(["--ensure"]) == 1
    err = capsys.readouterr().err
    assert "sudo apt-get install chromium" in err and "playwright install chromium" in err
    assert err.count("\n") == 2   # the install attempt's note and one sentence


@pytest.mark.skipif(browser.find_chromium() is None, reason=browser.HOW_TO_INSTALL)
def test_the_command_prints_the_browser_it_found():
    # CI installs Debian's Chromium; `make test` installs Playwright's where there is none
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "browser.py")], capture_output=True, text=True)
    assert out.returncode == 0 and Path(out.stdout.strip()).is_file()
