"""Helpers shared by commands."""

from __future__ import annotations

import glob
from pathlib import Path

import click

from ..errors import Problem, UserError


def _department_like(path: Path) -> bool:
    """A YAML file in a folder that is a department (not the project configuration, not a catalog)."""
    from ..project import FILENAME
    return not path.name.startswith(".") and "科目补充" not in path.stem and path.name != FILENAME


def output_folder(files: list[Path], given: Path | None) -> Path:
    """-o when given; else the project configuration's 输出文件夹; else ./output."""
    if given is not None:
        return given
    from ..project import load_project
    chosen: set[Path] = set()
    for f in files:
        project = load_project(f.parent)
        out = project.output_dir if project is not None else None
        chosen.add(out if out is not None else Path("output"))
    if len(chosen) > 1:
        names = "、".join(sorted(str(c) for c in chosen))
        raise click.UsageError(f"这些部门文件属于不同的项目，输出文件夹不同（{names}）：请用 -o 指定输出文件夹")
    return chosen.pop() if chosen else Path("output")


def expand_sources(sources: tuple[str, ...]) -> list[Path]:
    """Files, folders (every *.yaml inside, recursively) and globs → sorted unique files."""
    out: list[Path] = []
    for s in sources:
        p = Path(s)
        if p.is_dir():
            out += sorted(x for x in p.rglob("*.yaml") if _department_like(x))
            out += sorted(x for x in p.rglob("*.yml") if _department_like(x))
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
    from ..report import no_color

    for p in problems:
        color = None if no_color() else "red" if p.is_error else "yellow"
        click.secho(p.format(), fg=color, err=True)
