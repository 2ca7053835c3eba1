"""What a build tells the user: every problem of every department, at file:line:col.

On a terminal: colours (unless ``NO_COLOR`` is set) and, for a batch, a progress
bar. Anywhere else (a pipe, a file, CI): plain lines, never cut, boxed or
coloured. ``--log FILE`` receives the same lines, plain, under a short header.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TextIO

import click

from .build import BuildResult


def no_color() -> bool:
    """https://no-color.org: any non-empty NO_COLOR turns colour off."""
    return bool(os.environ.get("NO_COLOR"))


def use_color(stream: TextIO) -> bool:
    try:
        return stream.isatty() and not no_color()
    except (AttributeError, ValueError):
        return False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def log_header(argv: list[str]) -> str:
    return (f"disclose 生成报告\n时间：{time.strftime('%Y-%m-%d %H:%M:%S')}\n工作目录：{os.getcwd()}\n"
            f"命令：{' '.join(argv)}\n\n")


class Reporter:
    """Prints each department's problems and outcome as it finishes, then a summary."""

    def __init__(self, total: int, log: TextIO | None = None, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.total, self.done = total, 0
        self.single = total == 1
        self.color = use_color(self.stream)
        self.log = log
        self.results: list[BuildResult] = []
        self.progress = None
        if _isatty(self.stream) and not self.single:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(file=self.stream, no_color=not self.color, highlight=False, soft_wrap=True)
            # no refresh thread (worker processes are forked): refreshed on every event and tick
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=console, auto_refresh=False, transient=False)
            self.task = self.progress.add_task("生成中", total=total)
            self.progress.start()

    # ---- output ---------------------------------------------------------------------------

    def line(self, text: str, style: str | None = None) -> None:
        if self.log is not None:
            self.log.write(text + "\n")
            self.log.flush()
        if self.progress is not None:
            from rich.text import Text

            self.progress.console.print(Text(text, style=style or "") if self.color else Text(text), soft_wrap=True)
            self.progress.refresh()
        else:
            self.stream.write((click.style(text, fg=style) if self.color and style else text) + "\n")
            self.stream.flush()

    def note(self, text: str) -> None:
        self.line(text, "red" if text.startswith("错误") else "yellow")

    def started(self, sources: list[Path]) -> None:
        if self.progress is not None:
            text = "、".join(p.stem for p in sources) if sources else ""
            if len(text) > 48:
                text = text[:47] + "…"
            self.progress.update(self.task, description=f"生成中：{text}" if text else "生成中")
            self.progress.refresh()

    def tick(self) -> None:
        if self.progress is not None:
            self.progress.refresh()

    def finished(self, r: BuildResult) -> None:
        self.results.append(r)
        self.done += 1
        for p in r.problems:
            self.line(p.format(), "red" if p.is_error else "yellow")
        n = "" if self.single else f"[{self.done}/{self.total}] "
        if r.status == "built":
            if self.single:
                for o in r.outputs:
                    self.line(f"已生成：{o}")
            else:
                folder = r.outputs[0].parent if r.outputs else ""
                self.line(f"{n}已生成：{r.source} → {folder}", "green")
        elif r.status == "unchanged":
            self.line(f"{n}无变化，跳过：{r.source}（用 --force 重新生成）", "cyan")
        else:
            errors, warnings = len(r.errors), len(r.warnings)
            counts = f"{errors} 个错误" + (f"、{warnings} 个警告" if warnings else "")
            if any(p.rule == "output.partial" for p in r.problems):
                self.line(f"{n}未生成：{r.source} 有 {counts}，发布中断，见上面的说明。", "red")
            else:
                self.line(f"{n}未生成：{r.source} 有 {counts}，已发布的文件保持不变。", "red")
        if self.progress is not None:
            self.progress.update(self.task, advance=1)
            self.progress.refresh()

    def summary(self, interrupted: bool = False) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description="已中断" if interrupted else "完成")
            self.progress.refresh()
            self.progress.stop()
            self.progress = None
        if interrupted:
            self.line("已中断：未完成的部门没有发布任何文件。", "red")
        if self.single:
            return
        built = [r for r in self.results if r.status == "built"]
        same = [r for r in self.results if r.status == "unchanged"]
        failed = [r for r in self.results if r.status == "failed"]
        warnings = sum(len(r.warnings) for r in self.results)
        self.line("")
        self.line(f"生成结果：已生成 {len(built)} 个，无变化 {len(same)} 个，失败 {len(failed)} 个。"
                  + (f"警告共 {warnings} 个（见上）。" if warnings else ""))
        if same and not built and not failed:
            self.line("全部无变化，没有重新生成（用 --force 强制重新生成）。")
        elif same:
            self.line(f"{len(same)} 个部门与上次生成时相同，已跳过（用 --force 强制重新生成）。")
        if failed:
            partial = any(p.rule == "output.partial" for r in failed for p in r.problems)
            kept = "" if partial else "，已发布的文件保持不变"
            self.line(f"{len(failed)} 个部门未生成{kept}；请按上面的错误修改后重新运行：", "red")
            for r in sorted(failed, key=lambda r: str(r.source)):
                self.line(f"  {r.source}（{len(r.errors)} 个错误）", "red")
