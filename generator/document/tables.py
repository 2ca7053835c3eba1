"""Table builders, by kind. A format's manifest picks kinds, orders and titles them.

Each builder turns derived figures into a ``Table`` of final text. Builders only
arrange figures that :mod:`generator.figures` derived; sums they print are the
tree rollups of the same leaves, so every printed total equals its printed parts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable, Iterable

from ..figures import Figures, Node
from ..formats import Format, TableSpec
from ..model import FISCAL_SOURCES, SOURCES
from ..money import ZERO, fmt_amount, total
from .model import Cell, Row, Table

Builder = Callable[[Figures, TableSpec, Format], Table]
TABLES: dict[str, Builder] = {}

GPB = ("一般公共预算拨款",)
GF = ("政府性基金预算拨款",)
SOE = ("国有资本经营预算拨款",)
ECON_CLASSES = [("301", "工资福利支出"), ("302", "商品和服务支出"), ("303", "对个人和家庭的补助"),
                ("307", "债务利息及费用支出"), ("309", "资本性支出（基本建设）"), ("310", "资本性支出"),
                ("311", "对企业补助（基本建设）"), ("312", "对企业补助"), ("313", "对社会保障基金补助"),
                ("399", "其他支出")]


def table(kind: str):
    def deco(fn: Builder) -> Builder:
        TABLES[kind] = fn
        return fn
    return deco


# ------------------------------------------------------------------ helpers
def fill(template: str, fig: Figures) -> str:
    """Replace {部门}, {部门编码}, {年度} in a manifest string (no other evaluation)."""
    values = {"部门": fig.dept.name, "部门编码": fig.dept.code, "年度": str(fig.dept.year)}
    return re.sub(r"\{(部门|部门编码|年度)\}", lambda m: values[m.group(1)], template)


def H(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, align="center", bold=True)


def A(value: Decimal | None, bold: bool = False, blank_zero: bool = True) -> Cell:
    v = value if value is not None else None
    return Cell.amount(v, fmt_amount(v, blank_zero=blank_zero), bold=bold)


def T(text: str, bold: bool = False, indent: int = 0, align: str = "left", colspan: int = 1) -> Cell:
    return Cell(text, bold=bold, indent=indent, align=align, colspan=colspan)  # type: ignore[arg-type]


def new_table(fig: Figures, spec: TableSpec, fmt: Format, anchor: str = "") -> Table:
    captions = fmt.manifest.get("表头", {})
    t = Table(anchor=anchor or f"t-{spec.kind}", key=spec.kind, number=spec.number, title=spec.title,
              landscape=spec.landscape)
    t.caption_left = fill(captions.get("左", "编制部门：{部门}"), fig)
    t.caption_right = fill(captions.get("右", "单位：万元"), fig)
    t.caption_lines = [fill(x, fig) for x in captions.get("行", [])]
    return t


def finish(t: Table, spec: TableSpec, fmt: Format, empty: bool) -> Table:
    t.empty = empty
    note = spec.options.get("注") or spec.options.get("空表注")
    if empty:
        t.notes.append(note or fmt.manifest.get("空表备注", "备注：无内容应公开空表并说明情况。"))
    elif spec.options.get("注") and not spec.options.get("空表注"):
        t.notes.append(spec.options["注"])
    return t


def level_indent(node: Node) -> int:
    return {3: 0, 5: 1, 7: 2}.get(len(node.code), 0)


def code_cells3(node: Node) -> list[Cell]:
    """类 | 款 | 项 in three columns (2020 layout)."""
    l, k, x = node.parts
    return [Cell(l, align="center"), Cell(k if len(node.code) >= 5 else "", align="center"),
            Cell(x if len(node.code) >= 7 else "", align="center")]


def function_rows3(nodes: list[Node], columns: list[str]) -> list[Row]:
    rows = []
    for n in nodes:
        bold = len(n.code) == 3
        rows.append(code_cells3(n) + [T(n.name, bold=bold, indent=level_indent(n))] +
                    [A(n.get(c), bold=bold) for c in columns])
    return rows


def total_row(label_span: int, values: Iterable[Decimal], label: str = "合计") -> Row:
    return [T(label, bold=True, align="center", colspan=label_span)] + [A(v, bold=True) for v in values]


def function_classes(fig: Figures) -> list[tuple[str, str]]:
    return [(c, fig.fcat.name(c) or "") for c in sorted(fig.fcat) if len(c) == 3]


# ------------------------------------------------------------------ 2020 (kezhou) tables
@table("收支总表")
def income_expense_summary(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = new_table(fig, spec, fmt)
    t.header = [[H("收    入", 2), H("支    出", 2)],
                [H("项    目"), H("预算数"), H("功能分类"), H("预算数")]]
    inc = fig.income
    fiscal = inc["一般公共预算拨款"] + inc["政府性基金预算拨款"] + inc["国有资本经营预算拨款"]
    left: list[tuple[str, Decimal | None, int]] = [
        ("财政拨款（补助）", fiscal, 0), ("一般公共预算", inc["一般公共预算拨款"], 1),
        ("政府性基金预算", inc["政府性基金预算拨款"], 1)]
    if inc["国有资本经营预算拨款"]:
        left.append(("国有资本经营预算", inc["国有资本经营预算拨款"], 1))
    for s, label in (("财政专户管理资金", "财政专户管理资金"), ("上级补助收入", "上级补助收入"), ("事业收入", "事业收入"),
                     ("事业单位经营收入", "事业单位经营收入"), ("附属单位上缴收入", "附属单位上缴收入"),
                     ("其他收入", "其他收入"), ("上级专项收入", "上级专项收入"),
                     ("用事业基金弥补收支差额", "用事业基金弥补收支差额")):
        if s in ("附属单位上缴收入",) and not inc[s]:
            continue
        left.append((label, inc[s], 0))
    classes = {n.code: n for n in fig.functions() if len(n.code) == 3}
    right = [(f"{c} {name}", classes[c].get("total") if c in classes else ZERO) for c, name in function_classes(fig)]
    for c, n in classes.items():  # a class the catalog edition lacks still prints
        if c not in dict(function_classes(fig)):
            right.append((f"{c} {n.name}", n.get("total")))
    rows = max(len(left), len(right))
    for i in range(rows):
        row: Row = []
        if i < len(left):
            label, v, ind = left[i]
            row += [T(label, indent=ind), A(v)]
        else:
            row += [T(""), T("")]
        if i < len(right):
            row += [T(right[i][0]), A(right[i][1])]
        else:
            row += [T(""), T("")]
        t.body.append(row)
    income_sub = fig.income_total - inc["上年结转结余"]
    t.body.append([T("小    计", bold=True, align="center"), A(income_sub, True, False),
                   T("小    计", bold=True, align="center"), A(fig.spending_total, True, False)])
    t.body.append([T("单位上年结余（不包括国库集中支付额度结余）"), A(inc["上年结转结余"]), T(""), T("")])
    t.body.append([T("收  入  总  计", bold=True, align="center"), A(fig.income_total, True, False),
                   T("支  出  总  计", bold=True, align="center"), A(fig.spending_total, True, False)])
    t.widths = [30, 12, 30, 12]
    return finish(t, spec, fmt, fig.income_total == ZERO)


INCOME_COLUMNS = [("一般公共预算拨款", "一般公共预算拨款"), ("政府性基金预算拨款", "政府性基金预算拨款"),
                  ("财政专户管理资金", "财政专户管理资金"), ("事业收入", "事业收入"), ("上级补助收入", "上级补助收入"),
                  ("事业单位经营收入", "事业单位经营收入"), ("其他收入", "其他收入"), ("上级专项收入", "上级专项收入"),
                  ("用事业基金弥补收支差额", "用事业基金弥补收支差额"),
                  ("上年结转结余", "单位上年结余（不包括国库集中支付额度结余）")]


@table("收入总表")
def income_by_function(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = new_table(fig, spec, fmt)
    cols = list(INCOME_COLUMNS)
    for s in ("国有资本经营预算拨款", "附属单位上缴收入"):
        if fig.income[s]:
            cols.insert(2 if s == "国有资本经营预算拨款" else len(cols) - 1, (s, s))
    t.header = [[H("功能分类科目编码", 3), H("功能分类科目名称", rowspan=2), H("总  计", rowspan=2)] +
                [H(label, rowspan=2) for _, label in cols],
                [H("类"), H("款"), H("项")]]
    nodes = fig.functions()
    t.body = function_rows3(nodes, ["total"] + [c for c, _ in cols])
    classes = [n for n in nodes if len(n.code) == 3]
    t.body.append(total_row(4, [total(n.get("total") for n in classes)] +
                            [total(n.get(c) for n in classes) for c, _ in cols]))
    t.widths = [4, 4, 4, 22, 7] + [7] * len(cols)
    t.font_size = "small"
    return finish(t, spec, fmt, not nodes)


def _expense_table(fig: Figures, spec: TableSpec, fmt: Format, sources: tuple[str, ...] | None,
                   head: list[Row]) -> Table:
    t = new_table(fig, spec, fmt)
    t.header = head
    nodes = fig.functions(sources)
    t.body = function_rows3(nodes, ["total", "basic", "project"])
    classes = [n for n in nodes if len(n.code) == 3]
    t.body.append(total_row(4, [total(n.get(c) for n in classes) for c in ("total", "basic", "project")]))
    t.widths = [5, 5, 5, 40, 12, 12, 12]
    return finish(t, spec, fmt, not nodes)


def _expense_head(label: str, group: str, total_label: str) -> list[Row]:
    return [[H(label, 4), H(group, 3)],
            [H("功能分类科目编码", 3), H("功能分类科目名称", rowspan=2), H(total_label, rowspan=2),
             H("基本支出", rowspan=2), H("项目支出", rowspan=2)],
            [H("类"), H("款"), H("项")]]


@table("支出总表")
def expense_by_function(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    return _expense_table(fig, spec, fmt, None, _expense_head("项目", "支出预算", "合计"))


@table("一般公共预算支出表")
def gpb_expense(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    return _expense_table(fig, spec, fmt, GPB, _expense_head("项目", "一般公共预算支出", "小计"))


@table("政府性基金预算支出表")
def gf_expense(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    return _expense_table(fig, spec, fmt, GF, _expense_head("项  目", "政府性基金预算支出", "小计"))


@table("财政拨款收支总表")
def fiscal_summary(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = new_table(fig, spec, fmt)
    t.header = [[H("财政拨款收入", 2), H("财政拨款支出", 4)],
                [H("项    目"), H("合计"), H("功  能  分  类"), H("合计"), H("一般公共预算"), H("政府性基金预算")]]
    inc = fig.income
    left = [("财政拨款（补助）", inc["一般公共预算拨款"] + inc["政府性基金预算拨款"], 0),
            ("一般公共预算", inc["一般公共预算拨款"], 1), ("政府性基金预算", inc["政府性基金预算拨款"], 1)]
    nodes = {n.code: n for n in fig.functions(GPB + GF, columns=lambda l: ("total", l.source)) if len(n.code) == 3}
    classes = function_classes(fig)
    for c in nodes:
        if c not in dict(classes):
            classes.append((c, nodes[c].name))
    for i, (c, name) in enumerate(classes):
        n = nodes.get(c)
        row: Row = ([T(left[i][0], indent=left[i][2]), A(left[i][1])] if i < len(left) else [T(""), T("")])
        row += [T(f"{c} {name}"), A(n.get("total") if n else ZERO), A(n.get(GPB[0]) if n else ZERO), A(n.get(GF[0]) if n else ZERO)]
        t.body.append(row)
    fiscal_in = inc["一般公共预算拨款"] + inc["政府性基金预算拨款"]
    spent = list(nodes.values())
    t.body.append([T("收  入  总  计", bold=True, align="center"), A(fiscal_in, True, False),
                   T("支  出  总  计", bold=True, align="center"),
                   A(total(n.get("total") for n in spent), True, False),
                   A(total(n.get(GPB[0]) for n in spent), True), A(total(n.get(GF[0]) for n in spent), True)])
    t.widths = [22, 10, 36, 10, 11, 11]
    return finish(t, spec, fmt, fiscal_in == ZERO)


@table("一般公共预算基本支出表")
def gpb_basic_economic(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = new_table(fig, spec, fmt)
    t.header = [[H("项目", 3), H("一般公共预算基本支出", 3)],
                [H("经济分类科目编码", 2), H("经济分类科目名称", rowspan=2), H("小计", rowspan=2), H("人员经费", rowspan=2), H("公用经费", rowspan=2)],
                [H("类"), H("款")]]
    nodes = fig.economics("basic", GPB)
    for n in nodes:
        bold = len(n.code) == 3
        t.body.append([Cell(n.code[:3], align="center"), Cell(n.code[3:5], align="center"),
                       T(n.name, bold=bold, indent=0 if bold else 1)] +
                      [A(n.get(c), bold=bold) for c in ("total", "personnel", "public")])
    classes = [n for n in nodes if len(n.code) == 3]
    t.body.append(total_row(3, [total(n.get(c) for n in classes) for c in ("total", "personnel", "public")]))
    t.widths = [6, 6, 40, 14, 14, 14]
    return finish(t, spec, fmt, not nodes)


@table("项目支出表")
def project_expense(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = new_table(fig, spec, fmt)
    t.header = [[H("科 目 编 码", 3), H("科目", rowspan=2), H("项目名称", rowspan=2), H("项目支出合计", rowspan=2)] +
                [H(name, rowspan=2) for _, name in ECON_CLASSES],
                [H("类"), H("款"), H("项")]]
    projects = fig.projects()
    for p in projects:
        c = p.function
        t.body.append([Cell(c[:3], align="center"), Cell(c[3:5], align="center"), Cell(c[5:7], align="center"),
                       T(fig.fcat.name(c) or ""), T(p.name), A(p.amount)] +
                      [A(p.by_class.get(code, ZERO)) for code, _ in ECON_CLASSES])
    t.body.append(total_row(5, [total(p.amount for p in projects)] +
                            [total(p.by_class.get(code, ZERO) for p in projects) for code, _ in ECON_CLASSES]))
    t.widths = [4, 4, 4, 16, 16, 7] + [6] * len(ECON_CLASSES)
    t.font_size = "small"
    return finish(t, spec, fmt, not projects)


@table("三公经费表")
def three_public_2020(fig: Figures, spec: TableSpec, fmt: Format) -> Table:
    t = new_table(fig, spec, fmt)
    t.header = [[H("项目", rowspan=2), H("合计", rowspan=2), H("因公出国（境）费", rowspan=2), H("公务用车购置及运行费", 3), H("公务接待费", rowspan=2)],
                [H("小计"), H("公务用车购置费"), H("公务用车运行费")]]
    items = fig.three_public_items()
    abroad, buy, run, rec = (items[k] for k in ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费"))
    for label, get in (("合计", lambda i: i.basic + i.project), ("基本支出", lambda i: i.basic), ("项目支出", lambda i: i.project)):
        bold = label == "合计"
        parts = [get(abroad), get(buy) + get(run), get(buy), get(run), get(rec)]
        t.body.append([T(label, bold=bold, align="center"), A(get(abroad) + get(buy) + get(run) + get(rec), bold)] +
                      [A(v, bold) for v in parts])
    t.widths = [14, 12, 14, 12, 14, 14, 12]
    return finish(t, spec, fmt, fig.three_public_total() == ZERO)

from . import tables_national  # noqa: E402,F401  (registers the national 2024 kinds)
