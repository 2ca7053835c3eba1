"""收支总表: income rows on the left, 功能分类 classes on the right, then total rows.

Used for both 部门收支总表 (范围: 合计) and 财政拨款收支总表 (范围: 财政拨款).
"""

from __future__ import annotations

from decimal import Decimal

from ...figures import series as S
from ...formats import manifest as M
from ...formats.phrases import fill
from ...money import ZERO
from ..model import Cell, Row, Table
from .common import Builder, Leaf, T, ordinal


def _scope(spec: M.SummaryTable) -> str | tuple[str, ...]:
    return spec.sources[0] if len(spec.sources) == 1 else tuple(spec.sources)


def build(b: Builder) -> Table:
    spec: M.SummaryTable = b.spec
    fig = b.fig
    scope = _scope(spec)
    scope_cells = S.cells(scope)
    tree = fig.tree("功能分类", scope)
    leaves = []
    for col in spec.columns:
        if col.content == "支出金额" and col.omit_zero and not tree.root.value(S.cells(col.series) & scope_cells):
            continue
        role = "amount" if col.content.endswith("金额") else "text"
        leaves.append((col, Leaf(col.title, role, 5.0 if role == "amount" else 10.0)))
    b.leaves = [leaf for _, leaf in leaves]
    b.contents = {id(leaf): col.content for col, leaf in leaves}
    spend_cols = [(col, leaf) for col, leaf in leaves if col.content == "支出金额"]
    income_col = next(leaf for col, leaf in leaves if col.content == "收入金额")

    # left: income rows
    left: list[tuple[str, Decimal | None, int]] = []
    for r in spec.income:
        value = fig.income_of(tuple(r.series), scope)
        if r.omit_zero and not value:
            continue
        left.append((r.label, value, r.indent))

    # right: 功能分类 classes
    classes = {n.code: n for n in tree.rows(("类",))}
    catalog = [(c, fig.fcat.name(c) or "") for c in sorted(fig.fcat) if len(c) == 3]
    known = {c for c, _ in catalog}
    listed = catalog + [(c, n.name) for c, n in classes.items() if c not in known]
    if spec.spending.classes == "有数":
        listed = [(c, name) for c, name in listed if c in classes and any(
            classes[c].value(S.cells(col.series) & scope_cells) for col, _ in spend_cols)]
    right: list[tuple[str, str, object]] = []
    for i, (code, name) in enumerate(listed, 1):
        right.append((fill(spec.spending.label, {"编码": code, "名称": name, "序号": ordinal(i)}), code, classes.get(code)))
    for j, extra in enumerate(spec.spending.extra, len(listed) + 1):
        right.append((fill(spec.spending.label, {"编码": "", "名称": extra, "序号": ordinal(j)}).strip(), "", None))

    for i in range(max(len(left), len(right))):
        cells: dict[str, list[Cell]] = {}
        if i < len(left):
            label, value, indent = left[i]
            cells["收入项目"] = [T(label, indent=indent)]
            cells["收入金额"] = [b.amount(value)]
            b.record(label, "", "其中" if indent else "", income_col, value)
        else:
            cells["收入项目"], cells["收入金额"] = [T("")], [T("")]
        if i < len(right):
            label, code, node = right[i]
            cells["支出项目"] = [T(label)]
            amounts = []
            for col, leaf in spend_cols:
                value = node.value(S.cells(col.series) & scope_cells) if node is not None else ZERO
                amounts.append(b.amount(value))
                b.record(label if node is None else node.name, code, "类" if code else "", leaf, value)
            cells["支出金额"] = amounts
        else:
            cells["支出项目"], cells["支出金额"] = [T("")], [T("") for _ in spend_cols]
        b.body.append(_emit(b, cells))

    for row in spec.totals:
        b.body.append(_total_row(b, row, scope, scope_cells, tree, spend_cols, income_col))
    empty = fig.income_of(scope, scope) == 0 and tree.root.value(scope_cells) == 0
    return b.finish("收支总表", empty=empty)


def _emit(b: Builder, cells: dict[str, list[Cell]]) -> Row:
    out: Row = []
    k = 0
    for leaf in b.leaves:
        content = b.contents[id(leaf)]
        if content == "支出金额":
            out.append(cells[content][k])
            k += 1
        else:
            out.append(cells[content][0])
    return out


def _label(cell: M.SideCell, bold: bool) -> Cell:
    return T(cell.label, bold=bold, align="center" if bold else "left", indent=cell.indent)


def _total_row(b: Builder, row: M.SummaryTotal, scope, scope_cells, tree, spend_cols, income_col) -> Row:
    bold = row.bold
    cells: dict[str, list[Cell]] = {"收入项目": [_label(row.income, bold)], "支出项目": [_label(row.spending, bold)]}
    if row.income.series:
        value = b.fig.income_of(tuple(row.income.series), scope)
        cells["收入金额"] = [b.amount(value, bold=bold, total=bold)]
        b.record(row.income.label, "", "合计" if bold else ("其中" if row.income.indent else ""), income_col, value)
    else:
        cells["收入金额"] = [T("")]
    amounts = []
    for col, leaf in spend_cols:
        if row.spending.series:
            value = tree.root.value(S.cells(row.spending.series) & S.cells(col.series) & scope_cells)
            amounts.append(b.amount(value, bold=bold, total=bold))
            b.record(row.spending.label, "", "合计" if bold else ("其中" if row.spending.indent else ""), leaf, value)
        else:
            amounts.append(T(""))
    cells["支出金额"] = amounts
    return _emit(b, cells)
