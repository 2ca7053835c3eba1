"""disclose formats: list installed formats."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import main
from ..formats import available_formats


@main.command("formats", help="列出已安装的公开文本格式。")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="额外的格式文件夹。")
def formats_command(templates: Path | None) -> None:
    for name, fmt in sorted(available_formats(templates).items()):
        tables = "、".join(f"{t.number}{t.title}" for t in fmt.tables)
        click.echo(f"{name}\t{fmt.description}\n\t文件夹：{fmt.folder}\n\t公开表：{tables}")
