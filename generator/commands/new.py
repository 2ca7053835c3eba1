"""disclose new: a commented starter YAML, or roll a department forward a year."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
import yaml

from ..cli import main
from ..errors import UserError
from ..pipeline import check_file


def _dumper() -> type[yaml.SafeDumper]:
    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", format(v, "f")))
    return Dumper


def starter(name: str, year: int) -> str:
    text = (Path(__file__).resolve().parent.parent / "starter.yaml").read_text(encoding="utf-8")
    text = text.replace("{部门}", name).replace("{年度}", str(year)).replace("{上年}", str(year - 1))
    return text.replace("{{", "{").replace("}}", "}")


def roll_forward(source: Path, year: int | None) -> str:
    """Next year's file: this year's derived figures become 上年, texts kept for editing."""
    checked = check_file(source)
    if not checked.ok or checked.fig is None:
        raise UserError(f"“{source}”有错误，无法结转到下一年；请先运行 disclose check 修正", checked.errors)
    fig = checked.fig
    raw = dict(checked.loaded.raw)
    new_year = year or fig.dept.year + 1
    if new_year <= fig.dept.year:
        raise UserError(f"新年度 {new_year} 应晚于 {fig.dept.year}")
    cur = fig.current()
    raw["年度"] = new_year
    if "编制日期" in raw:
        raw["编制日期"] = f"{new_year}-01-31"
    raw["上年"] = {
        "口径": "上年预算数",
        "收入": {s: v for s, v in fig.income.items() if v},
        "基本支出": cur["基本支出"], "项目支出": cur["项目支出"],
        "人员经费": cur["人员经费"], "公用经费": cur["公用经费"], "机关运行经费": cur["机关运行经费"],
        "功能分类": {int(k.split(".")[1]): v for k, v in cur.items() if k.startswith("功能分类.") and len(k) == 12},
        "主要原因": {},
    }
    three = raw.get("三公经费") or {}
    for name, item in fig.three_public_items().items():
        if name in three and isinstance(three[name], dict):
            three[name] = dict(three[name])
            three[name]["上年"] = fig.item_total(item)
            three[name].pop("主要原因", None)
    if "三公经费" in raw:
        raw["三公经费"] = three
    for p in raw.get("项目", []) or []:
        if isinstance(p, dict) and "金额" in p:
            p["上年金额"] = p["金额"]
    raw.pop("核对数", None)
    header = (f"# {fig.dept.name} {new_year} 年部门预算：由 {source.name} 结转生成（{date.today():%Y-%m-%d}）。\n"
              f"# 上年数已填入“上年”；本年金额仍是 {fig.dept.year} 年的数，请逐项更新，并在“上年.主要原因”中说明增减原因。\n")
    return header + yaml.dump(raw, Dumper=_dumper(), allow_unicode=True, sort_keys=False, width=120)


@main.command("new", help="生成一个带注释的部门 YAML 模板；或用 --from 把已有部门结转到下一年度。")
@click.option("--name", "-n", default="某某局", show_default=True, metavar="部门", help="部门名称。")
@click.option("--year", "-y", type=click.IntRange(2000, 2100), default=None, metavar="年度", help="预算年度（默认：明年，或结转时的下一年）。")
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="文件", help="从已有部门 YAML 结转。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件", help="写入文件（默认输出到屏幕）；不会覆盖已有文件。")
def new_command(name: str, year: int | None, source: Path | None, output: Path | None) -> None:
    text = roll_forward(source, year) if source else starter(name, year or date.today().year + 1)
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists():
        raise UserError(f"文件“{output}”已存在，不会覆盖；请换一个文件名")
    output.write_text(text, encoding="utf-8")
    click.echo(f"已写入 {output}", err=True)
