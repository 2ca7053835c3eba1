"""What every table kind shares: captions, headers built from column label paths,
序号 and 栏次, zero display, 空表 statements, widths and the landscape decision.

Kinds select figures and lay them out; they never add amounts up — every total
they print comes from :mod:`generator.figures`.
"""

from __future__ import annotations

import re
import unicodedata
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
        t.font_size = "small" if spec.small else "normal"
        wanted = [float(w) for w in spec.widths] if spec.widths and len(spec.widths) == len(leaves) else [
            l.em for l in leaves]
        mins = min_widths(t.header + t.body, len(leaves), spec.small)
        page = page_em(self.fmt.typography, spec.small)
        t.landscape = decide_landscape(spec.landscape, leaves, spec.small, mins, page)
        t.widths = table_widths(wanted, mins, page[1 if t.landscape else 0])
        t.empty = empty
        t.notes = [fill(n, vals) for n in spec.notes]
        if empty:
            statement = spec.empty or self.fmt.phrases["空表说明"]
            t.notes.append(fill(statement, {**vals, "标题": t.title}))
        t.keep = spec.keep if spec.keep is not None else fits_half_page(t, self.fmt.typography, page)
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


# ---------------------------------------------------------------- widths
# Column widths are decided here, once, for both renderers: a column is never narrower
# than its widest code or amount (nowrap cells: they must not break across lines in the
# PDF nor in Word/LibreOffice), and a table whose columns cannot fit a portrait page
# gets a landscape one. Text is measured in em of the table font: CJK characters are
# 1 em; digits, Latin letters and punctuation 0.65 em (Noto Serif CJK's digits are
# 0.55 em, Times New Roman's 0.5 em, and DejaVu Serif's — what LibreOffice shows for
# Times New Roman on a machine without it — 0.64 em).

#: Cell padding plus borders and a safety margin, in em of the table font (PDF: 1.2 mm a
#: side, small tables 0.8 mm; Word: 68 / 45 twips a side).
_PAD_EM = {False: 0.9, True: 0.75}
#: A column that holds wrapping text keeps room for this many characters a line.
_TEXT_MIN_EM = {"name": 6.0, "text": 3.0, "seq": 1.5, "code": 1.5, "amount": 3.0}
_PT_PER_MM = 72 / 25.4


def text_em(text: str) -> float:
    """The width of ``text`` (its longest line) in em of its font, generously."""
    widest = 0.0
    for line in text.split("\n"):
        w = 0.0
        for ch in line:
            if unicodedata.east_asian_width(ch) in ("W", "F"):
                w += 1.0
            elif ch == " ":
                w += 0.3
            else:
                w += 0.65
        widest = max(widest, w)
    return widest


def grid(rows: Sequence[Row]) -> list[list[tuple[int, Cell]]]:
    """Each row's cells with the grid column they start in (rowspans from above skipped)."""
    covered: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    out = []
    for row in rows:
        placed, col = [], 0
        for cell in row:
            while covered.get(col, 0) > 0:
                col += 1
            placed.append((col, cell))
            for c in range(col, col + max(cell.colspan, 1)):
                if cell.rowspan > 1:
                    covered[c] = cell.rowspan
            col += max(cell.colspan, 1)
        out.append(placed)
        for c in list(covered):
            covered[c] -= 1
            if covered[c] <= 0:
                del covered[c]
    return out


def min_widths(rows: Sequence[Row], ncols: int, small: bool) -> list[float]:
    """The narrowest each column may be (em of the table font): its widest unbreakable
    cell (codes and amounts, with their indent) plus padding. Cells spanning several
    columns share their width among them."""
    pad = _PAD_EM[small]
    mins = [pad + 1.0] * ncols
    spans: list[tuple[int, int, float]] = []
    for placed in grid(rows):
        for col, cell in placed:
            if not cell.nowrap or col >= ncols:
                continue
            need = text_em(cell.text) + cell.indent * 1.0 + pad
            span = min(max(cell.colspan, 1), ncols - col)
            if span == 1:
                mins[col] = max(mins[col], need)
            else:
                spans.append((col, span, need))
    for col, span, need in spans:
        have = sum(mins[col:col + span])
        if have < need:
            for c in range(col, col + span):
                mins[c] += (need - have) / span
    return [round(m, 2) for m in mins]


def page_em(t, small: bool) -> tuple[float, float]:
    """The text width of a portrait and of a landscape A4 page in em of the table font."""
    def mm(length: str) -> float:
        number, unit = float(length[:-2]), length[-2:]
        return number if unit == "mm" else number / _PT_PER_MM

    size = (t.style("小表格").size or "9pt") if small else (t.style("表格").size or "10.5pt")
    pt = float(size[:-2]) if size.endswith("pt") else mm(size) * _PT_PER_MM
    em_mm = pt / _PT_PER_MM
    portrait = 210 - mm(t.margins.left) - mm(t.margins.right)
    landscape = 297 - mm(t.landscape_margins.left) - mm(t.landscape_margins.right)
    return round(portrait / em_mm, 2), round(landscape / em_mm, 2)


def decide_landscape(setting: str, leaves: Iterable[Leaf], small: bool, mins: Sequence[float] = (),
                     page: tuple[float, float] = (43.0, 70.0)) -> bool:
    """自动: landscape only when the columns cannot fit the portrait text width: each column
    needs its widest code or amount, and room for three characters a line of its header
    (six for a 科目名称). A landscape page is a page of its own (the orientation changes),
    so a table that fits portrait stays portrait and flows with its neighbours."""
    if setting == "是":
        return True
    if setting == "否":
        return False
    leaves = list(leaves)
    floor = [max(m, _TEXT_MIN_EM.get(l.role, 2.0) + _PAD_EM[small]) for l, m in zip(leaves, mins)] or [0.0]
    return sum(floor) > page[0]


def table_widths(wanted: Sequence[float], mins: Sequence[float], avail: float) -> list[int]:
    """Relative column widths (integers, tenths of an em of the page) in the proportions
    ``wanted``, with no column below its minimum: columns that would be too narrow get
    their minimum and the others share the rest. When even the minimums do not fit, the
    minimums themselves (the renderers scale them to the page)."""
    n = len(wanted)
    if not n:
        return []
    mins = list(mins) if len(mins) == n else [0.0] * n
    if sum(mins) >= avail:
        return [max(1, round(m * 10)) for m in mins]
    fixed: set[int] = set()
    while True:
        free = [i for i in range(n) if i not in fixed]
        rest = avail - sum(mins[i] for i in fixed)
        whole = sum(max(wanted[i], 0.01) for i in free)
        out = {i: rest * max(wanted[i], 0.01) / whole for i in free}
        low = [i for i in free if out[i] < mins[i]]
        if not low or not free:
            break
        fixed.update(low)
    widths = [mins[i] if i in fixed else out[i] for i in range(n)]
    return [max(1, round(w * 10)) for w in widths]


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


def fits_half_page(t: Table, typo, page: tuple[float, float]) -> bool:
    """True when the table (title, captions, rows as they wrap, notes) takes at most half
    the text height of its page: such a table is kept whole (不跨页) — moved to the next
    page when it does not fit, which then leaves at most half a page empty."""
    from ...renderers.docx_styles import _mm, _pt  # noqa: PLC0415 (typography lengths)

    small = t.font_size == "small"
    size = _pt((typo.style("小表格").size or "9pt") if small else (typo.style("表格").size or "10.5pt"), 10.5)
    line_mm = size * 1.25 / _PT_PER_MM
    avail_em = page[1 if t.landscape else 0]
    whole = sum(t.widths) or 1
    col_em = [w * avail_em / whole for w in t.widths]
    pad = _PAD_EM[small]
    height = 0.0
    for placed in grid(t.header + t.body):
        lines = 1
        for col, cell in placed:
            if cell.rowspan > 1:
                continue
            width = max(sum(col_em[col:col + max(cell.colspan, 1)]) - pad, 1.0)
            lines = max(lines, sum(-(-max(text_em(part), 0.01) // width) for part in cell.text.split("\n")) or 1)
        height += lines * line_mm + 1.4
    height += 28.0 + 6.0 * len(t.notes)  # number, title, captions; notes
    margins = typo.landscape_margins if t.landscape else typo.margins
    text_height = (210 if t.landscape else 297) - _mm(margins.top) - _mm(margins.bottom)
    return height <= text_height / 2
