"""Helpers shared by commands."""

from __future__ import annotations

import glob
from pathlib import Path

import click

from ..errors import Problem, UserError


def expand_sources(sources: tuple[str, ...]) -> list[Path]:
    """Files, folders (every *.yaml inside, recursively) and globs → sorted unique files."""
    out: list[Path] = []
    for s in sources:
        p = Path(s)
        if p.is_dir():
            out += sorted(x for x in p.rglob("*.yaml") if not x.name.startswith(".") and "科目补充" not in x.stem)
            out += sorted(x for x in p.rglob("*.yml") if not x.name.startswith("."))
        elif p.exists():
            out.append(p)
        elif any(ch in s for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(s, recursive=True))
            if not matches:
                raise click.UsageError(f"没有与“{s}”匹配的文件")
            out += matches
        else:
            raise click.UsageError(f"找不到文件或文件夹“{s}”")
    seen, unique = set(), []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    if not unique:
        raise click.UsageError("没有找到任何部门 YAML 文件")
    return unique


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        color = "red" if p.is_error else "yellow"
        click.secho(p.format(), fg=color, err=True)
