"""disclose controls FILE: the 核对数 block listing every figure the format prints, empty.

A finance officer copies the numbers from the budget system's printout into it;
`disclose check` then compares each with the cell the document prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import main
from ..errors import UserError
from ..pipeline import check_file
from .common import print_problems

HEADER = """# 核对数：从预算系统的打印件（或已印发的公开文本）抄入每一格的数，留空的格不核对。
# 键为“表.行.列”：表用编号（没有编号的用标题），行用科目编码或行的文字，列用列标题。
# 抄完后运行 disclose check：每个与本文件印出的数不同的格都会报出（规则 control.cell）。
# 见 docs/核对预算数.md。
"""


def controls_yaml(keys: list[tuple[str, list[str]]]) -> str:
    import yaml

    lines = [HEADER.rstrip("\n"), "核对数:"]
    for heading, cells in keys:
        lines.append(f"  # {heading}")
        for key in cells:
            # the YAML emitter quotes whatever a plain key can't hold
            text = yaml.safe_dump({key: None}, allow_unicode=True, default_flow_style=False, width=10_000).rstrip("\n")
            lines.append(f"  {text.replace(': null', ':')}")
    return "\n".join(lines) + "\n"


@main.command("controls", help="列出格式印出的每一格，写成空的“核对数”块，供从预算系统抄入核对。")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="文件")
@click.option("--format", "-f", "format_name", metavar="格式", help="按指定格式列出（默认用 YAML 中的“格式”）。")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="额外的格式文件夹。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件", help="写入文件（默认输出到屏幕）。")
def controls_command(source: Path, format_name: str | None, templates: Path | None, output: Path | None) -> None:
    from ..checks.cells import starter
    from ..document.build import build_document

    checked = check_file(source, format_name, templates)
    if checked.fig is None or checked.fmt is None:
        print_problems(checked.problems)
        click.echo("文件有错误，无法列出核对格：请先按上面的提示修改。", err=True)
        sys.exit(1)
    try:
        doc = build_document(checked.fig, checked.fmt)
    except UserError as exc:
        print_problems(exc.problems)
        sys.exit(1)
    text = controls_yaml(starter(doc))
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"已写入 {output}（{text.count(chr(10)) - 5} 行）", err=True)
    else:
        click.echo(text, nl=False)
