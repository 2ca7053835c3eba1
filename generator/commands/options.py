"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click


def templates_folder(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``--templates``: a folder that exists (a typo must not silently fall back to the built-in formats)."""
    if value is None:
        return None
    if not value.exists():
        raise click.UsageError(f"找不到格式文件夹“{value}”（--templates）：请检查路径", ctx=ctx)
    if not value.is_dir():
        raise click.UsageError(f"“{value}”不是文件夹（--templates 应为格式文件夹）", ctx=ctx)
    return value


def templates_option(help: str = "额外的格式文件夹（覆盖内置格式）。"):
    return click.option("--templates", type=click.Path(path_type=Path), callback=templates_folder,
                        metavar="文件夹", help=help)


def positive_seconds(ctx: click.Context, param: click.Parameter, value: str) -> float:
    """``--time-limit``: a number of seconds above 0."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise click.UsageError(f"--time-limit 应为大于 0 的秒数，实际是“{value}”", ctx=ctx)
    return seconds
