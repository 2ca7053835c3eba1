"""disclose build: YAML → DOCX + PDF (one department, or many in parallel)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import main
from .common import expand_sources, output_folder
from .options import positive_seconds, templates_option


@main.command("build", help="生成部门预算公开文本（DOCX 与 PDF）。可以给文件、文件夹或通配符；检查有错误时不生成。")
@click.argument("sources", nargs=-1, required=True, metavar="文件或文件夹...")
@click.option("-o", "--output", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="输出文件夹（默认：disclose.yaml 中的“输出文件夹”，没有则为 output）。")
@click.option("--format", "-f", "format_name", metavar="格式", help="使用指定格式（覆盖 YAML 中的“格式”）。")
@templates_option()
@click.option("--strict", is_flag=True, help="把警告也当作错误。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N", help="并行进程数（默认：CPU 核数）。")
@click.option("--force", is_flag=True, help="即使没有变化也重新生成。")
@click.option("--data", is_flag=True, help="同时输出开放数据（每张表的 CSV 与一个 JSON）。")
@click.option("--time-limit", default="300", callback=positive_seconds, metavar="秒",
              help="每个部门的生成时间上限（默认 300 秒）；超时即停止该部门，已发布的文件保持不变。")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="把完整的报告（全部部门的全部错误与警告）另外写入该文件。")
def build_command(sources, out_dir, format_name, templates, strict, jobs, force, data, time_limit, log_path) -> None:
    from ..batch import run_batch
    from ..report import log_header

    files = expand_sources(sources)
    out_dir = output_folder(files, out_dir)
    log = None
    if log_path is not None:
        try:
            log = open(log_path, "w", encoding="utf-8")
        except OSError as exc:
            raise click.UsageError(f"无法写入报告文件“{log_path}”：{exc.strerror or exc}（--log）") from None
        log.write(log_header(["disclose", *sys.argv[1:]]))
    try:
        code = run_batch(files, out_dir, format_name=format_name, templates=templates, strict=strict,
                         jobs=jobs, force=force, data=data, time_limit=time_limit, log=log)
    finally:
        if log is not None:
            log.close()
    sys.exit(code)
