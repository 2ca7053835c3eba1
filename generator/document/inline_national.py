"""Inline tables of the national 2024 layout (placed in the 情况说明 with ``@表 种类 参数``).

Fixed wording (titles, notes) comes from the format's manifest, under
``内嵌表格: {种类: {标题: …, 注: …, 空表注: …}}``; titles may use ``{部门}``,
``{部门编码}``, ``{年度}``, and for project tables ``{序号}`` and ``{项目}``.
Every figure is derived here in Python (never in a template).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..figures import Figures
from ..formats import Format
from ..model import FISCAL_SOURCES, Assets
from ..money import ZERO, fmt_amount, total
from .inline import _L, _project, indicator_rows, inline
from .model import Cell, Row, Table


def _options(fmt: Format, kind: str) -> dict[str, Any]:
    opts = (fmt.manifest.get("内嵌表格") or {}).get(kind) or {}
    return opts if isinstance(opts, dict) else {}


def _fill(text: str, fig: Figures, **extra: str) -> str:
    values = {"部门": fig.dept.name, "部门编码": fig.dept.code, "年度": str(fig.dept.year), **extra}
    return re.sub(r"\{(" + "|".join(map(re.escape, values)) + r")\}", lambda m: values[m.group(1)], text).strip()


def _notes(opts: dict[str, Any], empty: bool) -> list[str]:
    notes = opts.get("注") or []
    notes = [notes] if isinstance(notes, str) else list(notes)
    if empty and opts.get("空表注"):
        notes.append(opts["空表注"])
    return [str(n) for n in notes]


def _caption_left(fig: Figures) -> str:
    return f"{fig.dept.code} {fig.dept.name}".strip()


def _H(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, align="center", bold=True)


def _A(value: Decimal | None, bold: bool = False, blank_zero: bool = True) -> Cell:
    return Cell.amount(value, fmt_amount(value, blank_zero=blank_zero), bold=bold)


def _C(text: Any, align: str = "center", **kw) -> Cell:
    return Cell(str(text), align=align, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------ 部门机构设置情况
@inline("机构设置表2024")
def units_2024(fig: Figures, fmt: Format, arg: str) -> Table:
    opts = _options(fmt, "机构设置表2024")
    t = Table(anchor="units", key="机构设置表2024", number="", title=_fill(opts.get("标题", "部门机构设置情况"), fig),
              caption_left="", caption_right="", widths=[52, 14, 14, 20], toc=False)
    t.header = [[_H("单位名称"), _H("单位性质"), _H("单位规格"), _H("经费保障形式")]]
    t.body = [[_C(u.name, "left"), _C(u.nature), _C(u.rank), _C(u.funding)] for u in fig.dept.overview.units]
    t.empty = not t.body
    t.notes = _notes(opts, t.empty)
    return t


# ------------------------------------------------------------------ 项目绩效目标表
@inline("项目绩效目标表2024")
def performance_2024(fig: Figures, fmt: Format, arg: str) -> Table:
    """One project's 绩效目标表 on a 7-column grid (the 绩效指标描述 column spans two)."""
    p, index = _project(fig, arg)
    opts = _options(fmt, "项目绩效目标表2024")
    title = _fill(opts.get("标题", "{序号}、{项目}绩效目标表"), fig, 序号=str(index), 项目=p.name)
    fiscal = p.amount if p.source in FISCAL_SOURCES else ZERO
    other = p.amount - fiscal
    t = Table(anchor=f"perf-{index}", key="项目绩效目标表2024", number="", title=title,
              caption_left="", caption_right=opts.get("单位", "单位：万元"),
              widths=[12, 14, 15, 11, 15, 13, 14], toc=False)
    plan = p.plan
    months = [("3月底", 2), ("6月底", 2), ("10月底", 1), ("12月底", 1)]
    amounts = [plan.march, plan.june, plan.october, plan.december] if plan else [None] * 4
    perf = p.performance
    t.body = [
        [_L("项目编码"), _C(p.code, "left", colspan=3), _L("项目名称"), _C(p.name, "left", colspan=2)],
        [_L("预算规模及资金用途", rowspan=2), _C("预算数"), _A(p.amount, blank_zero=False), _C("其中：财政资金"),
         _A(fiscal), _C("其他资金"), _A(other)],
        [_C(p.purpose or p.name, "left", colspan=6)],
        [_L("资金支出计划", rowspan=2)] + [_C(m, colspan=span) for m, span in months],
        [Cell.amount(v, fmt_amount(v), bold=False) for v in amounts],
        [_L("绩效目标"), _C(perf.goal if perf else "", "left", colspan=6)],
        [_L("一级指标"), _L("二级指标"), _L("三级指标"), _L("绩效指标描述", colspan=2), _L("指标值"),
         _L("指标值确定依据")],
    ]
    for cell, (_, span) in zip(t.body[4], months):
        cell.colspan = span
        cell.align = "center"
    columns = ["三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    for row in indicator_rows(perf.indicators if perf else [], columns):
        row[-3].colspan = 2  # 绩效指标描述
        t.body.append(row)
    return t


# ------------------------------------------------------------------ 部门政府采购预算
PROCUREMENT_COLUMNS = (("一般公共预算拨款", "一般公共预算拨款"), ("政府性基金预算拨款", "基金预算拨款"),
                       ("国有资本经营预算拨款", "国有资本经营预算拨款"), ("财政专户管理资金", "财政专户核拨"),
                       ("单位资金", "单位资金"))
_PROCUREMENT_SOURCE = {s: s for s, _ in PROCUREMENT_COLUMNS}


@inline("政府采购预算表2024")
def procurement_2024(fig: Figures, fmt: Format, arg: str) -> Table:
    opts = _options(fmt, "政府采购预算表2024")
    t = Table(anchor="procurement", key="政府采购预算表2024", number="",
              title=_fill(opts.get("标题", "部门政府采购预算"), fig),
              caption_left=_caption_left(fig), caption_right=opts.get("单位", "单位：万元"),
              widths=[12, 7, 11, 7, 5, 5, 6, 7, 7, 6, 7, 6, 6, 8], toc=False, font_size="small")
    t.header = [
        [_H("政府采购项目来源", 2), _H("采购物品名称", rowspan=2), _H("政府采购目录序号", rowspan=2),
         _H("计量单位", rowspan=2), _H("数量", rowspan=2), _H("单价", rowspan=2),
         _H("政府采购金额（当年部门预算安排资金）", 1 + len(PROCUREMENT_COLUMNS)),
         _H(f"{fig.dept.year}年预留中小微企业份额", rowspan=2)],
        [_H("项目名称"), _H("预算资金"), _H("合计")] + [_H(label) for _, label in PROCUREMENT_COLUMNS],
    ]
    projects = {p.name: p.amount for p in fig.dept.projects}
    rows: list[tuple[list[Cell], Decimal, dict[str, Decimal], Decimal]] = []
    pr = fig.dept.procurement
    for it in pr.items:
        col = _PROCUREMENT_SOURCE.get(it.source, "单位资金")
        rows.append(([_C(it.project, "left"), _A(projects.get(it.project)), _C(it.item, "left"), _C(it.catalog_no),
                      _C(it.unit), _C(it.quantity or ""), _A(it.price)], it.amount, {col: it.amount}, it.sme))
    if not pr.items:  # totals by kind only (no item list): no split by source is known
        for kind, amount in fig.procurement.items():
            if amount:
                rows.append(([_C(""), _C(""), _C(kind, "left"), _C(""), _C(""), _C(""), _C("")], amount, {}, ZERO))
    for lead, amount, by_source, sme in rows:
        t.body.append(lead + [_A(amount)] + [_A(by_source.get(s, ZERO)) for s, _ in PROCUREMENT_COLUMNS] + [_A(sme)])
    if rows:
        t.body.append([_C("合计", bold=True, colspan=7), _A(total(r[1] for r in rows), True, False)] +
                      [_A(total(r[2].get(s, ZERO) for r in rows), True) for s, _ in PROCUREMENT_COLUMNS] +
                      [_A(total(r[3] for r in rows), True)])
    t.empty = not rows
    t.notes = _notes(opts, t.empty)
    return t


# ------------------------------------------------------------------ 部门固定资产占用情况表
@dataclass(frozen=True)
class AssetRow:
    label: str
    count: int
    value: Decimal


def fixed_asset_rows(assets: Assets) -> list[AssetRow]:
    """The four rows of the 2024 固定资产占用情况表 (办公家具 is counted in 其他固定资产)."""
    return [
        AssetRow("1、房屋（平方米）", assets.buildings.count, assets.buildings.value),
        AssetRow("2、车辆（台、辆）", sum(v.count for v in assets.vehicles), total(v.value for v in assets.vehicles)),
        AssetRow("3、单价在 20 万元以上的设备", assets.equipment_20.count, assets.equipment_20.value),
        AssetRow("4、其他固定资产", assets.other.count + assets.furniture.count,
                 assets.other.value + assets.furniture.value),
    ]


def fixed_asset_total(assets: Assets) -> AssetRow:
    """资产总额: the sum of the printed rows."""
    rows = fixed_asset_rows(assets)
    return AssetRow("资产总额", sum(r.count for r in rows), total(r.value for r in rows))


@inline("固定资产表2024")
def fixed_assets_2024(fig: Figures, fmt: Format, arg: str) -> Table:
    opts = _options(fmt, "固定资产表2024")
    assets = fig.dept.assets
    t = Table(anchor="assets", key="固定资产表2024", number="", title=_fill(opts.get("标题", "部门固定资产占用情况表"), fig),
              caption_left=_caption_left(fig),
              caption_right=f"截止时间：{assets.as_of}" if assets is not None else "",
              widths=[46, 22, 32], toc=False)
    t.header = [[_H("项    目"), _H("数量"), _H("价值（金额单位：万元）")]]
    if assets is not None:
        head = fixed_asset_total(assets)
        t.body.append([_C(head.label, bold=True), _C(head.count, bold=True), _A(head.value, True, False)])
        for r in fixed_asset_rows(assets):
            t.body.append([_C(r.label, "left"), _C(r.count), _A(r.value, blank_zero=False)])
    t.empty = assets is None
    t.notes = _notes(opts, t.empty)
    return t
