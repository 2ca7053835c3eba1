"""What every table kind shares: captions, headers built from column label paths,
序号 and 栏次, zero display, 空表 statements, widths and the landscape decision.

Kinds select figures and lay them out; they never add amounts up — every total
they print comes from :mod:`generator.figures`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Sequence

from ...figures import Figures
from ...formats import Format
from ...formats import manifest as M
from ...formats.phrases import fill
from ...money import fmt_amount
from ..context import cn_number
from ..model import Cell, Datum, Row, Table

ALIGN = {"左": "left", "中": "center", "右": "right"}


def values(fig: Figures, **extra: str) -> dict[str, str]:
    """The placeholders of titles, captions and statements (filled literally)."""
    d = fig.dept
    out = {"部门": d.name, "部门编码": d.code, "年度": str(d.year), "上年度": str(d.year - 1),
           "资产截止日期": d.assets.as_of if d.assets is not None else ""}
    out.update(extra)
    return out


def H(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, align="center", bold=True)


def T(text: str, bold: bool = False, indent: int = 0, align: str = "left", colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, bold=bold, indent=indent, align=align, colspan=colspan, rowspan=rowspan)  # type: ignore[arg-type]


@dataclass
class Leaf:
    """A leaf column: its label path, what it holds and how wide it wants to be (em)."""

    path: list[str]
    role: str  # "seq", "code", "name", "text", "amount"
    em: float = 6.0


@dataclass
class Builder:
    """Common state of one table being built."""

    fig: Figures
    fmt: Format
    spec: Any  # one of manifest.TableSpec
    leaves: list[Leaf] = field(default_factory=list)
    body: list[Row] = field(default_factory=list)
    data: list[Datum] = field(default_factory=list)
    extra_values: dict[str, str] = field(default_factory=dict)
    contents: dict[int, str] = field(default_factory=dict)  # leaf id → what the column holds (收支总表)

    # ---------------------------------------------------------------- cells
    def amount(self, value: Decimal | None, bold: bool = False, total: bool = False, zero: str | None = None) -> Cell:
        mode = zero or ((self.spec.total_zero or self.spec.zero) if total else self.spec.zero)
        return Cell.amount(value, fmt_amount(value, blank_zero=mode == "空白"), bold=bold)

    def record(self, row: str, code: str, level: str, leaf: Leaf, value: Decimal | None) -> None:
        if value is not None:
            self.data.append(Datum(row, code, level, label_text(leaf.path), value))

    # ---------------------------------------------------------------- table
    def finish(self, key: str, empty: bool, anchor: str = "", title: str | None = None) -> Table:
        spec = self.spec
        vals = values(self.fig, **self.extra_values)
        t = Table(anchor=anchor, key=key, number=spec.number, title=fill(title if title is not None else spec.title, vals))
        captions = spec.captions if spec.captions is not None else self.fmt.spec.captions
        t.caption_left = fill(captions.left, vals).strip()
        t.caption_right = fill(captions.right, vals).strip()
        t.caption_lines = [fill(x, vals) for x in captions.lines]
        t.header = header_rows([[fill(p, vals) for p in l.path] for l in self.leaves]) if any(l.path for l in self.leaves) else []
        body = self.body
        if spec.seq:
            t.header = with_seq(t.header, len(self.leaves)) if t.header else []
            body = [[Cell(str(i), align="center")] + row for i, row in enumerate(body, 1)]
        if spec.column_numbers != "无" and t.header:
            t.header.append(column_number_row(self.leaves, spec.seq, spec.column_numbers))
        t.body = body
        t.data = self.data
        leaves = ([Leaf(["序号"], "seq", 2.5)] if spec.seq else []) + self.leaves
        t.widths = list(spec.widths) if spec.widths else [max(1, round(l.em * 2)) for l in leaves]
        t.font_size = "small" if spec.small else "normal"
        t.landscape = decide_landscape(spec.landscape, leaves, spec.small)
        t.empty = empty
        t.notes = [fill(n, vals) for n in spec.notes]
        if empty:
            statement = spec.empty or self.fmt.phrases["空表说明"]
            t.notes.append(fill(statement, {**vals, "标题": t.title}))
        t.keep = spec.keep if spec.keep is not None else False
        return t


def header_rows(paths: Sequence[Sequence[str]]) -> list[Row]:
    """Header rows from each leaf column's label path (top level first).

    Adjacent columns sharing a label prefix share a cell (colspan); a path shorter
    than the deepest one lets its last label span the rows below it (rowspan).
    """
    depth = max((len(p) for p in paths), default=0)
    rows: list[Row] = [[] for _ in range(depth)]
    n = len(paths)
    for level in range(depth):
        c = 0
        while c < n:
            p = paths[c]
            if len(p) <= level:  # covered by a rowspan from above
                c += 1
                continue
            terminal = len(p) == level + 1
            span = 1
            while c + span < n:
                q = paths[c + span]
                if len(q) <= level or list(q[:level + 1]) != list(p[:level + 1]) or (len(q) == level + 1) != terminal:
                    break
                span += 1
            rows[level].append(H(p[level], colspan=span, rowspan=depth - level if terminal else 1))
            c += span
    return rows


def with_seq(header: list[Row], ncols: int) -> list[Row]:
    rows = [list(r) for r in header]
    rows[0].insert(0, H("序号", rowspan=len(rows)))
    return rows


def column_number_row(leaves: list[Leaf], seq: bool, mode: str) -> Row:
    """The 栏次 row: “栏次”, then 1, 2, 3 … for every column (全部列) or the amount columns (金额列)."""
    if mode == "全部列":
        rest = leaves if seq else leaves[1:]
        return [H("栏次")] + [H(str(i)) for i in range(1, len(rest) + 1)]
    lead = (1 if seq else 0) + sum(1 for l in leaves[:next((i for i, l in enumerate(leaves) if l.role == "amount"), len(leaves))])
    numbered = [l for l in leaves if l.role == "amount"]
    return [H("栏次", colspan=max(lead, 1))] + [H(str(i)) for i in range(1, len(numbered) + 1)]


#: Text width of an A4 page in em at the table font sizes (portrait, landscape), from the
#: base margins; good enough to decide when a table needs the width of a landscape page.
_PORTRAIT_EM = {"normal": 43.0, "small": 50.0}


def decide_landscape(setting: str, leaves: Iterable[Leaf], small: bool) -> bool:
    if setting == "是":
        return True
    if setting == "否":
        return False
    need = sum(l.em for l in leaves)
    return need > _PORTRAIT_EM["small" if small else "normal"]


def code_parts(code: str) -> list[str]:
    """2013101 → ["201", "31", "01"]; shorter codes leave the lower parts empty."""
    return [code[:3], code[3:5], code[5:7]]


def level_indent(code: str) -> int:
    return {3: 0, 5: 1, 7: 2}.get(len(code), 0)


def ordinal(i: int) -> str:
    return cn_number(i)


_SPACES = re.compile(r"\s+")


def label_text(path: list[str]) -> str:
    return "/".join(_SPACES.sub("", p) for p in path if p)
