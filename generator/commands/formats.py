"""disclose formats: list installed formats (and report a broken format folder in full)."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import main
from ..errors import TemplateError
from ..formats import _format_folders, _load, search_path
from .options import templates_option


@main.command("formats", help="列出已安装的公开文本格式；格式文件夹有错时逐条报告（文件:行:列）。")
@templates_option("额外的格式文件夹。")
@click.option("--markdown", is_flag=True, help="输出格式编写参考（docs/formats.md 即由此生成）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件", help="与 --markdown 一起：写入文件。")
def formats_command(templates: Path | None, markdown: bool, output: Path | None) -> None:
    if markdown:
        from ..formats.reference import markdown as md
        text = md()
        if output:
            output.write_text(text, encoding="utf-8")
            click.echo(f"已写入 {output}", err=True)
        else:
            click.echo(text, nl=False)
        return
    problems = []
    seen: dict[str, Path] = {}
    for base in reversed(search_path(templates)):
        for folder in _format_folders(base):
            try:
                fmt = _load(folder)
            except TemplateError as exc:
                problems.extend(exc.problems or [])
                if not exc.problems:
                    problems.append(str(exc))
                continue
            seen[fmt.name] = folder
            tables = "、".join(f"{t.number}{t.title}" for t in fmt.tables)
            click.echo(f"{fmt.name}\t{fmt.description}\n\t文件夹：{folder}\n\t公开表：{tables}")
    if problems:
        for p in problems:
            click.secho(p.format() if hasattr(p, "format") else str(p), fg="red", err=True)
        raise SystemExit(1)
