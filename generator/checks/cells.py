"""核对数 that name a printed cell the way the published document shows it.

A finance officer copies figures from the budget system's printout, table by
table: ``表六.30201.公用经费: 5.89`` — the table (its number, or its title when it
has none), the row (its 科目编码, or its label as printed) and the column (its
label as printed, or the full header path ``一般公共预算基本支出/公用经费``).
Spaces that only spread a label (``合    计``) don't matter.

The cell's value is what the format prints there (generator.document: every
printed amount with its row, code and column — :attr:`Table.data`), so the check
compares the printout with this document, whatever the format. ``disclose
controls`` writes the block of every printable cell, empty, to fill in.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ..document.model import Document, Table
from ..errors import Problem
from ..load.department import Loaded
from ..money import fmt_plain, round2

_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACES.sub("", text or "")


@dataclass(frozen=True)
class Cell:
    key: str  # 表六.30201.公用经费
    table: Table
    row: str  # the row as printed (label, with its code when it has one)
    column: str
    value: Decimal


def table_keys(doc: Document) -> list[tuple[str, Table]]:
    """Each table's key: its number, else its title; a repeated key gets “#2”, “#3” …"""
    out: list[tuple[str, Table]] = []
    seen: dict[str, int] = {}
    for t in doc.tables():
        base = squash(t.number) or squash(t.title)
        seen[base] = seen.get(base, 0) + 1
        out.append((base if seen[base] == 1 else f"{base}#{seen[base]}", t))
    return out


def cells(doc: Document) -> list[Cell]:
    """Every printed amount of every table, with a unique key."""
    out: list[Cell] = []
    for tkey, t in table_keys(doc):
        seen: dict[str, int] = {}
        for d in t.data:
            row = d.code or squash(d.row)
            column = d.column
            base = f"{tkey}.{row}.{column.rsplit('/', 1)[-1]}"
            seen[base] = seen.get(base, 0) + 1
            if seen[base] > 1:  # the same row and column label twice: the full header path, then a number
                base = f"{tkey}.{row}.{column}"
                seen[base] = seen.get(base, 0) + 1
                if seen[base] > 1:
                    base = f"{base}#{seen[base]}"
            out.append(Cell(base, t, f"{d.code} {d.row}".strip() if d.code else d.row, column, d.value))
    return out


def looks_like_cell(key: str, figure_families: Iterable[str]) -> bool:
    """A 核对数 key of three parts whose first part is not a figure family (功能分类, 三公经费 …)."""
    first = key.split(".", 1)[0]
    return key.count(".") >= 2 and first not in set(figure_families)


def _lookup(key: str, index: dict[str, Cell], by_table: dict[str, list[Cell]]) -> tuple[Cell | None, str]:
    if key in index:
        return index[key], ""
    norm = squash(key)
    # the full header path instead of the last label, spaces anywhere
    for c in index.values():
        table, _, rest = c.key.partition(".")
        row = rest.rsplit(".", 1)[0] if "." in rest else rest
        if norm in (squash(c.key), squash(f"{table}.{row}.{c.column}")):
            return c, ""
    table = next((t for t in sorted(by_table, key=len, reverse=True) if norm.startswith(t + ".")), None)
    if table is None:
        guess = difflib.get_close_matches(norm.split(".", 1)[0], list(by_table), n=1, cutoff=0.3)
        hint = f"；您是不是想写“{guess[0]}”？" if guess else ""
        return None, f"找不到表格“{norm.split('.', 1)[0]}”{hint}（本格式的表：{'、'.join(by_table)}）"
    candidates = [c.key for c in by_table[table]]
    guess = difflib.get_close_matches(norm, candidates, n=1, cutoff=0.5)
    hint = f"；您是不是想写“{guess[0]}”？" if guess else ""
    return None, f"表格“{table}”中没有“{norm[len(table) + 1:]}”这一格{hint}（disclose controls 列出本格式印出的每一格）"


def check_cells(loaded: Loaded, doc: Document, controls: dict, figure_families: Iterable[str], unit: str) -> list[Problem]:
    families = list(figure_families)
    wanted = {k: v for k, v in controls.items() if looks_like_cell(k, families)}
    if not wanted:
        return []
    all_cells = cells(doc)
    index = {c.key: c for c in all_cells}
    by_table: dict[str, list[Cell]] = {}
    for c in all_cells:
        by_table.setdefault(c.key.split(".", 1)[0], []).append(c)
    for key, _ in table_keys(doc):
        by_table.setdefault(key, [])
    problems: list[Problem] = []
    for key, given in wanted.items():
        if given is None:
            continue  # not filled in yet
        cell, why = _lookup(key, index, by_table)
        if cell is None:
            problems.append(loaded.problem("control.unknown-cell", f"未知的核对格“{key}”：{why}", "核对数", key))
            continue
        values = list(given) if isinstance(given, list) else [given]
        for i, expected in enumerate(values):
            where = ("核对数", key, i) if len(values) > 1 else ("核对数", key)
            nth = f"（第 {i + 1} 个值）" if len(values) > 1 else ""
            if unit == "元":
                expected = round2(expected / Decimal(10000))
            if round2(cell.value) != round2(expected):
                t = cell.table
                name = f"{t.number}“{squash(t.title)}”" if t.number else f"“{squash(t.title)}”"
                problems.append(loaded.problem(
                    "control.cell",
                    f"核对数不符：{name}“{cell.row}”行“{cell.column}”列按明细印出 {fmt_plain(cell.value)}，"
                    f"预算系统核对数{nth}为 {fmt_plain(expected)}（差 {fmt_plain(cell.value - expected)} 万元）", *where))
    return problems


def starter(doc: Document) -> list[tuple[str, list[str]]]:
    """(table heading comment, [cell keys]) for ``disclose controls``."""
    out: list[tuple[str, list[str]]] = []
    current: Table | None = None
    for c in cells(doc):
        if c.table is not current:
            current = c.table
            out.append((f"{current.number} {squash(current.title)}".strip(), []))
        out[-1][1].append(c.key)
    return out
