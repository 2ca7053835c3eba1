"""The preview server: a Starlette application run by uvicorn.

Processes and threads:

- the event loop serves requests, the live event streams and the file watcher;
- one thread runs the pipeline (check → document → HTML → pages), a few tens of ms
  per save, so the loop stays free;
- one worker process (spawned) runs WeasyPrint: the layout that gives the exact
  pages, and the PDF/DOCX downloads. On two cores the layout of one version runs
  beside the check of the next, and the server never imports WeasyPrint.

A save is shown at once, cut into the pages of the last layout; the new layout
follows (about a second) and corrects the pages if they moved.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import signal
import socket
import sys
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from . import engine, pages, ui
from .state import Department, Registry, is_department_file

#: watchfiles waits this long for a burst of events to end (an editor's save is several events).
WATCH_STEP_MS = 5
#: A file that was readable and now is not (empty, cut short) is read again after this long
#: before the error is shown: it may be caught in the middle of a save.
SECOND_LOOK_S = 0.05
HEARTBEAT_S = 15.0
PROJECT_FILE = "disclose.yaml"  # generator/project.py: found by walking up from a department's folder
STATIC = {"serve.css": "text/css", "serve.js": "text/javascript", "pages.css": "text/css"}
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

CSP_UI = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
#: The document frame: the format's stylesheet and inline page geometry, no script at all.
CSP_FRAME = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
             "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    try:
        engine.warm()
    except Exception:  # reported by the first job instead
        pass


def _layout_job(doc, fmt):
    try:
        return engine.layout(doc, fmt), ""
    except engine.UserError as exc:
        return None, "；".join(p.message for p in exc.problems) or str(exc)
    except Exception as exc:  # noqa: BLE001 — shown in the page, the server goes on
        return None, f"内部错误（请报告）：{type(exc).__name__}: {exc}"


class Preview:
    """The server's state: the registry, the pipeline thread, the layout worker, the listeners."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.pipeline = ThreadPoolExecutor(1, thread_name_prefix="disclose-check")
        self.worker: ProcessPoolExecutor | None = None
        self.listeners: dict[asyncio.Queue, str | None] = {}  # each open page → the department it shows
        self.stopping: asyncio.Event | None = None
        self.watch_stop: asyncio.Event | None = None
        self.tasks: list[asyncio.Task] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.watching: list[Path] = []
        self.initial_done: asyncio.Event | None = None

    # --- life cycle -----------------------------------------------------------------------

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stopping = asyncio.Event()
        self.initial_done = asyncio.Event()
        self.registry.scan()
        self._new_worker()
        self.tasks.append(asyncio.create_task(self._initial()))
        self.tasks.append(asyncio.create_task(self._watch()))

    def request_stop(self) -> None:
        """Called from the signal handler: end the event streams so the server can stop."""
        if self.loop is not None and self.stopping is not None:
            self.loop.call_soon_threadsafe(self._stop_now)

    def _stop_now(self) -> None:
        self.stopping.set()
        if self.watch_stop is not None:
            self.watch_stop.set()

    async def stop(self) -> None:
        self._stop_now()
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.pipeline.shutdown(wait=False, cancel_futures=True)
        self._kill_worker()

    def _new_worker(self) -> None:
        self.worker = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=_worker_init)
        self.worker.submit(int)  # start it now: WeasyPrint loads while the first page is looked at

    def _kill_worker(self) -> None:
        pool, self.worker = self.worker, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        for proc in processes:
            proc.join(timeout=2)

    async def in_worker(self, fn, *args):
        """Run ``fn`` in the layout worker; a dead worker is replaced (and the error raised)."""
        if self.worker is None:
            raise RuntimeError("服务正在停止")
        try:
            return await asyncio.wrap_future(self.worker.submit(fn, *args))
        except BrokenProcessPool:
            self._kill_worker()
            if not self.stopping.is_set():
                self._new_worker()
            raise

    async def in_pipeline(self, fn, *args):
        return await self.loop.run_in_executor(self.pipeline, fn, *args)

    # --- keeping departments current ---------------------------------------------------------

    async def _initial(self) -> None:
        for rel in sorted(self.registry.departments):
            d = self.registry.get(rel)
            if d is not None and d.preview is None:
                await self.refresh(d)
        self.initial_done.set()
        self._rewatch()

    async def refresh(self, d: Department) -> None:
        p = await self.in_pipeline(engine.preview, d.path, self.registry.templates)
        if p.checked.loaded.model is None and d.preview is not None and d.preview.checked.loaded.model is not None:
            await asyncio.sleep(SECOND_LOOK_S)  # half-written? look again before showing the error
            p = await self.in_pipeline(engine.preview, d.path, self.registry.templates)
        d.preview = p
        d.stamps = d.stamp()
        d.version += 1
        if p.doc is not None:
            d.good = p
        d.bump()
        d.files.clear()
        await self.announce(d)

    async def announce(self, d: Department) -> None:
        """Tell every open page; the pages showing ``d`` get its new view in the same message
        (no request back: the change is on the screen one round trip sooner)."""
        viewers = [q for q, rel in self.listeners.items() if rel == d.rel]
        view = None
        if viewers:
            view = await self.in_pipeline(self._view, d)
            self.want_layout(d)
        short = json.dumps({"kind": "dept", "id": d.rel, "rev": d.rev}, ensure_ascii=False)
        full = json.dumps({"kind": "view", "id": d.rel, "view": view}, ensure_ascii=False) if view else short
        for q, rel in list(self.listeners.items()):
            q.put_nowait(full if rel == d.rel else short)

    def broadcast(self, message: dict) -> None:
        data = json.dumps(message, ensure_ascii=False)
        for q in list(self.listeners):
            q.put_nowait(data)

    def _rewatch(self) -> None:
        """Restart the watchers when the folders to watch changed (a new last-year file elsewhere)."""
        if self.registry.watched_roots() != self.watching and self.watch_stop is not None:
            self.watch_stop.set()

    async def _watch(self) -> None:
        import watchfiles

        async def watch(folders: list[Path], recursive: bool, stop: asyncio.Event) -> None:
            if not folders:
                return
            async for changes in watchfiles.awatch(*folders, stop_event=stop, step=WATCH_STEP_MS, debounce=1600,
                                                   recursive=recursive, ignore_permission_denied=True):
                await self.changed({Path(path) for _, path in changes})

        while not self.stopping.is_set():
            stop = self.watch_stop = asyncio.Event()
            self.watching = self.registry.watched_roots()
            deep, flat = self.watching
            if not deep and not flat:  # the folder itself is gone: look again in a while
                await asyncio.sleep(1.0)
                continue
            try:
                await asyncio.gather(watch(deep, True, stop), watch(flat, False, stop), self._catch_up(stop))
            except (FileNotFoundError, OSError):
                await asyncio.sleep(0.5)  # a watched folder went away: watch what is left
            stop.set()

    async def _catch_up(self, stop: asyncio.Event) -> None:
        """What changed while the watchers were restarting: compare every department's inputs with
        what it was checked against (once the new watchers run)."""
        await asyncio.sleep(0.2)
        if stop.is_set() or not self.initial_done.is_set():
            return
        for rel in sorted(self.registry.departments):
            d = self.registry.get(rel)
            if d is not None and d.preview is not None and d.stamp() != d.stamps:
                await self.refresh(d)

    async def changed(self, paths: set[Path]) -> None:
        registry = self.registry
        resolved = set()
        for p in paths:
            resolved.add(p)
            resolved.add(Path(os.path.realpath(p)))
        if any(is_department_file(p) and (p == registry.root or registry.root in p.parents) for p in paths):
            if registry.scan():
                self.broadcast({"kind": "index"})
        project = any(p.name == PROJECT_FILE for p in paths)  # a disclose.yaml may have appeared above any file
        for rel in sorted(registry.departments):
            d = registry.get(rel)
            if d is not None and (project or d.preview is None or any(d.depends_on(p) for p in resolved)):
                await self.refresh(d)
        self._rewatch()

    # --- what a viewer sees ------------------------------------------------------------------

    def _shown(self, d: Department) -> engine.Preview | None:
        p = d.preview
        return p if p is not None and p.doc is not None else d.good

    def _view(self, d: Department) -> dict:
        """The department view (runs in the pipeline thread)."""
        p = d.preview
        shown = self._shown(d)
        view: dict = {"rev": d.rev, "id": d.rel, "title": ui._title(d), "status": ui.status_html(p),
                      "problems": ui.problems_html(d, self.registry.root), "pages": [], "exact": False,
                      "stale": shown is not p, "notice": "", "paging": "", "css": "",
                      "downloads": bool(p is not None and not p.errors)}
        if shown is None:
            view["notice"] = "文件有错误，无法生成文档。改正后这里会自动显示文档。" if p is not None else "正在检查…"
            return view
        if shown is not p:
            view["notice"] = "文件当前有错误，无法生成文档：下面是上一次可以生成时的文档。"
        digest = shown.digest()
        key = (id(shown), id(d.pmap))
        if d.cut_key != key or d.cut is None:
            d.cut = pages.cut(shown.html or "", d.pmap, exact=d.pmap_digest == digest)
            d.cut_key = key
        view["pages"] = d.cut.pages
        view["exact"] = d.cut.exact
        view["css"] = digest[:16]
        if d.layout_error:
            view["paging"] = f"分页失败：{d.layout_error}"
        elif d.pmap is None:
            view["paging"] = "正在分页…"
        elif d.cut.exact:
            view["paging"] = f"共 {len(d.cut.pages)} 页，分页与 PDF 一致"
        else:
            view["paging"] = "分页更新中…"
        return view

    def want_layout(self, d: Department) -> None:
        shown = self._shown(d)
        if shown is None or d.layout_running or self.worker is None:
            return
        digest = shown.digest()
        if digest == d.pmap_digest:
            return
        d.layout_running = True
        self.tasks.append(asyncio.create_task(self._layout(d, shown, digest)))
        self.tasks = [t for t in self.tasks if not t.done()]

    async def _layout(self, d: Department, shown: engine.Preview, digest: str) -> None:
        try:
            pmap, error = await self.in_worker(_layout_job, shown.doc, shown.fmt)
        except (BrokenProcessPool, RuntimeError):
            pmap, error = None, "排版进程意外退出"
        finally:
            d.layout_running = False
        d.layout_error = error
        if pmap is not None:
            d.pmap, d.pmap_digest = pmap, digest
        d.bump()
        await self.announce(d)
        if pmap is not None and not self.stopping.is_set():
            self.want_layout(d)  # the file changed while it was laid out


def _find(preview: Preview, request: Request) -> tuple[Department, str]:
    """The department and the action named by ``/d/<file>/<action>``; 404 for anything else."""
    path = request.path_params["rest"]
    if path.endswith("/"):
        rel, action = path[:-1], ""
    elif "/" in path:
        rel, action = path.rsplit("/", 1)
    else:
        rel, action = path, None
    d = preview.registry.get(rel)
    if d is None and action is not None and preview.registry.get(path) is not None:
        rel, action = path, None
        d = preview.registry.get(rel)
    if d is None or action not in ("", None, "view", "frame", "format.css", "pdf", "docx"):
        raise HTTPException(404)
    return d, action or ("redirect" if action is None else "")


def create_app(registry: Registry, allowed_hosts: set[str] | None = None) -> Starlette:
    preview = Preview(registry)

    async def index(request: Request) -> Response:
        return HTMLResponse(ui.index_page(registry))

    async def rows(request: Request) -> Response:
        return HTMLResponse(ui.rows_html(registry))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise HTTPException(404)
        data = resources.files("generator.serve").joinpath("static", name).read_bytes()
        return Response(data, media_type=STATIC[name] + "; charset=utf-8")

    async def department(request: Request) -> Response:
        d, action = _find(preview, request)
        if action == "redirect":
            return RedirectResponse(ui_url(d), status_code=307)
        if action == "":
            return HTMLResponse(ui.department_page(d))
        if action == "frame":
            shown = preview._shown(d)
            return HTMLResponse(ui.frame_page(d, shown.digest()[:16] if shown else ""),
                                headers={"Content-Security-Policy": CSP_FRAME})
        if action == "format.css":
            shown = preview._shown(d)
            return Response(shown.css if shown else "", media_type="text/css; charset=utf-8")
        if action == "view":
            if d.preview is None:
                await preview.refresh(d)
            view = await preview.in_pipeline(preview._view, d)
            preview.want_layout(d)
            return JSONResponse(view)
        return await download(d, action)

    async def download(d: Department, ext: str) -> Response:
        if d.preview is None:
            await preview.refresh(d)
        p = d.preview
        if p.errors:
            return _conflict(d, p.problems)
        version = d.version
        cached = d.files.get(version)
        if cached is None:
            try:
                files, names, problems = await preview.in_worker(engine.build_files, d.path, registry.templates)
            except (BrokenProcessPool, RuntimeError):
                return HTMLResponse(ui.error_page("无法生成", "生成进程意外退出，请重试。"), status_code=500)
            if not files:
                return _conflict(d, problems)
            cached = (files, names)
            if d.version == version:
                d.files[version] = cached
        files, names = cached
        media = "application/pdf" if ext == "pdf" else \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return Response(files[ext], media_type=media, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(names[ext])}",
            "Cache-Control": "no-store"})

    def _conflict(d: Department, problems) -> Response:
        errors = [p for p in problems if p.is_error]
        lines = [f"{ui.where(p.location, registry.root)}: {p.severity.value}[{p.rule}] {p.message}" for p in errors]
        return HTMLResponse(ui.error_page("不能生成", f"“{d.rel}”有 {len(errors)} 个错误，改正后才能生成 PDF 和 DOCX：",
                                          lines), status_code=409)

    async def events(request: Request) -> Response:
        queue: asyncio.Queue = asyncio.Queue()
        watching = request.query_params.get("d")
        preview.listeners[queue] = watching if watching in registry.departments else None

        async def stream():
            try:
                yield "retry: 1000\n\n"
                while not preview.stopping.is_set():
                    get = asyncio.ensure_future(queue.get())
                    stop = asyncio.ensure_future(preview.stopping.wait())
                    done, _ = await asyncio.wait({get, stop}, timeout=HEARTBEAT_S, return_when=asyncio.FIRST_COMPLETED)
                    if get in done:
                        stop.cancel()
                        yield f"data: {get.result()}\n\n"
                    else:
                        get.cancel()
                        stop.cancel()
                        if preview.stopping.is_set():
                            break
                        yield ": heartbeat\n\n"
            finally:
                preview.listeners.pop(queue, None)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def not_found(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 404)
        if code == 405:
            return HTMLResponse(ui.error_page("不支持的请求", "本预览只提供查看和下载。"), status_code=405)
        return HTMLResponse(ui.error_page("找不到页面", "没有这个页面：本预览只提供所选文件夹中的部门文件。"),
                            status_code=code if code >= 400 else 404)

    async def internal(request: Request, exc: Exception) -> Response:
        print(f"内部错误（请报告）：{type(exc).__name__}: {exc}", file=sys.stderr)
        return HTMLResponse(ui.error_page("内部错误", f"内部错误（请报告）：{type(exc).__name__}: {exc}"),
                            status_code=500)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await preview.start()
        try:
            yield
        finally:
            await preview.stop()

    app = Starlette(routes=[
        Route("/", index),
        Route("/rows", rows),
        Route("/events", events),
        Route("/static/{name}", static),
        Route("/d/{rest:path}", department),
    ], exception_handlers={HTTPException: not_found, 404: not_found, 405: not_found, Exception: internal},
        lifespan=lifespan)
    app.state.preview = preview
    return Guard(app, allowed_hosts if allowed_hosts is not None else set(LOOPBACK))


def ui_url(d: Department) -> str:
    return "/d/" + quote(d.rel, safe="/") + "/"


class Guard:
    """ASGI middleware: only GET/HEAD, only the allowed Host names (no DNS rebinding), and
    the security headers on every response."""

    def __init__(self, app: Starlette, allowed_hosts: set[str]):
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.state = app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = ""
        for key, value in scope.get("headers", []):
            if key == b"host":
                host = value.decode("latin-1").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if "*" not in self.allowed and name not in self.allowed:
            return await _plain(send, 400, "主机名不被允许：请用 http://127.0.0.1 访问本预览。")
        if scope["method"] not in ("GET", "HEAD"):
            return await _plain(send, 405, "本预览只提供查看和下载。")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         (b"cross-origin-opener-policy", b"same-origin"),
                         (b"cross-origin-resource-policy", b"same-origin")]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", CSP_UI.encode()))
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-cache"))
                message = {**message, "headers": headers + extra}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


async def _plain(send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free port). Raises OSError."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(app, sock: socket.socket) -> None:
    """Run until Ctrl-C (or SIGTERM): event streams end, the worker stops, the socket closes."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):  # no re-raise of the signal afterwards: a clean exit
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            self.should_exit = True
            app.app.state.preview.request_stop()

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", http="h11", ws="none",
                            loop="asyncio", timeout_graceful_shutdown=3, server_header=False, date_header=False)
    Server(config).run(sockets=[sock])
