"""disclose build: YAML → DOCX + PDF (one department, or many in parallel)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import main
from .common import expand_sources, output_folder


@main.command("build", help="生成部门预算公开文本（DOCX 与 PDF）。可以给文件、文件夹或通配符；检查有错误时不生成。")
@click.argument("sources", nargs=-1, required=True, metavar="文件或文件夹...")
@click.option("-o", "--output", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="输出文件夹（默认：disclose.yaml 中的“输出文件夹”，没有则为 output）。")
@click.option("--format", "-f", "format_name", metavar="格式", help="使用指定格式（覆盖 YAML 中的“格式”）。")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="额外的格式文件夹（覆盖内置格式）。")
@click.option("--strict", is_flag=True, help="把警告也当作错误。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N", help="并行进程数（默认：CPU 核数）。")
@click.option("--force", is_flag=True, help="即使没有变化也重新生成。")
@click.option("--data", is_flag=True, help="同时输出开放数据（每张表的 CSV 与一个 JSON）。")
def build_command(sources, out_dir, format_name, templates, strict, jobs, force, data) -> None:
    from ..batch import run_batch
    files = expand_sources(sources)
    out_dir = output_folder(files, out_dir)
    code = run_batch(files, out_dir, format_name=format_name, templates=templates, strict=strict,
                     jobs=jobs, force=force, data=data)
    sys.exit(code)
