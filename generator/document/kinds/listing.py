"""列表: one row per record of a dataset (projects, units, procurement items, assets, vehicles)."""

from __future__ import annotations

from typing import Any

from ...formats import manifest as M
from ...money import fmt_amount
from ..model import Cell, Row, Table
from .common import ALIGN, Builder, Leaf, T, code_parts

_TEXT_EM = {"名称": 12.0, "项目": 10.0, "单位名称": 14.0, "采购物品名称": 8.0, "功能分类名称": 10.0, "政策依据": 14.0,
            "资金用途": 14.0, "键": 12.0, "种类": 10.0}


def _leaves(col: M.ListColumn, kind: str | None) -> list[Leaf]:
    if col.split:
        return [Leaf(col.title + [p], "code", 2.2) for p in ("类", "款", "项")]
    if kind == "金额":
        return [Leaf(col.title, "amount", 5.0)]
    if kind == "数量":
        return [Leaf(col.title, "amount" if col.field != "序号" else "seq", 3.5)]
    return [Leaf(col.title, "text", _TEXT_EM.get(col.field, 6.0))]


def build(b: Builder) -> Table:
    spec: M.ListTable = b.spec
    ds = b.fig.dataset(spec.dataset)
    plan = []
    for col in spec.columns:
        kind = ds.kind(col.field)
        leaves = _leaves(col, kind)
        plan.append((col, kind, leaves))
        b.leaves += leaves
    records = list(ds.records)
    labels: dict[int, str] = {}
    if spec.rows:
        by_key = {r.get("键"): r for r in records}
        records = [by_key[r.key] for r in spec.rows if r.key in by_key]
        labels = {id(by_key[r.key]): r.label for r in spec.rows if r.key in by_key}
    body: list[Row] = []
    if spec.group:
        for kind_, code, members in _groups(records, spec.group):
            if kind_ == "group":
                body.append(_subtotal(b, plan, ds, members, code))
            else:
                body.append(_record_row(b, plan, ds, members[0], labels))
    else:
        body = [_record_row(b, plan, ds, r, labels) for r in records]
    if records and spec.total.position != "无":
        row = _total_row(b, plan, ds, records, spec.total.label, level="合计")
        if spec.total.position == "首":
            body.insert(0, row)
        else:
            body.append(row)
    b.body = body
    return b.finish("列表", empty=not records)


def _groups(records: list[dict[str, Any]], levels: list[str]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """[("group", code, members), ("record", "", [record]), …] in 功能分类 code order."""
    lengths = [{"类": 3, "款": 5}[lv] for lv in levels]
    out: list[tuple[str, str, list[dict[str, Any]]]] = []
    ordered = sorted(records, key=lambda r: (r.get("功能分类编码", ""), r.get("序号", 0)))
    seen: set[str] = set()
    for r in ordered:
        code = r.get("功能分类编码", "")
        for n in lengths:
            head = code[:n]
            if head not in seen:
                seen.add(head)
                out.append(("group", head, [x for x in ordered if x.get("功能分类编码", "").startswith(head)]))
        out.append(("record", "", [r]))
    return out


def _cell(b: Builder, col: M.ListColumn, kind: str | None, value: Any, bold: bool = False, total: bool = False) -> Cell:
    align = ALIGN.get(col.align) if col.align else None
    if kind == "金额":
        c = b.amount(value, bold=bold, total=total)
        if align:
            c.align = align  # type: ignore[assignment]
        return c
    if kind == "数量":
        text = "" if value is None or (value == 0 and b.spec.zero == "空白") else str(value)
        return Cell(text, align=align or "center", bold=bold, nowrap=True)  # type: ignore[arg-type]
    if kind == "列表":  # 资金分配: name amount; name amount
        text = "；".join(f"{n}{fmt_amount(a)}万元" for n, a in (value or []))
        return Cell(text, align=align or "left", bold=bold)  # type: ignore[arg-type]
    return Cell("" if value is None else str(value), align=align or "left", bold=bold)  # type: ignore[arg-type]


def _row_label(plan, ds, record: dict[str, Any], labels: dict[int, str]) -> str:
    if id(record) in labels:
        return labels[id(record)]
    for col, kind, _ in plan:
        if kind == "文字" and record.get(col.field):
            return str(record[col.field])
    return ""


def _record_row(b: Builder, plan, ds, record: dict[str, Any], labels: dict[int, str]) -> Row:
    row: Row = []
    label = _row_label(plan, ds, record, labels)
    code = record.get("功能分类编码", "") if ds.name == "项目" else ""
    for col, kind, leaves in plan:
        if col.split:
            row += [Cell(p, align="center", nowrap=True) for p in code_parts(str(record.get(col.field, "")))]
            continue
        if col.field == "键" and id(record) in labels:
            row.append(Cell(labels[id(record)], align=ALIGN.get(col.align or "左", "left")))  # type: ignore[arg-type]
            continue
        value = ds.value(record, col.field, _source(col))
        row.append(_cell(b, col, kind, value))
        if kind == "金额" and value is not None:
            b.record(label, code, "", leaves[0], value)
    return row


def _source(col: M.ListColumn):
    if col.source is None:
        return None
    return col.source[0] if len(col.source) == 1 else tuple(col.source)


def _total_row(b: Builder, plan, ds, records, label: str, level: str) -> Row:
    """A total over ``records``: the label spans the columns before the first summed one."""
    summed = [(col, kind) for col, kind, _ in plan if col.summed and kind in ("金额", "数量") and col.field != "序号"]
    totals = ds.totals(records, [(col.field, _source(col)) for col, _ in summed])
    value_of = {id(col): v for (col, _), v in zip(summed, totals)}
    row: Row = []
    span = 0
    started = False
    for col, kind, leaves in plan:
        if not started and id(col) not in value_of:
            span += len(leaves)
            continue
        if not started:
            row.append(T(label, bold=True, align="center", colspan=max(span, 1)) if span else T(label, bold=True))
            started = True
        if id(col) in value_of:
            v = value_of[id(col)]
            row.append(_cell(b, col, kind, v, bold=True, total=True))
            if kind == "金额":
                b.record(label, "", level, leaves[0], v)
        else:
            row += [T("") for _ in leaves]
    if not started:
        row.append(T(label, bold=True, align="center", colspan=max(span, 1)))
    return row


def _subtotal(b: Builder, plan, ds, members, code: str) -> Row:
    name = b.fig.fcat.name(code) or ""
    return _total_row(b, plan, ds, members, f"{code} {name}", level="小计")
