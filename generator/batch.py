"""Build many departments: worker processes, a progress bar, a summary, exit code."""

from __future__ import annotations

import os
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

import click

from .build import BuildResult, build_department
from .errors import Location, Problem


def _warm() -> None:
    """Per-process set-up done once: renderers, fonts, templates."""
    from .renderers import load_all
    load_all()


def _one(path: str, out_dir: str, kw: dict) -> BuildResult:
    try:
        return build_department(Path(path), Path(out_dir), **kw)
    except Exception as exc:  # a bug must not stop the other departments
        return BuildResult(Path(path), "failed", problems=[Problem(
            "internal", f"内部错误（请报告）：{type(exc).__name__}: {exc}", Location(path))])


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
    if len(files) == 1:
        from .fonts import check_environment
        for msg in check_environment():
            click.secho(msg, fg="yellow", err=True)
        r = _one(str(files[0]), str(out_dir), kw)
        _print_result(r)
        return 0 if r.status != "failed" else 1
    return _parallel(files, out_dir, jobs or os.cpu_count() or 1, kw)


def _parallel(files: list[Path], out_dir: Path, jobs: int, kw: dict) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from .fonts import check_environment

    console = Console(stderr=True)
    for msg in check_environment():
        console.print(f"[yellow]{msg}[/]")
    results: list[BuildResult] = []
    jobs = max(1, min(jobs, len(files)))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("生成中", total=len(files))
        with ProcessPoolExecutor(max_workers=jobs, initializer=_warm) as pool:
            pending = {pool.submit(_one, str(f), str(out_dir), kw): f for f in files}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    f = pending.pop(fut)
                    r = fut.result()
                    results.append(r)
                    progress.update(task, advance=1, description=f"{'✓' if r.status != 'failed' else '✗'} {r.department or f.stem}")
    built = [r for r in results if r.status == "built"]
    same = [r for r in results if r.status == "unchanged"]
    failed = [r for r in results if r.status == "failed"]
    table = Table(title="生成结果")
    table.add_column("状态")
    table.add_column("部门文件")
    table.add_column("说明")
    for r in sorted(results, key=lambda r: (r.status != "failed", str(r.source))):
        label = {"built": "[green]已生成[/]", "unchanged": "[cyan]无变化[/]", "failed": "[red]失败[/]"}[r.status]
        note = r.first_error if r.status == "failed" else (str(r.outputs[0].parent) if r.outputs else "")
        table.add_row(label, str(r.source), note)
    console.print(table)
    console.print(f"已生成 {len(built)} 个，无变化 {len(same)} 个，失败 {len(failed)} 个。")
    if same and not built and not failed:
        console.print("全部无变化，没有重新生成（用 --force 强制重新生成）。")
    return 1 if failed else 0
