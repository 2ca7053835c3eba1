"""disclose check FILE...: every problem at once, in Chinese, at file:line:col."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import main
from ..pipeline import check_file
from .common import expand_sources, print_problems
from .options import templates_option


@main.command("check", help="检查部门预算 YAML：列出全部错误和警告（文件:行:列）。无问题退出码 0，有错误 1，用法错误 2。")
@click.argument("sources", nargs=-1, required=True, metavar="文件或文件夹...")
@click.option("--format", "-f", "format_name", metavar="格式", help="按指定格式检查所需字段（默认用 YAML 中的“格式”）。")
@templates_option()
@click.option("--strict", is_flag=True, help="把警告也当作错误。")
def check_command(sources: tuple[str, ...], format_name: str | None, templates: Path | None, strict: bool) -> None:
    from ..build import collisions, identify

    files = expand_sources(sources)
    errors = warnings = 0
    results = [check_file(f, format_name, templates, strict) for f in files]
    # two files that build would refuse together (the same department and year twice) are refused here too
    clashes = collisions([i for c in results if (i := identify(c.loaded)) is not None])
    for checked in results:
        checked.problems += clashes.get(checked.loaded.path, [])
        print_problems(checked.problems)
        errors += len(checked.errors)
        warnings += len(checked.warnings)
    summary = f"检查了 {len(files)} 个文件：{errors} 个错误，{warnings} 个警告。"
    click.echo(summary, err=True)
    sys.exit(1 if errors else 0)
