"""Running ``disclose serve`` and a headless Chromium for the tests and the benchmark.

Chromium is Debian's package (/usr/bin/chromium, installed by scripts/setup.sh),
driven by Playwright's Python package; Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("DISCLOSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Server:
    """``disclose serve`` in a child process; ``url`` once it listens."""

    def __init__(self, target: Path, *args: str, python: str = sys.executable):
        self.cmd = [python, "-m", "generator", "serve", str(target), "--port", "0", *args]
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.lines: list[str] = []
        self._reader: threading.Thread | None = None

    def start(self, timeout: float = 60) -> "Server":
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, encoding="utf-8", env=env)
        found = threading.Event()

        def read() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"(http://[^\s/]+:\d+)/", line)
                if m and not self.url:
                    self.url = m.group(1)
                    found.set()
            found.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not found.wait(timeout) or not self.url:
            self.stop()
            raise RuntimeError("disclose serve did not start:\n" + "\n".join(self.lines))
        return self

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def get(self, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
        """A raw request (the path is sent as written: no normalisation of ``..``)."""
        import http.client

        host, port = self.url.removeprefix("http://").rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            path = quote(path, safe="".join(chr(c) for c in range(33, 127)))  # non-ASCII only
            conn.putrequest(method, path, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            conn.endheaders()
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def wait_checked(self, timeout: float = 60) -> None:
        """Until the index no longer says 检查中."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(self.url + "/rows", timeout=10) as r:
                    if "检查中" not in r.read().decode("utf-8"):
                        return
            except urllib.error.URLError:
                pass
            time.sleep(0.05)
        raise TimeoutError("the departments were not checked in time")

    def stop(self, timeout: float = 15) -> int:
        """Ctrl-C, as a user stops it; the exit status."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._reader is not None:
            self._reader.join(5)
        return self.proc.returncode

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def chromium(viewport=(1280, 900)):
    """A fresh headless Chromium (its own user-data folder), as a Playwright browser context."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="disclose-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, accept_downloads=True,
            viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN")
        try:
            yield context
        finally:
            context.close()


#: In the department page: the text of the document frame's pages.
FRAME_TEXT = "() => { const d = document.getElementById('doc').contentDocument; return d && d.body ? d.body.textContent : ''; }"


INCOME = re.compile(r"^(  一般公共预算拨款: )([0-9.]+)", re.MULTILINE)  # the first: this year's 收入
OFFICE = re.compile(r"^(      30201: )([0-9.]+)", re.MULTILINE)  # 办公费 in the first basic-expenditure group


def income_line(text: str) -> int:
    """The line number of this year's 一般公共预算拨款 in the 2020 example."""
    m = INCOME.search(text)
    assert m, "the example has no 一般公共预算拨款 line"
    return text.count("\n", 0, m.start()) + 1


def edited_example(text: str, plus: str, income: str | None = None) -> tuple[str, str]:
    """The 2020 example with 办公费 and the income raised by ``plus`` (万元), so it stays balanced;
    or with the income alone set to ``income`` (unbalanced). Returns (text, the new income as printed)."""
    from decimal import Decimal

    m, o = INCOME.search(text), OFFICE.search(text)
    assert m and o, "the example's income or 办公费 line moved"
    new_income = Decimal(income) if income is not None else Decimal(m.group(2)) + Decimal(plus)
    out = text[:m.start(2)] + f"{new_income:.2f}" + text[m.end(2):]
    if income is None:
        o = OFFICE.search(out)
        out = out[:o.start(2)] + f"{Decimal(o.group(2)) + Decimal(plus):.2f}" + out[o.end(2):]
    return out, f"{new_income:.2f}"
