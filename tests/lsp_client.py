"""A small Language Server Protocol client over stdio, to drive yaml-language-server the way an
editor does (VS Code's YAML extension runs the same server): open a document, wait for the
diagnostics it publishes, ask for a hover."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "tools" / "yaml-lsp" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


class LanguageServer:
    def __init__(self, root: Path, settings: dict[str, Any], locale: str = "en", command: list[str] | None = None):
        if command is None:
            if not SERVER.is_file():
                raise RuntimeError(f"yaml-language-server is not installed at {SERVER}: run bash scripts/setup.sh")
            command = ["node", str(SERVER), "--stdio"]
        self.settings = settings
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=root)
        self.lock = threading.Lock()
        self.changed = threading.Condition()
        self.diagnostics: dict[str, list[dict]] = {}
        self.responses: dict[int, Any] = {}
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": root.resolve().as_uri(), "locale": locale,
                                    "capabilities": {"workspace": {"configuration": True},
                                                     "textDocument": {"publishDiagnostics": {},
                                                                      "hover": {"contentFormat": ["plaintext"]}}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    # -- transport ---------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        with self.lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    with self.changed:
                        self.changed.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(stream.read(length))
            self._handle(message)

    def _handle(self, message: dict) -> None:
        if "method" in message and "id" in message:  # a request from the server
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [self.settings.get(item.get("section", ""), None) for item in message["params"]["items"]]
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            return
        with self.changed:
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                self.diagnostics[params["uri"]] = params["diagnostics"]
            elif "id" in message:
                self.responses[message["id"]] = message.get("result", message.get("error"))
            self.changed.notify_all()

    def _wait(self, ready, timeout: float):
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                value = ready()
                if value is not None:
                    return value
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError("yaml-language-server did not answer in time")
                self.changed.wait(left)

    def request(self, method: str, params: dict, timeout: float = 20) -> Any:
        rid = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self._wait(lambda: (self.responses.pop(rid),) if rid in self.responses else None, timeout)[0]

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    # -- what an editor does -----------------------------------------------------------------
    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.resolve().as_uri()
        with self.changed:
            self.diagnostics.pop(uri, None)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8") if text is None else text}})
        return uri

    def wait_diagnostics(self, uri: str, timeout: float = 20) -> list[dict]:
        return self._wait(lambda: self.diagnostics.get(uri), timeout)

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                     "position": {"line": line, "character": character}})
        if not result:
            return ""
        contents = result.get("contents")
        if isinstance(contents, dict):
            return contents.get("value", "")
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
        return str(contents or "")

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=5)
            self.notify("exit", {})
            self.proc.wait(timeout=5)
        except (TimeoutError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
