"""Named figure series: the columns a format may print.

Every leaf of spending is a :class:`~generator.figures.derive.Line` with three
properties that matter to a column: its kind (基本支出 or 项目支出), whether it is
人员经费 (basic spending of 经济分类 classes 301/303) and its 资金来源. A *series*
is a named set of such property combinations ("cells"), for example 基本支出 or
一般公共预算拨款 or 财政拨款. A column of a printed table names one series or a
list of series; its value at a code-tree row is the sum of the row's amounts
over the *union* of their cells, so a list can never count a leaf twice.

Income has a source but no kind, so only series that are defined by source
alone (:func:`is_income_series`) can select income rows.

The vocabulary is documented for format authors in docs/formats.md (generated
from :data:`DESCRIPTIONS`).
"""

from __future__ import annotations

import itertools
from typing import Callable, Iterable

from ..model import FISCAL_SOURCES, SOURCES

KINDS = ("basic", "project")
CARRIED = "上年结转结余"
SPECIAL_ACCOUNT = "财政专户管理资金"

#: (kind, personnel, source) — the properties of a leaf a column can ask about.
CellKey = tuple[str, bool, str]
ALL_CELLS: tuple[CellKey, ...] = tuple(
    (k, p, s) for k, p, s in itertools.product(KINDS, (False, True), SOURCES) if not (k == "project" and p))

Predicate = Callable[[str, bool, str], bool]

UNIT_FUND_SOURCES = tuple(s for s in SOURCES if s not in FISCAL_SOURCES and s not in (SPECIAL_ACCOUNT, CARRIED))

_PREDICATES: dict[str, Predicate] = {
    "合计": lambda k, p, s: True,
    "基本支出": lambda k, p, s: k == "basic",
    "项目支出": lambda k, p, s: k == "project",
    "人员经费": lambda k, p, s: k == "basic" and p,
    "公用经费": lambda k, p, s: k == "basic" and not p,
    "财政拨款": lambda k, p, s: s in FISCAL_SOURCES,
    "非财政拨款": lambda k, p, s: s not in FISCAL_SOURCES,
    "单位资金": lambda k, p, s: s in UNIT_FUND_SOURCES,
    "本年收入": lambda k, p, s: s != CARRIED,
}
for _source in SOURCES:
    _PREDICATES[_source] = (lambda src: (lambda k, p, s: s == src))(_source)

#: Series the budget model has no facts for yet: printed as empty (0). Named so a
#: layout can print its prescribed columns; documented as always zero.
ALWAYS_ZERO = ("经营支出", "上解上级支出", "对附属单位补助支出", "年终结转结余", "年初结转结余")
for _name in ALWAYS_ZERO:
    _PREDICATES[_name] = lambda k, p, s: False

DESCRIPTIONS: dict[str, str] = {
    "合计": "全部（不分支出类型和资金来源）",
    "基本支出": "基本支出",
    "项目支出": "项目支出",
    "人员经费": "基本支出中经济分类 301、303 类",
    "公用经费": "基本支出中除人员经费以外的部分",
    "财政拨款": "一般公共预算拨款 + 政府性基金预算拨款 + 国有资本经营预算拨款",
    "非财政拨款": "财政拨款以外的全部资金来源",
    "单位资金": "财政拨款、财政专户管理资金、上年结转结余以外的资金来源（事业收入、经营收入、上级补助收入等）",
    "本年收入": "上年结转结余以外的全部资金来源",
    **{s: f"资金来源“{s}”" for s in SOURCES},
    **{s: "本模型尚无此项数据，恒为 0（按版式印出该栏）" for s in ALWAYS_ZERO},
}

#: Series computed per code-tree row from last year's figures (not sums of leaves).
YEAR_OVER_YEAR = ("上年", "增减", "增减率")
DESCRIPTIONS.update({
    "上年": "上年数（来自“上年”或上年文件；没有上年数时为空）",
    "增减": "本年合计 − 上年数",
    "增减率": "（本年合计 − 上年数）÷ 上年数，百分比",
})


def known(name: str) -> bool:
    return name in _PREDICATES or name in YEAR_OVER_YEAR


def names() -> list[str]:
    return list(_PREDICATES) + list(YEAR_OVER_YEAR)


def cells(series: str | Iterable[str]) -> frozenset[CellKey]:
    """The union of the cells of one or several series."""
    parts = [series] if isinstance(series, str) else list(series)
    out: set[CellKey] = set()
    for name in parts:
        pred = _PREDICATES[name]
        out.update(c for c in ALL_CELLS if pred(*c))
    return frozenset(out)


def overlapping(series: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of series in a list that share cells (a list's value is a union: they would
    not be added twice, but a format author listing both probably meant something else)."""
    parts = list(series)
    out = []
    for a, b in itertools.combinations(parts, 2):
        if a in _PREDICATES and b in _PREDICATES and cells(a) & cells(b):
            out.append((a, b))
    return out


def is_income_series(name: str) -> bool:
    """True when the series depends on the source alone (so it can select income)."""
    pred = _PREDICATES.get(name)
    if pred is None:
        return False
    for s in SOURCES:
        values = {pred(k, p, s) for k, p, s2 in ALL_CELLS if s2 == s}
        if len(values) > 1:
            return False
    return True


def income_sources(series: str | Iterable[str]) -> tuple[str, ...]:
    """The sources an income series (or list) covers, in table order."""
    selected = {s for _, _, s in cells(series)}
    return tuple(s for s in SOURCES if s in selected)
