"""disclose check FILE...: every problem at once, in Chinese, at file:line:col."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import main
from ..pipeline import check_file
from .common import expand_sources, print_problems


@main.command("check", help="检查部门预算 YAML：列出全部错误和警告（文件:行:列）。无问题退出码 0，有错误 1，用法错误 2。")
@click.argument("sources", nargs=-1, required=True, metavar="文件或文件夹...")
@click.option("--format", "-f", "format_name", metavar="格式", help="按指定格式检查所需字段（默认用 YAML 中的“格式”）。")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="额外的格式文件夹（覆盖内置格式）。")
@click.option("--strict", is_flag=True, help="把警告也当作错误。")
def check_command(sources: tuple[str, ...], format_name: str | None, templates: Path | None, strict: bool) -> None:
    files = expand_sources(sources)
    errors = warnings = 0
    for f in files:
        checked = check_file(f, format_name, templates, strict)
        print_problems(checked.problems)
        errors += len(checked.errors)
        warnings += len(checked.warnings)
    summary = f"检查了 {len(files)} 个文件：{errors} 个错误，{warnings} 个警告。"
    click.echo(summary, err=True)
    sys.exit(1 if errors else 0)
