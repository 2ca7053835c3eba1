"""Code trees (功能分类 类/款/项, 经济分类 类/款) with every series at every row.

One walk over the leaves builds a tree: each leaf adds its amount to its
(kind, personnel, source) cell at every level of its code and at the root. A
printed row then asks for the sum over a column's cells — so a printed total is
the same walk over the same leaves as its parts, and always equals their sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

from ..catalogs import Catalog
from ..money import ZERO, Change, total
from . import series as S

SCHEMES = {"功能分类": (3, 5, 7), "经济分类": (3, 5)}
LEVEL_NAMES = {3: "类", 5: "款", 7: "项"}
LEVEL_OF_NAME = {"类": 3, "款": 5, "项": 7}


@dataclass
class TreeNode:
    """One row of a code tree; the root has code "" and level ""."""

    code: str
    name: str
    level: str  # 类 / 款 / 项, "" for the root
    cube: dict[S.CellKey, Decimal] = field(default_factory=dict)

    def value(self, cells: Iterable[S.CellKey]) -> Decimal:
        return total(self.cube.get(c, ZERO) for c in cells)

    @property
    def depth(self) -> int:
        return {3: 1, 5: 2, 7: 3}.get(len(self.code), 0)


@dataclass
class Tree:
    scheme: str
    root: TreeNode
    nodes: list[TreeNode]  # code order, each parent before its children (root excluded)
    last: dict[str, Decimal]  # last-year amounts by code (合计 of the whole department)
    scoped: bool  # True when the tree covers part of the department (last-year values don't apply)

    def rows(self, levels: Iterable[str] = ("类", "款", "项")) -> list[TreeNode]:
        lengths = {LEVEL_OF_NAME[level] for level in levels}
        return [n for n in self.nodes if len(n.code) in lengths]

    def value(self, node: TreeNode, column: str | tuple[str, ...]) -> Decimal | None:
        """A column's value at a row: a series (or union of series), or 上年/增减/增减率.

        增减率 is a percentage (unrounded); 上年-based values are None where last year is unknown.
        """
        if isinstance(column, str) and column in S.YEAR_OVER_YEAR:
            this = node.value(S.cells("合计"))
            last = None if self.scoped else (self.last.get(node.code) if node.code else self.last.get(""))
            if last is None:
                return None
            if column == "上年":
                return last
            change = Change(this, last)
            return change.delta if column == "增减" else change.pct
        return node.value(S.cells(column))


def code_nodes(nodes: dict, code: str, levels: tuple[int, ...], make: Callable[[str, int], Any]) -> Iterator:
    """The node of each level of ``code`` (its 3-, 5-, 7-digit prefixes among ``levels``), made
    by ``make(prefix, length)`` and kept in ``nodes`` the first time a prefix is seen: the one
    walk by which every code tree sums its lines."""
    for n in levels:
        if len(code) >= n:
            c = code[:n]
            node = nodes.get(c)
            if node is None:
                node = nodes[c] = make(c, n)
            yield node


def build_tree(scheme: str, lines, catalog: Catalog, scope: frozenset[S.CellKey],
               last: dict[str, Decimal], scoped: bool) -> Tree:
    """Sum ``lines`` (restricted to ``scope``) into the code tree of ``scheme``, in one walk."""
    levels = SCHEMES[scheme]
    root = TreeNode("", "合计", "")
    nodes: dict[str, TreeNode] = {}
    for line in lines:
        code = line.function if scheme == "功能分类" else line.economic
        cell = line.cell
        if not code or cell not in scope:
            continue
        root.cube[cell] = root.cube.get(cell, ZERO) + line.amount
        for node in code_nodes(nodes, code, levels,
                               lambda c, n: TreeNode(c, catalog.name(c) or "", LEVEL_NAMES[n])):
            node.cube[cell] = node.cube.get(cell, ZERO) + line.amount
    return Tree(scheme, root, [nodes[c] for c in sorted(nodes)], last, scoped)
