"""disclose schema: JSON Schema of the department YAML, for editor autocompletion."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli import main
from ..schema import department_schema

__all__ = ["department_schema", "schema_command"]


@main.command("schema", help="输出部门 YAML 的 JSON Schema（供编辑器自动补全与校验）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件", help="写入文件（默认输出到屏幕）。")
@click.option("--markdown", is_flag=True, help="输出中文 Markdown 字段参考（docs/YAML字段参考.md 即由此生成）。")
def schema_command(output: Path | None, markdown: bool) -> None:
    if markdown:
        from ..reference import markdown as md
        text = md()
    else:
        text = json.dumps(department_schema(), ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"已写入 {output}", err=True)
    else:
        click.echo(text)
