"""Table kinds of the national 2024 layout (templates/national-2024).

What sets these apart from the 2020 kinds: a 序号 column numbering every body
row, a 栏次 row (栏次 | 1 | 2 | …) as the last header row, 7-digit 科目编码 in
one column with the 类/款/项 rows rolled up and the 合计 row first, and the
收支 summaries listing every 功能分类 类 of the year's catalog with Chinese
ordinals (一、一般公共服务支出 …).

As everywhere, builders only arrange derived figures: every total printed is a
sum of the rows printed above or beside it (tree rollups of the same leaves, or
explicit sums of the printed values).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterable

from ..figures import Figures, Node
from ..figures.derive import Line
from ..formats import Format, TableSpec
from ..model import FISCAL_SOURCES, SOURCES
from ..money import ZERO, total
from .context import cn_number
from .model import Cell, Row, Table
from .tables import GF, GPB, SOE, A, H, T, finish, level_indent, new_table, table

# ------------------------------------------------------------------ helpers

# 收入总表 columns: key → (header, the sources it sums). 上级专项收入 and
# 用事业基金弥补收支差额 have no column of their own in this layout and are
# printed under 其他收入.
INCOME_COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("财政拨款", "财政拨款收入", FISCAL_SOURCES),
    ("财政专户", "财政专户收入", ("财政专户管理资金",)),
    ("事业收入", "事业收入", ("事业收入",)),
    ("经营收入", "经营收入", ("事业单位经营收入",)),
    ("上级补助", "上级补助收入", ("上级补助收入",)),
    ("附属上缴", "附属单位上缴收入", ("附属单位上缴收入",)),
    ("其他", "其他收入", ("其他收入", "上级专项收入", "用事业基金弥补收支差额")),
]
CARRIED = "上年结转结余"
# 单位资金: every source that is neither 财政拨款, 财政专户 nor carried over.
UNIT_FUND_SOURCES = tuple(s for s in SOURCES if s not in FISCAL_SOURCES and s not in ("财政专户管理资金", CARRIED))
_COLUMN_OF = {s: key for key, _, sources in INCOME_COLUMNS for s in sources}


def national_table(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    """A table with the manifest's 表头 (a department without 部门编码 prints its name alone)."""
    t = new_table(fig, spec, fmt)
    t.caption_left = t.caption_left.strip()
    t.caption_right = t.caption_right.strip()
    return t


def seq_header(top: list[Row], columns: int) -> list[Row]:
    """``top`` rows with a 序号 cell spanning them, then the 栏次 row numbering ``columns`` columns."""
    rows = [list(r) for r in top]
    rows[0].insert(0, H("序号", rowspan=len(rows)))
    rows.append([H("栏次")] + [H(str(i)) for i in range(1, columns + 1)])
    return rows


def numbered(rows: list[Row]) -> list[Row]:
    """Prefix every row with its 序号 (1, 2, …)."""
    return [[Cell(str(i), align="center")] + row for i, row in enumerate(rows, 1)]


def ordinal(i: int, text: str) -> str:
    """1, 一般公共服务支出 → 一、一般公共服务支出."""
    return f"{cn_number(i)}、{text}"


def class_list(fig: Figures, nodes: Iterable[Node]) -> list[tuple[str, str]]:
    """Every 功能分类 类 of the year's catalog (code order), plus any class spent on that the catalog lacks."""
    classes = [(c, fig.fcat.name(c) or "") for c in sorted(c for c in fig.fcat if len(c) == 3)]
    known = {c for c, _ in classes}
    for n in nodes:
        if len(n.code) == 3 and n.code not in known:
            classes.append((n.code, n.name))
    return classes


def function_rows(nodes: list[Node], columns: list[str]) -> list[Row]:
    """合计 first, then every 类/款/项 row: 科目编码 | 科目名称 | amounts."""
    if not nodes:
        return []
    classes = [n for n in nodes if len(n.code) == 3]
    rows: list[Row] = [[T(""), T("合计", bold=True, align="center")] +
                       [A(total(n.get(c) for n in classes), bold=True) for c in columns]]
    for n in nodes:
        bold = len(n.code) == 3
        rows.append([Cell(n.code, align="left", bold=bold), T(n.name, bold=bold, indent=level_indent(n))] +
                    [A(n.get(c), bold=bold) for c in columns])
    return rows


def income_columns(line: Line) -> Iterable[str]:
    cols = ["total"]
    if line.source == CARRIED:
        cols.append(CARRIED)
    else:
        cols += ["本年", _COLUMN_OF[line.source]]
    return cols


def fiscal_columns(line: Line) -> Iterable[str]:
    return ("total", line.source)


# ------------------------------------------------------------------ 部门预算收支总表
@table("收支总表2024")
def summary_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = national_table(fig, spec, fmt)
    t.header = seq_header([[H("收    入", 2), H("支    出", 2)],
                           [H("项    目"), H("预算数"), H("项    目"), H("预算数")]], 4)
    inc = fig.income
    left = [
        ("一般公共预算拨款收入", inc["一般公共预算拨款"]),
        ("政府性基金预算拨款收入", inc["政府性基金预算拨款"]),
        ("国有资本经营预算拨款收入", inc["国有资本经营预算拨款"]),
        ("财政专户管理资金收入", inc["财政专户管理资金"]),
        ("单位资金", total(inc[s] for s in UNIT_FUND_SOURCES)),
    ]
    nodes = fig.functions()
    spent = {n.code: n.get("total") for n in nodes if len(n.code) == 3}
    right = [(name, spent.get(code, ZERO)) for code, name in class_list(fig, nodes)]
    rows: list[Row] = []
    for i in range(max(len(left), len(right))):
        row: Row = []
        if i < len(left):
            row += [T(ordinal(i + 1, left[i][0])), A(left[i][1])]
        else:
            row += [T(""), T("")]
        if i < len(right):
            row += [T(ordinal(i + 1, right[i][0])), A(right[i][1])]
        else:
            row += [T(""), T("")]
        rows.append(row)
    income_this_year = total(v for _, v in left)
    spending_this_year = total(v for _, v in right)
    carried_in, carried_out = inc[CARRIED], ZERO
    rows.append([T("本年收入合计", bold=True, align="center"), A(income_this_year, True, False),
                 T("本年支出合计", bold=True, align="center"), A(spending_this_year, True, False)])
    rows.append([T("上年结转结余"), A(carried_in), T("年终结转结余"), A(carried_out)])
    rows.append([T("收入总计", bold=True, align="center"), A(income_this_year + carried_in, True, False),
                 T("支出总计", bold=True, align="center"), A(spending_this_year + carried_out, True, False)])
    t.body = numbered(rows)
    t.widths = [5, 34, 12, 37, 12]
    return finish(t, spec, fmt, fig.income_total == ZERO and fig.spending_total == ZERO)


# ------------------------------------------------------------------ 部门预算收入总表
@table("收入总表2024")
def income_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = national_table(fig, spec, fmt)
    cols = ["total", "本年"] + [key for key, _, _ in INCOME_COLUMNS] + [CARRIED]
    t.header = seq_header([
        [H("功能分类科目", 2), H("合计", rowspan=2), H("本年收入", len(INCOME_COLUMNS) + 1), H("上年结转", rowspan=2)],
        [H("科目编码"), H("科目名称"), H("小计")] + [H(label) for _, label, _ in INCOME_COLUMNS],
    ], len(cols) + 2)
    nodes = fig.functions(columns=income_columns)
    t.body = numbered(function_rows(nodes, cols))
    t.widths = [4, 9, 24] + [7] * len(cols)
    t.font_size = "small"
    return finish(t, spec, fmt, not nodes)


# ------------------------------------------------------------------ 部门预算支出总表
@table("支出总表2024")
def expense_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = national_table(fig, spec, fmt)
    labels = [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"), ("经营支出", "经营支出"),
              ("上解上级支出", "上解上级支出"), ("对附属单位补助支出", "对附属单位补助支出")]
    t.header = seq_header([
        [H("功能分类科目", 2)] + [H(label, rowspan=2) for _, label in labels],
        [H("科目编码"), H("科目名称")],
    ], len(labels) + 2)
    nodes = fig.functions()
    t.body = numbered(function_rows(nodes, [key for key, _ in labels]))
    t.widths = [5, 10, 30, 10, 10, 10, 8, 8, 9]
    t.font_size = "small"
    return finish(t, spec, fmt, not nodes)


# ------------------------------------------------------------------ 部门预算财政拨款收支总表
@table("财政拨款收支总表2024")
def fiscal_summary_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = national_table(fig, spec, fmt)
    t.header = seq_header([
        [H("收    入", 2), H("支    出", 5)],
        [H("项    目"), H("金额"), H("项    目"), H("合计"), H("一般公共预算财政拨款"), H("政府性基金预算财政拨款"),
         H("国有资本经营预算财政拨款")],
    ], 7)
    inc = fig.income
    left = [("一般公共预算拨款", inc["一般公共预算拨款"]), ("政府性基金预算拨款", inc["政府性基金预算拨款"]),
            ("国有资本经营预算拨款", inc["国有资本经营预算拨款"])]
    cols = ["total", *FISCAL_SOURCES]
    nodes = fig.functions(FISCAL_SOURCES, columns=fiscal_columns)
    by_code = {n.code: n for n in nodes if len(n.code) == 3}
    right = [(name, by_code.get(code)) for code, name in class_list(fig, nodes)]
    rows: list[Row] = []
    for i in range(max(len(left), len(right))):
        row: Row = [T(ordinal(i + 1, left[i][0])), A(left[i][1])] if i < len(left) else [T(""), T("")]
        if i < len(right):
            name, n = right[i]
            row += [T(ordinal(i + 1, name))] + [A(n.get(c) if n else ZERO) for c in cols]
        else:
            row += [T("")] * (1 + len(cols))
        rows.append(row)
    income_this_year = total(v for _, v in left)
    spent = [total(n.get(c) for _, n in right if n) for c in cols]
    # Carry-overs: the model records 上年结转结余 as one income source, not split by
    # 财政拨款 kind, so the 财政拨款 carry-over rows stay blank (zero) on both sides.
    carried_in = [ZERO, ZERO, ZERO]
    carried_out = [ZERO for _ in cols]
    rows.append([T("本年收入合计", bold=True, align="center"), A(income_this_year, True, False),
                 T("本年支出合计", bold=True, align="center")] + [A(v, True, c != "total") for c, v in zip(cols, spent)])
    rows.append([T("年初财政拨款结转和结余"), A(total(carried_in)), T("年末财政拨款结转和结余")] +
                [A(v) for v in carried_out])
    for i, (name, _) in enumerate(left):
        rows.append([T(ordinal(i + 1, name), indent=1), A(carried_in[i]), T("")] + [T("") for _ in cols])
    rows.append([T("收入总计", bold=True, align="center"), A(income_this_year + total(carried_in), True, False),
                 T("支出总计", bold=True, align="center")] +
                [A(v + o, True, c != "total") for c, v, o in zip(cols, spent, carried_out)])
    t.body = numbered(rows)
    t.widths = [4, 24, 9, 28, 9, 9, 9, 9]
    t.font_size = "small"
    return finish(t, spec, fmt, income_this_year == ZERO and spent[0] == ZERO)


# ------------------------------------------------------------------ 财政拨款支出表（一般公共预算 / 基金 / 国资）
def _fiscal_expense(fig: Figures, spec: TableSpec, fmt: Format, sources: tuple[str, ...]) -> Table:
    t = national_table(fig, spec, fmt)
    t.header = seq_header([
        [H("功能分类科目", 2), H("合计", rowspan=2), H("基本支出", rowspan=2), H("项目支出", rowspan=2)],
        [H("科目编码"), H("科目名称")],
    ], 5)
    nodes = fig.functions(sources)
    t.body = numbered(function_rows(nodes, ["total", "basic", "project"]))
    t.widths = [6, 12, 40, 14, 14, 14]
    return finish(t, spec, fmt, not nodes)


@table("一般公共预算支出表2024")
def gpb_expense_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    return _fiscal_expense(fig, spec, fmt, GPB)


@table("政府性基金预算支出表2024")
def gf_expense_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    return _fiscal_expense(fig, spec, fmt, GF)


@table("国有资本经营预算支出表2024")
def soe_expense_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    return _fiscal_expense(fig, spec, fmt, SOE)


# ------------------------------------------------------------------ 部门预算一般公共预算财政拨款基本支出表
@table("一般公共预算基本支出表2024")
def gpb_basic_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = national_table(fig, spec, fmt)
    t.header = seq_header([
        [H("支出部门经济分类科目", 2), H("一般公共预算基本支出", 3)],
        [H("科目编码"), H("科目名称"), H("合计"), H("人员经费"), H("公用经费")],
    ], 5)
    nodes = fig.economics("basic", GPB)
    cols = ["total", "personnel", "public"]
    rows: list[Row] = []
    if nodes:
        classes = [n for n in nodes if len(n.code) == 3]
        rows.append([T(""), T("合计", bold=True, align="center")] +
                    [A(total(n.get(c) for n in classes), bold=True) for c in cols])
        for n in nodes:
            bold = len(n.code) == 3
            rows.append([Cell(n.code, align="left", bold=bold), T(n.name, bold=bold, indent=0 if bold else 1)] +
                        [A(n.get(c), bold=bold) for c in cols])
    t.body = numbered(rows)
    t.widths = [6, 12, 40, 14, 14, 14]
    return finish(t, spec, fmt, not nodes)


# ------------------------------------------------------------------ 部门预算财政拨款“三公”经费支出表
THREE_PUBLIC_COLUMNS = (("一般公共预算拨款", "一般公共预算财政拨款"), ("政府性基金预算拨款", "政府性基金预算拨款"),
                        ("国有资本经营预算拨款", "国有资本经营预算财政拨款"))


def three_public_2024_rows(fig: Figures) -> list[tuple[str, int, bool, dict[str, Decimal]]]:
    """(label, indent, bold, amounts by source) for every row of the 2024 三公 table.

    Each item's amount sits in the column of its 资金来源; the 其他… rows are the
    item less its 其中 row; subtotals are sums of the rows they head.
    """
    items = fig.three_public_items()

    def of(name: str) -> dict[str, Decimal]:
        item = items[name]
        return {item.source: fig.item_total(item)}

    def of_which(name: str) -> dict[str, Decimal]:
        item = items[name]
        return {item.source: item.of_which or ZERO}

    def add(*parts: dict[str, Decimal]) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for p in parts:
            for k, v in p.items():
                out[k] = out.get(k, ZERO) + v
        return out

    def sub(a: dict[str, Decimal], b: dict[str, Decimal]) -> dict[str, Decimal]:
        return add(a, {k: -v for k, v in b.items()})

    abroad, buy, run = of("因公出国（境）费"), of("公务用车购置费"), of("公务用车运行维护费")
    reception, meeting, training = of("公务接待费"), of("会议费"), of("培训费")
    abroad_of, meeting_of = of_which("因公出国（境）费"), of_which("会议费")
    cars = add(buy, run)
    three = add(abroad, cars, reception)
    return [
        ("合计", 0, True, add(three, meeting, training)),
        ("“三公”经费小计", 0, True, three),
        ("一、因公出国（境）费", 0, False, abroad),
        ("其中：教学科研人员因公出国（境）费", 1, False, abroad_of),
        ("其他因公出国（境）费", 1, False, sub(abroad, abroad_of)),
        ("二、公务用车购置及运维费", 0, False, cars),
        ("其中：公务用车购置费", 1, False, buy),
        ("公务用车运行维护费", 1, False, run),
        ("三、公务接待费", 0, False, reception),
        ("四、会议费", 0, False, meeting),
        ("其中：省属高校业务性会议费", 1, False, meeting_of),
        ("其他会议费", 1, False, sub(meeting, meeting_of)),
        ("五、培训费", 0, False, training),
    ]


@table("三公经费表2024")
def three_public_2024(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = national_table(fig, spec, fmt)
    t.header = seq_header([
        [H("项    目", rowspan=2), H("资  金  性  质", 1 + len(THREE_PUBLIC_COLUMNS))],
        [H("合计")] + [H(label) for _, label in THREE_PUBLIC_COLUMNS],
    ], 2 + len(THREE_PUBLIC_COLUMNS))
    rows: list[Row] = []
    for label, indent, bold, amounts in three_public_2024_rows(fig):
        values = [amounts.get(s, ZERO) for s, _ in THREE_PUBLIC_COLUMNS]
        rows.append([T(label, bold=bold, indent=indent), A(total(amounts.values()), bold)] + [A(v, bold) for v in values])
    t.body = numbered(rows)
    t.widths = [6, 34, 14, 14, 14, 14]
    everything = total(fig.item_total(i) for i in fig.three_public_items().values())
    return finish(t, spec, fmt, everything == ZERO)
