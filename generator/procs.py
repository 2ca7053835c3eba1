"""Worker processes that end with their parent and stop at a time limit.

- A worker asks the kernel to kill it when its parent dies (Linux: ``prctl(PR_SET_PDEATHSIG,
  SIGKILL)``; elsewhere a watchdog thread polls ``getppid``), and checks that its parent is
  alive right before it publishes: a batch killed with ``kill -9`` leaves no worker that
  publishes later or waits forever.
- Each job has a time limit: inside the worker a timer raises :class:`TimeLimitExceeded`
  (a clean stop with a message); the parent kills a worker that is still busy
  :data:`GRACE` seconds later (stuck in C code) and says so.
- A worker tells the parent when it starts switching to the new files (``publishing``),
  with the folder and the inode of the new version, so that after killing a worker the
  parent can tell truthfully whether the switch happened.
- One job per worker at a time: a worker that dies takes only its own job with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait as _wait
from typing import Any, Callable, Iterator

#: Seconds the parent waits after a job's time limit before it kills the worker.
GRACE = 5.0
#: Ask the kernel to kill a worker with its parent (Linux); off: the portable watchdog thread alone.
USE_PDEATHSIG = True
PR_SET_PDEATHSIG = 1


class TimeLimitExceeded(BaseException):
    """A job ran out of time (a BaseException, so ``except Exception`` in a library does not swallow it)."""


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` (its parent) ends."""
    armed = False
    if USE_PDEATHSIG and sys.platform.startswith("linux"):
        try:
            armed = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="parent-watch").start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


class Job:
    """What a worker's function may use: the publish hook (time limit and parent check)."""

    def __init__(self, conn: Any, parent_pid: int, limit: float | None):
        self.conn, self.parent_pid, self.limit = conn, parent_pid, limit
        self.deadline = time.monotonic() + limit if limit else None

    def _alarm(self, signum: int, frame: Any) -> None:
        raise TimeLimitExceeded()

    def start(self) -> None:
        if self.limit and hasattr(signal, "setitimer"):
            signal.signal(signal.SIGALRM, self._alarm)
            signal.setitimer(signal.ITIMER_REAL, self.limit)

    def stop(self) -> None:
        if self.limit and hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)

    def before_publish(self, folder: str, inode: int) -> None:
        """The last moment to stop: with the parent gone or the time up nothing is published.
        From here on the switch is not interrupted by the timer (the parent still kills a worker
        that takes :data:`GRACE` seconds longer, and then checks ``inode``)."""
        if os.getppid() != self.parent_pid:
            os._exit(1)
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise TimeLimitExceeded()
        self.stop()
        self.conn.send(("publishing", (folder, inode)))


def _worker(conn: Any, parent_pid: int, initializer: Callable[[], None] | None) -> None:
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if initializer is not None:
        initializer()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        fn, args, limit = task
        job = Job(conn, parent_pid, limit)
        try:
            job.start()
            msg: tuple = ("done", fn(*args, job=job))
        except TimeLimitExceeded:
            msg = ("timeout", None)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as an internal error
            msg = ("error", f"{type(exc).__name__}: {exc}")
        finally:
            job.stop()
        try:
            conn.send(msg)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    conn.close()


@dataclass
class Task:
    fn: Callable
    args: tuple
    limit: float | None
    tag: Any = None  # the caller's (the department file)


@dataclass
class Outcome:
    task: Task
    kind: str  # done / timeout (the worker stopped itself) / killed (time limit, by the parent) / crashed / error
    value: Any = None  # done: the function's result; error: the exception text
    publishing: tuple[str, int] | None = None  # (folder, inode) when the worker had begun to publish


@dataclass
class _Worker:
    proc: Any
    conn: Any
    task: Task | None = None
    deadline: float | None = None
    publishing: tuple[str, int] | None = None
    msgs: list = field(default_factory=list)


class Pool:
    """At most ``size`` worker processes, one task each at a time."""

    def __init__(self, size: int, initializer: Callable[[], None] | None = None):
        method = "fork" if sys.platform.startswith("linux") else None
        self.ctx = multiprocessing.get_context(method)
        self.size, self.initializer = max(1, size), initializer
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker, args=(child, os.getpid(), self.initializer), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _start(self, task: Task) -> None:
        for _ in range(2):
            w = self.idle.pop() if self.idle else self._spawn()
            try:
                w.conn.send((task.fn, task.args, task.limit))
            except OSError:  # the idle worker has died: discard it, take a fresh one
                self._discard(w)
                continue
            w.task, w.publishing = task, None
            w.deadline = time.monotonic() + task.limit + GRACE if task.limit else None
            self.busy.append(w)
            return
        raise OSError("cannot start a worker process")

    def _discard(self, w: _Worker) -> None:
        if w.proc.is_alive():
            with contextlib.suppress(OSError, ValueError):
                os.kill(w.proc.pid, signal.SIGKILL)
        w.proc.join()
        with contextlib.suppress(OSError, ValueError):
            w.conn.close()

    def _finish(self, w: _Worker, kind: str, value: Any = None, keep: bool = True) -> Outcome:
        out = Outcome(w.task, kind, value, w.publishing)  # type: ignore[arg-type]
        self.busy.remove(w)
        w.task = None
        if keep:
            self.idle.append(w)
        else:
            self._discard(w)
        return out

    def _poll(self, w: _Worker, now: float) -> Outcome | None:
        while True:
            try:
                if not w.conn.poll():
                    break
                kind, value = w.conn.recv()
            except (EOFError, OSError):
                return self._finish(w, "crashed", keep=False)
            if kind == "publishing":
                w.publishing = value
                continue
            return self._finish(w, kind, value)
        if not w.proc.is_alive():
            return self._finish(w, "crashed", keep=False)
        if w.deadline is not None and now >= w.deadline:
            return self._finish(w, "killed", keep=False)
        return None

    def run(self, tasks: list[Task], started: Callable[[list[Task]], None] | None = None,
            tick: Callable[[], None] | None = None, interval: float = 0.5) -> Iterator[Outcome]:
        """Run ``tasks``; yields each outcome as it comes (``started`` hears which are in flight,
        ``tick`` is called at least every ``interval`` seconds)."""
        queue = deque(tasks)
        while queue or self.busy:
            while queue and len(self.busy) < self.size:
                self._start(queue.popleft())
            if started is not None:
                started([w.task for w in self.busy])  # type: ignore[misc]
            now = time.monotonic()
            deadlines = [w.deadline for w in self.busy if w.deadline is not None]
            timeout = max(0.0, min([interval] + [d - now for d in deadlines]))
            _wait([w.conn for w in self.busy] + [w.proc.sentinel for w in self.busy], timeout)
            if tick is not None:
                tick()
            now = time.monotonic()
            for w in list(self.busy):
                outcome = self._poll(w, now)
                if outcome is not None:
                    yield outcome

    def abort(self) -> list[Outcome]:
        """Kill the busy workers (Ctrl-C); their tasks, with how far publishing got."""
        return [self._finish(w, "killed", keep=False) for w in list(self.busy)]

    def close(self) -> None:
        for w in self.busy:
            self._discard(w)
        self.busy = []
        for w in self.idle:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        deadline = time.monotonic() + 5
        for w in self.idle:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            self._discard(w)
        self.idle = []
