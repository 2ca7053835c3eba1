"""Tables placed inside the 情况说明 (performance tables, unit list, assets…).

Signature: ``(fig, fmt, arg) -> Table``; ``arg`` is the text after the kind in
``@表 种类 参数`` (e.g. a project's number).
"""

from __future__ import annotations

from typing import Callable

from ..figures import Figures
from ..formats import Format
from ..model import FISCAL_SOURCES, Indicator
from ..money import ZERO, fmt_amount
from .model import Cell, Row, Table

InlineBuilder = Callable[[Figures, Format, str], Table]
INLINE: dict[str, InlineBuilder] = {}


def inline(kind: str):
    def deco(fn: InlineBuilder) -> InlineBuilder:
        INLINE[kind] = fn
        return fn
    return deco


def _L(text: str, **kw) -> Cell:
    return Cell(text, align="center", bold=True, **kw)


def _project(fig: Figures, arg: str):
    try:
        index = int(arg)
        return fig.dept.projects[index - 1], index
    except (ValueError, IndexError):
        raise KeyError(f"项目序号“{arg}”无效") from None


def indicator_rows(indicators: list[Indicator], columns: list[str]) -> list[Row]:
    """Indicator rows with 一级/二级 merged down (rowspan) where they repeat."""
    rows: list[Row] = []
    n = len(indicators)
    i = 0
    while i < n:
        j = i
        while j < n and indicators[j].level1 == indicators[i].level1:
            j += 1
        k = i
        while k < j:
            m = k
            while m < j and indicators[m].level2 == indicators[k].level2:
                m += 1
            for r in range(k, m):
                ind = indicators[r]
                row: Row = []
                if r == i:
                    row.append(Cell(ind.level1, rowspan=j - i, align="center"))
                if r == k:
                    row.append(Cell(ind.level2, rowspan=m - k, align="center"))
                values = {"三级指标": ind.level3, "绩效指标描述": ind.description, "指标值": ind.value,
                          "指标值确定依据": ind.basis}
                row += [Cell(values[c], align="center" if c in ("指标值", "指标值确定依据") else "left") for c in columns]
                rows.append(row)
            k = m
        i = j
    return rows


@inline("项目支出绩效目标表")
def performance_2020(fig: Figures, fmt: Format, arg: str) -> Table:
    p, index = _project(fig, arg)
    fiscal = p.amount if p.source in FISCAL_SOURCES else ZERO
    other = p.amount - fiscal
    t = Table(anchor=f"perf-{index}", key="项目支出绩效目标表", number="", title="项  目  支  出  绩  效  目  标  表",
              caption_left="", caption_right="", widths=[16, 18, 36, 30], toc=False)
    t.header = [[_L("预算单位"), Cell(fig.dept.name, colspan=3)]]
    t.body = [
        [_L("项目名称"), Cell(p.name, colspan=3)],
        [_L("项目资金（万元）", rowspan=3), Cell("年度资金总额："), Cell.amount(p.amount, fmt_amount(p.amount))],
        [Cell("其中：财政拨款"), Cell.amount(fiscal, fmt_amount(fiscal, blank_zero=True))],
        [Cell("其他资金"), Cell.amount(other, fmt_amount(other, blank_zero=True))],
        [_L("项目总体目标"), Cell(p.performance.goal if p.performance else "", colspan=3)],
        [_L("一级指标"), _L("二级指标"), _L("三级指标"), _L("指标值（包含数字及文字描述）")],
    ]
    # the amount cells span the last two columns
    for row in t.body[1:4]:
        row[-1].colspan = 2
    t.body += indicator_rows(p.performance.indicators if p.performance else [], ["三级指标", "指标值"])
    return t

from . import inline_national  # noqa: E402,F401  (registers the national 2024 inline kinds)
