"""三公表: the “三公” table; rows and columns each fix an item, a spending kind or a source."""

from __future__ import annotations

from ...formats import manifest as M
from ..model import Row, Table
from .common import ALIGN, Builder, Leaf, T


def build(b: Builder) -> Table:
    spec: M.ThreeTable = b.spec
    b.leaves = [Leaf(c.label, "text" if c.content == "行标题" else "amount", 12.0 if c.content == "行标题" else 6.0)
                for c in spec.columns]
    nonzero = False
    for r in spec.rows:
        row: Row = []
        label = "".join(r.label)
        for c, leaf in zip(spec.columns, b.leaves):
            if c.content == "行标题":
                row.append(T(label, bold=r.bold, indent=r.indent, align=ALIGN.get(r.align or "左", "left")))
                continue
            item = r.item or c.item or "合计"
            kind = r.kind or c.kind or "合计"
            source = r.source or c.source or ["合计"]
            value = b.fig.three_public_value(item, kind, source[0] if len(source) == 1 else tuple(source))
            nonzero = nonzero or bool(value)
            row.append(b.amount(value, bold=r.bold, total=r.bold))
            b.record(label, "", "合计" if r.bold else ("其中" if r.indent else ""), leaf, value)
        b.body.append(row)
    return b.finish("三公表", empty=not nonzero)
