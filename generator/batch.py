"""Build many departments: worker processes, a progress bar, a summary, exit code.

- ``-j N`` worker processes (default: CPU count); at most N departments are
  handed out at a time, so the progress bar can show the ones being built.
- A department that fails never stops the others: bad input is a failed
  result, an unexpected exception is a failed result (内部错误), and a worker
  process that dies (out of memory, crash) breaks only the departments it may
  have been building: each of those is retried alone, so only the culprit fails.
- Incremental: ``build_department`` skips a department whose fingerprint
  (YAML, last-year file, catalogs, templates, version) matches the last build.
- Exit status 1 when any department failed.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import click

from .build import BuildResult, build_department
from .errors import Location, Problem

#: Above this many departments the summary table lists only failures (and counts).
SUMMARY_ROWS = 20


def _warm() -> None:
    """Per-process set-up of the worker. Deliberately light: a department that is
    unchanged needs only the check, and the renderers (WeasyPrint, fonts) load on
    the first build and then stay loaded for every later department of the worker."""
    from . import pipeline  # noqa: F401


def _one(path: str, out_dir: str, kw: dict) -> BuildResult:
    try:
        return build_department(Path(path), Path(out_dir), **kw)
    except (Exception, SystemExit) as exc:  # a bug must not stop the other departments
        return _internal(Path(path), exc)


def _internal(path: Path, exc: BaseException) -> BuildResult:
    return BuildResult(path, "failed", problems=[Problem(
        "internal", f"内部错误（请报告）：{type(exc).__name__}: {exc}", Location(str(path)))])


def _crashed(path: Path) -> BuildResult:
    return BuildResult(path, "failed", problems=[Problem(
        "internal.worker", "生成进程意外退出（可能是内存不足或程序崩溃），该部门未生成，已发布的文件保持不变", Location(str(path)))])


def _print_result(r: BuildResult) -> None:
    for p in r.problems:
        click.secho(p.format(), fg="red" if p.is_error else "yellow", err=True)
    if r.status == "built":
        for o in r.outputs:
            click.echo(f"已生成：{o}", err=True)
    elif r.status == "unchanged":
        click.echo(f"无变化，跳过：{r.source}（用 --force 重新生成）", err=True)
    else:
        n = sum(1 for p in r.problems if p.is_error)
        click.secho(f"未生成：{r.source} 有 {n} 个错误，已发布的文件保持不变。", fg="red", err=True)


def run_batch(files: list[Path], out_dir: Path, *, jobs: int | None = None, **kw) -> int:
    """Build ``files`` into ``out_dir``; returns the exit status (1 if any failed)."""
    if len(files) == 1:
        from .fonts import check_environment
        for msg in check_environment():
            click.secho(msg, fg="yellow", err=True)
        r = _one(str(files[0]), str(out_dir), kw)
        _print_result(r)
        return 0 if r.status != "failed" else 1
    return _parallel(files, out_dir, jobs or os.cpu_count() or 1, kw)


def _label(path: Path) -> str:
    return path.stem


def _first_error(r: BuildResult) -> str:
    """The first error, without repeating the department's own file name."""
    p = next((p for p in r.problems if p.is_error), None)
    if p is None:
        return ""
    if p.location.file == str(r.source):
        where = f"第 {p.location.line} 行：" if p.location.line else ""
        return f"{where}{p.severity.value}[{p.rule}] {p.message}"
    return p.format()


class _Runner:
    """Hands out at most ``jobs`` departments at a time to a process pool."""

    def __init__(self, files: list[Path], out_dir: Path, jobs: int, kw: dict):
        self.queue: deque[Path] = deque(files)
        self.alone: deque[Path] = deque()  # in flight when a worker died: retried one by one
        self.out_dir, self.jobs, self.kw = str(out_dir), jobs, kw
        self.running: dict[Future, Path] = {}
        self.pool: ProcessPoolExecutor | None = None

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, initializer=_warm)

    def pending(self) -> bool:
        return bool(self.queue or self.alone or self.running)

    def in_flight(self) -> list[Path]:
        return list(self.running.values())

    def step(self, started=lambda paths: None) -> list[BuildResult]:
        """Start what may start (``started`` is told which departments are in flight),
        wait for at least one department, return the finished ones."""
        if self.alone and not self.running:
            f = self.alone.popleft()
            started([f])
            return [self._run_alone(f)]
        if self.pool is None:
            self.pool = self._pool(self.jobs)
        while self.queue and len(self.running) < self.jobs and not self.alone:
            f = self.queue.popleft()
            try:
                self.running[self.pool.submit(_one, str(f), self.out_dir, self.kw)] = f
            except BrokenProcessPool:
                self.queue.appendleft(f)
                return self._broken()
        started(self.in_flight())
        done, _ = wait(self.running, return_when=FIRST_COMPLETED)
        results = []
        for fut in done:
            try:
                r = fut.result()
            except BrokenProcessPool:
                return results + self._broken()
            except Exception as exc:  # e.g. a result that could not be sent back
                r = _internal(self.running[fut], exc)
            results.append(r)
            del self.running[fut]
        return results

    def _broken(self) -> list[BuildResult]:
        """A worker died: keep what finished, retry the rest one at a time in a fresh pool."""
        results = []
        for fut, f in list(self.running.items()):
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                results.append(fut.result())
            else:
                self.alone.append(f)
        self.running.clear()
        self.close(cancel=True)
        return results

    def _run_alone(self, f: Path) -> BuildResult:
        pool = self._pool(1)
        try:
            return pool.submit(_one, str(f), self.out_dir, self.kw).result()
        except BrokenProcessPool:
            return _crashed(f)
        except Exception as exc:
            return _internal(f, exc)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self, cancel: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
            self.pool = None


def _describe(paths: list[Path], width: int = 48) -> str:
    if not paths:
        return "生成中"
    text = "、".join(_label(p) for p in paths)
    if len(text) > width:
        text = text[:width - 1] + "…"
    return f"生成中：{text}"


def _parallel(files: list[Path], out_dir: Path, jobs: int, kw: dict) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .fonts import check_environment

    console = Console(stderr=True)
    for msg in check_environment():
        console.print(f"[yellow]{escape(msg)}[/]")
    results: list[BuildResult] = []
    jobs = max(1, min(jobs, len(files)))
    runner = _Runner(files, out_dir, jobs, kw)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as progress:
            task = progress.add_task("生成中", total=len(files))
            def started(paths: list[Path]) -> None:
                progress.update(task, description=_describe(paths))

            while runner.pending():
                for r in runner.step(started):
                    results.append(r)
                    if r.status == "failed":
                        progress.console.print(f"[red]✗ {escape(str(r.source))}[/] {escape(_first_error(r))}")
                    progress.update(task, advance=1)
            progress.update(task, description="完成")
    finally:
        runner.close(cancel=True)
    _collisions(results)
    _summary(console, results, out_dir)
    return 1 if any(r.status == "failed" for r in results) else 0


def _collisions(results: list[BuildResult]) -> None:
    """Two files that make the same department's disclosure for the same year overwrite each
    other: both are reported as failed, naming the other file."""
    by_output: dict[Path, list[BuildResult]] = {}
    for r in results:
        if r.status != "failed" and r.outputs:
            by_output.setdefault(r.outputs[0].resolve(), []).append(r)
    for target, group in by_output.items():
        if len(group) < 2:
            continue
        for r in group:
            others = "、".join(str(o.source) for o in group if o is not r)
            r.status = "failed"
            r.problems.append(Problem("output.collision",
                                      f"与 {others} 生成同一份公开文本（{target.name}），后生成的会覆盖先生成的："
                                      "请检查两个文件的“部门”和“年度”", Location(str(r.source))))


def _summary(console, results: list[BuildResult], out_dir: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    built = [r for r in results if r.status == "built"]
    same = [r for r in results if r.status == "unchanged"]
    failed = [r for r in results if r.status == "failed"]
    table = Table(title="生成结果")
    table.add_column("状态", no_wrap=True)
    table.add_column("部门文件")
    table.add_column("说明")
    label = {"built": "[green]已生成[/]", "unchanged": "[cyan]无变化[/]", "failed": "[red]失败[/]"}
    listed = results if len(results) <= SUMMARY_ROWS else failed
    for r in sorted(listed, key=lambda r: (r.status != "failed", r.status, str(r.source))):
        note = _first_error(r) if r.status == "failed" else (str(r.outputs[0].parent) if r.outputs else "")
        table.add_row(label[r.status], escape(str(r.source)), escape(note))
    if len(results) > SUMMARY_ROWS:
        if built:
            table.add_row(label["built"], f"{len(built)} 个部门", escape(str(out_dir)))
        if same:
            table.add_row(label["unchanged"], f"{len(same)} 个部门", "与上次生成时相同，已跳过")
    console.print(table)
    console.print(f"已生成 {len(built)} 个，无变化 {len(same)} 个，失败 {len(failed)} 个。")
    if same and not built and not failed:
        console.print("全部无变化，没有重新生成（用 --force 强制重新生成）。")
    elif same:
        console.print(f"{len(same)} 个部门与上次生成时相同，已跳过（用 --force 强制重新生成）。")
    if failed:
        console.print(f"[red]{len(failed)} 个部门未生成，已发布的文件保持不变；请按上面的错误修改后重新运行。[/]")
