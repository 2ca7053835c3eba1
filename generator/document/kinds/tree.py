"""科目表: a 功能分类 (类/款/项) or 经济分类 (类/款) code tree with chosen series columns."""

from __future__ import annotations

from ...figures.trees import Tree, TreeNode
from ...formats import manifest as M
from ...money import fmt_percent
from ..model import Cell, Row, Table
from .common import Builder, Leaf, T, code_parts, label_text, level_indent

LEVELS = {"功能分类": ("类", "款", "项"), "经济分类": ("类", "款")}


def build(b: Builder) -> Table:
    spec: M.TreeTable = b.spec
    tree = b.fig.tree(spec.scheme, tuple(spec.sources) if len(spec.sources) > 1 else spec.sources[0], spec.spending)
    parts = LEVELS[spec.scheme]
    plan: list[tuple[M.TreeColumn, list[Leaf]]] = []
    for col in spec.columns:
        if col.content == "金额" and col.omit_zero and not tree.value(tree.root, _column(col)):
            continue
        if col.content == "编码" and col.split:
            leaves = [Leaf(col.title + [p], "code", 2.2) for p in parts]
        elif col.content == "编码":
            leaves = [Leaf(col.title, "code", 2.0 + len(parts) * 1.2)]
        elif col.content == "名称":
            leaves = [Leaf(col.title, "name", 11.0)]
        else:
            leaves = [Leaf(col.title, "amount", 5.0)]
        plan.append((col, leaves))
        b.leaves += leaves

    rows = tree.rows(spec.levels)
    for node in rows:
        b.body.append(_row(b, tree, node, plan, bold=node.level in spec.bold))
    if rows and spec.total.position != "无":
        total = _total_row(b, tree, plan)
        if spec.total.position == "首":
            b.body.insert(0, total)
        else:
            b.body.append(total)
    return b.finish("科目表", empty=not rows)


def _column(col: M.TreeColumn) -> str | tuple[str, ...]:
    return col.series[0] if len(col.series) == 1 else tuple(col.series)


def _amount_text(b: Builder, tree: Tree, node: TreeNode, col: M.TreeColumn, bold: bool, total: bool) -> tuple[Cell, object]:
    column = _column(col)
    value = tree.value(node, column)
    if column == "增减率":
        return Cell(fmt_percent(value), align="right", bold=bold), None
    return b.amount(value, bold=bold, total=total), value


def _row(b: Builder, tree: Tree, node: TreeNode, plan, bold: bool) -> Row:
    spec: M.TreeTable = b.spec
    row: Row = []
    for col, leaves in plan:
        if col.content == "编码":
            if col.split:
                for text in code_parts(node.code)[:len(leaves)]:
                    row.append(Cell(text, align="center", nowrap=True))
            else:
                row.append(Cell(node.code, align="left", bold=bold, nowrap=True))
        elif col.content == "名称":
            name = f"{node.code} {node.name}" if col.with_code else node.name
            row.append(T(name, bold=bold, indent=level_indent(node.code) if spec.indent else 0))
        else:
            cell, value = _amount_text(b, tree, node, col, bold, total=False)
            row.append(cell)
            if value is not None:
                b.record(node.name, node.code, node.level, leaves[0], value)  # type: ignore[arg-type]
    return row


def _total_row(b: Builder, tree: Tree, plan) -> Row:
    spec: M.TreeTable = b.spec
    label = spec.total.label
    lead = [leaf for col, leaves in plan if col.content != "金额" for leaf in leaves]
    row: Row = []
    if spec.total.label_in == "跨列":
        row.append(T(label, bold=True, align="center", colspan=len(lead)))
    for col, leaves in plan:
        if col.content == "金额":
            cell, value = _amount_text(b, tree, tree.root, col, True, total=True)
            row.append(cell)
            if value is not None:
                b.record(label_text([label]), "", "合计", leaves[0], value)  # type: ignore[arg-type]
        elif spec.total.label_in == "跨列":
            continue
        else:
            for _ in leaves:
                here = (col.content == "名称") == (spec.total.label_in == "名称")
                first = here and not any(c.text == label for c in row)
                row.append(T(label, bold=True, align="center") if first else T(""))
    return row
