"""`diagnose -o html`: one self-contained file per scenario, opened offline in headless Chromium (Debian's),
driven over the DevTools protocol: key elements visible, a cascade expanded by a click, no network request,
and a screenshot that is looked at (a real PNG with content, not a blank page)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import struct
import subprocess
import time
import urllib.request
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SCENARIOS, run_cli

SCENARIO_DIRS = sorted(p for p in SCENARIOS.iterdir() if (p / "snapshot").is_dir())


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("#", "data:")):
                self.external.append(value)
            if name == "id" and value:
                self.ids.add(value)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("html")
    files = {}
    for scenario in SCENARIO_DIRS:
        proc = run_cli("diagnose", "--from", str(scenario / "snapshot"), "-o", "html")
        assert proc.returncode in (0, 1), proc.stderr
        path = out / f"{scenario.name}.html"
        path.write_text(proc.stdout)
        files[scenario.name] = path
    return files


def test_every_report_is_self_contained(reports: dict[str, Path]) -> None:
    for name, path in reports.items():
        text = path.read_text()
        refs = _Refs()
        refs.feed(text)
        assert refs.external == [], (name, refs.external)
        assert not re.search(r"https?://[^\"'<>\s]+\.(js|css)", text), name
        assert "verdict" in refs.ids


class Chromium:
    """Debian's chromium, headless, driven through the DevTools protocol (websocket-client)."""

    def __init__(self, profile: Path) -> None:

        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        assert binary is not None
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "--window-size=1200,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            self._connect()
        except BaseException:
            self.proc.kill()
            self.proc.wait(timeout=20)
            raise

    def _connect(self) -> None:
        import websocket

        assert self.proc.stderr is not None
        port = None
        deadline = time.monotonic() + 30
        while port is None and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
        assert port is not None, "chromium did not start"
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.call("Page.enable")
        self.call("Network.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e.get("method") == event for e in self.events):
                return
            self.events.append(json.loads(self.ws.recv()))
        raise AssertionError(f"no {event}")

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def open(self, path: Path) -> None:
        self.events.clear()
        self.call("Page.navigate", url=path.as_uri())
        self.wait_for("Page.loadEventFired")

    def close(self) -> None:
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=20)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    chromium = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def _png_pixels_vary(png: bytes) -> int:
    """Distinct byte values in the decompressed image data: a blank page has a handful."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data, offset = b"", 8
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        if kind == b"IDAT":
            data += png[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return len(set(zlib.decompress(data)))


def test_reports_render_in_chromium_and_the_cascade_expands(
    browser: Chromium, reports: dict[str, Path], tmp_path: Path
) -> None:
    for name, path in reports.items():
        browser.open(path)
        requests = [
            e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"
        ]
        assert all(url.startswith("file://") for url in requests), (name, requests)
        verdict = browser.js("document.getElementById('verdict').innerText")
        assert verdict in ("STUCK", "CONVERGING", "HEALTHY"), name
        assert browser.js("document.querySelector('h1').getBoundingClientRect().height") > 0
        assert browser.js("document.body.innerText").count("Timeline") >= 1
        has_cascade = browser.js("!!document.getElementById('cascade-1')")
        if has_cascade:
            assert browser.js("document.getElementById('cascade-1').offsetHeight") == 0, "collapsed at first"
            browser.js("document.querySelector('button.toggle').click()")
            assert browser.js("document.getElementById('cascade-1').offsetHeight") > 0, name
            first = browser.js("document.querySelector('#cause-1 h2 code').innerText")
            assert first in browser.js("document.getElementById('cascade-1').textContent"), name
        if name == "incident-000-argocd-dns-eperm":
            shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
            (tmp_path / f"{name}.png").write_bytes(shot)
            assert len(shot) > 20_000 and _png_pixels_vary(shot) > 40
            assert verdict == "STUCK" and "argocd/sync-failed" in browser.js("document.body.innerText")
