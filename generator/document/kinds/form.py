"""表单: one record (a project) as a form, with its performance indicators below.

The form's rows are a grid written in the manifest: labels, literal text and
fields of the record. Indicator rows follow, with repeated 一级/二级指标 merged
down. Every row before the indicators is the table's header: on a page the form
continues onto, the reader sees again which project it is and what the columns
are (``重复行数`` shortens that).
"""

from __future__ import annotations

from typing import Any

from ...formats import manifest as M
from ...formats.phrases import fill
from ...money import fmt_amount
from ..model import Cell, Row, Table
from .common import ALIGN, Builder, Leaf, values


def build(b: Builder, arg: str) -> Table:
    spec: M.FormTable = b.spec
    ds = b.fig.dataset(spec.dataset)
    try:
        index = int(arg)
        record = ds.records[index - 1]
        if index < 1:
            raise IndexError
    except (ValueError, IndexError):
        raise KeyError(f"记录序号“{arg}”无效：应为 1 到 {len(ds.records)} 之间的整数") from None
    b.extra_values = {k: _plain(v) for k, v in record.items() if isinstance(v, (str, int))}
    vals = values(b.fig, **b.extra_values)
    width = sum(c.colspan for c in spec.rows[0]) if spec.rows else 1
    b.leaves = [Leaf([], "text", 6.0) for _ in range(width)]
    rows: list[Row] = [[_cell(b, ds, record, c, vals) for c in row] for row in spec.rows]
    head = len(rows) if spec.repeat is None else min(spec.repeat, len(rows))
    indicators = spec.indicators
    if indicators is not None:
        rows += indicator_rows(record.get("指标") or [], indicators)
    t = b.finish("表单", empty=False, anchor="")
    t.header, t.body = rows[:head], rows[head:]
    t.keep = spec.keep if spec.keep is not None else True
    return t


def _plain(v: Any) -> str:
    return str(v)


def _cell(b: Builder, ds, record: dict[str, Any], c: M.FormCell, vals: dict[str, str]) -> Cell:
    align = ALIGN.get(c.align) if c.align else None
    if c.label is not None:
        return Cell(fill(c.label, vals), colspan=c.colspan, rowspan=c.rowspan, align=align or "center", bold=True)  # type: ignore[arg-type]
    if c.text is not None:
        return Cell(fill(c.text, vals), colspan=c.colspan, rowspan=c.rowspan, align=align or "left")  # type: ignore[arg-type]
    kind = ds.kind(c.field)
    value = record.get(c.field)
    if kind == "金额":
        zero = c.zero or b.spec.zero
        cell = Cell.amount(value, fmt_amount(value, blank_zero=zero == "空白"))
        cell.colspan, cell.rowspan = c.colspan, c.rowspan
        if align:
            cell.align = align  # type: ignore[assignment]
        if value is not None:
            b.record(str(record.get("名称", "")), "", "", Leaf([c.field], "amount"), value)
        return cell
    if kind == "列表":
        text = "；".join(f"{n}{fmt_amount(a)}万元" for n, a in (value or []))
    else:
        text = "" if value is None else str(value)
    return Cell(text, colspan=c.colspan, rowspan=c.rowspan, align=align or "left")  # type: ignore[arg-type]


def indicator_rows(indicators: list, spec: M.Indicators) -> list[Row]:
    """One row per indicator; repeated 一级/二级指标 merged down (rowspan)."""
    attr = {"一级指标": "level1", "二级指标": "level2", "三级指标": "level3", "绩效指标描述": "description",
            "指标值": "value", "指标值确定依据": "basis"}
    merge = [m for m in ("一级指标", "二级指标") if m in spec.merge]
    rows: list[Row] = []
    n = len(indicators)
    spans: dict[tuple[str, int], int] = {}
    for field_name in merge:
        i = 0
        while i < n:
            j = i + 1
            key = lambda k: tuple(getattr(indicators[k], attr[f]) for f in merge[:merge.index(field_name) + 1])
            while j < n and key(j) == key(i):
                j += 1
            spans[(field_name, i)] = j - i
            for k in range(i + 1, j):
                spans[(field_name, k)] = 0
            i = j
    for r, ind in enumerate(indicators):
        row: Row = []
        for c in spec.columns:
            name = c.field or ""
            span = spans.get((name, r), 1) if name in merge else 1
            if span == 0:
                continue
            align = ALIGN.get(c.align) if c.align else ("center" if name in ("一级指标", "二级指标", "指标值", "指标值确定依据") else "left")
            row.append(Cell(str(getattr(ind, attr[name], "")), colspan=c.colspan, rowspan=span, align=align))  # type: ignore[arg-type]
        rows.append(row)
    return rows
