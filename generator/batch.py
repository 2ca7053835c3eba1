"""Build one or many departments in worker processes, with a report, a time limit and an exit code.

- Every department is built in a worker process (:mod:`generator.procs`): ``-j N``
  at a time (default: the CPU count). Workers end with the parent (``kill -9`` of
  ``disclose build`` leaves none behind, and none publishes afterwards), and each
  department has a time limit (``--time-limit``, default :data:`DEFAULT_TIME_LIMIT`
  seconds) after which it stops with a Chinese message and publishes nothing.
- Before anything is built, the files of a batch are identified (department and
  year): two files that would publish into the same department folder are both
  refused, naming each other (:func:`generator.build.collisions`).
- A department that fails never stops the others: bad input is a failed result,
  an unexpected exception is a failed result (内部错误), and a worker that dies
  (out of memory, crash) fails only the department it was building.
- Incremental: ``build_department`` skips a department whose fingerprint
  (YAML, last-year file, catalogs, templates, version) matches the last build.
- The report (:mod:`generator.report`): every problem of every department, then a
  summary; exit status 1 when any department failed, 130 when interrupted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from .build import BuildResult, Identity, build_department, collisions, identify
from .errors import Location, Problem, Severity
from .procs import Outcome, Pool, Task

#: Seconds one department may take (check, layout, writing) unless ``--time-limit`` says otherwise.
DEFAULT_TIME_LIMIT = 300.0


def _warm() -> None:
    """Per-process set-up of a worker. Deliberately light: a department that is unchanged
    needs only the check; the renderers load on the worker's first build and then stay
    loaded for every later department of the worker."""
    from . import pipeline  # noqa: F401


def _identify(path: str, job=None) -> Identity | None:
    from .load.department import load_department

    return identify(load_department(path))


def _one(path: str, out_dir: str, kw: dict, job=None) -> BuildResult:
    hook = job.before_publish if job is not None else None
    return build_department(Path(path), Path(out_dir), before_publish=hook, **kw)


def _failed(source: Path, rule: str, message: str) -> BuildResult:
    return BuildResult(source, "failed", problems=[Problem(rule, message, Location(str(source)))])


def _published_after_kill(o: Outcome, out_dir: Path) -> bool:
    """Whether a killed worker's switch to the new files happened (finishing a journal switch first)."""
    if o.publishing is None:
        return False
    from .output import published_inode, recover

    folder, inode = o.publishing
    recover(out_dir, Path(folder).name)
    return published_inode(folder) == inode


def outcome_result(o: Outcome, out_dir: Path, time_limit: float | None) -> BuildResult:
    """A BuildResult for every way a worker can end, each with a truthful message."""
    source = Path(o.task.tag)
    if o.kind == "done":
        return o.value
    if o.kind == "error":
        return _failed(source, "internal", f"内部错误（请报告）：{o.value}")
    if o.kind in ("killed", "crashed") and _published_after_kill(o, out_dir):
        folder = Path(o.publishing[0])  # type: ignore[index]
        why = "超过时间限制" if o.kind == "killed" else "意外退出"
        return BuildResult(source, "built", outputs=[folder / "."], problems=[Problem(
            "build.finished-late", f"生成进程在新文件发布之后、收尾之前{why}：新文件已完整发布到“{folder}”",
            Location(str(source)), Severity.WARNING)])
    if o.kind in ("timeout", "killed"):
        limit = f"{time_limit:g}" if time_limit else "?"
        return _failed(source, "build.time-limit",
                       f"生成时间超过限制（{limit} 秒），已停止：该部门未生成，已发布的文件保持不变"
                       "（文件异常大或文字异常长时会这样；确需更长时间可用 --time-limit 秒数 调整）")
    return _failed(source, "internal.worker",
                   "生成进程意外退出（可能是内存不足或程序崩溃），该部门未生成，已发布的文件保持不变")


def run_batch(files: list[Path], out_dir: Path, *, jobs: int | None = None,
              time_limit: float | None = DEFAULT_TIME_LIMIT, log: TextIO | None = None, **kw) -> int:
    """Build ``files`` into ``out_dir``; returns the exit status (1 if any failed, 130 if interrupted)."""
    from .fonts import check_environment
    from .report import Reporter

    reporter = Reporter(len(files), log=log)
    for msg in check_environment():
        reporter.note(msg)
    pool = Pool(min(jobs or os.cpu_count() or 1, len(files)), initializer=_warm)
    interrupted = False
    try:
        refuse: dict[Path, list[Problem]] = {}
        if len(files) > 1:
            reporter.started([])
            found = [o.value for o in pool.run([Task(_identify, (str(f),), time_limit, f) for f in files],
                                               tick=reporter.tick)
                     if o.kind == "done" and o.value is not None]
            refuse = collisions(found)
        tasks = [Task(_one, (str(f), str(out_dir), {**kw, "refuse": refuse.get(f)}), time_limit, f) for f in files]
        for o in pool.run(tasks, started=lambda ts: reporter.started([t.tag for t in ts]), tick=reporter.tick):
            reporter.finished(outcome_result(o, out_dir, time_limit))
    except OSError as exc:  # no worker process could be started (process or memory limits)
        reporter.line(f"错误：无法启动生成进程（{exc.strerror or exc}）：其余部门未生成，已发布的文件保持不变", "red")
        reporter.results += [_failed(f, "internal.spawn", "无法启动生成进程，未生成") for f in files[len(reporter.results):]]
    except KeyboardInterrupt:
        interrupted = True
        for o in pool.abort():
            r = outcome_result(o, out_dir, time_limit)
            if r.status == "failed":
                r = _failed(Path(o.task.tag), "build.interrupted", "已中断：该部门未生成，已发布的文件保持不变")
            reporter.finished(r)
    finally:
        pool.close()
    reporter.summary(interrupted)
    if interrupted:
        return 130
    return 1 if any(r.status == "failed" for r in reporter.results) else 0
