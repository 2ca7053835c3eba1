"""Open data (``disclose build --data``): every table as CSV, and one JSON with all figures.

``export(doc, fig)`` returns file name → bytes; the build writes them atomically
into ``output/<部门>/data/`` next to the PDF and DOCX.

CSV (one per table, UTF-8 with a BOM so Excel opens it as UTF-8):

- The header rows are flattened into one row of column names, the levels joined
  with ``/`` (``支出预算/基本支出``); a 栏次 row (column numbers) is dropped.
  Form-like tables (项目绩效目标表: label and value side by side) have no
  header row; their first row (预算单位) is data like the others.
- Codes and names are in their own columns: the 类/款/项 columns of a code
  become one column with the full code (``2013101``; no ``01`` for Excel to
  turn into 1), and a cell like ``201 一般公共服务支出`` is split in two.
- Amounts are plain numbers with two decimals (``271.11``, ``0.00`` where the
  PDF leaves the cell blank), never thousands separators. Text keeps its words;
  the spaces that only spread a label across a cell (``合    计``) are dropped.
- A label spanning several rows is repeated on each of them, so every row
  stands on its own.

JSON (one file, amounts as strings with two decimals, never floats): the
department, income by source with shares, spending totals and shares, the 功能分类
tree (codes, names, 类/款/项, amounts by column) and the 经济分类 trees, the
projects with their indicators, 三公经费, 机关运行经费, 政府采购, every
year-over-year change, and every table (the same rows as the CSV files).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from . import __version__
from .document.model import Cell, Document, Table
from .figures import Figures
from .figures.derive import Node
from .money import ZERO, fmt_amount, round2
from .output import safe_name

FORMAT_VERSION = 1
_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]"
_SPREAD = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")
_CODE_NAME = re.compile(r"^(\d{3,7})\s+(\S.*)$")
_CODE_PARTS = ("类", "款", "项")


def clean(text: str) -> str:
    """Drop the spaces that only spread CJK text across a cell (``合    计`` → ``合计``)."""
    return _SPREAD.sub("", text.strip())


def amount(value: Decimal | None) -> str | None:
    return None if value is None else fmt_amount(value)


def pct(value: Decimal | None) -> str | None:
    return None if value is None else f"{round2(value):.2f}"


# --- tables ---------------------------------------------------------------------------

def _grid(rows: list[list[Cell]], ncols: int) -> list[list[tuple[Cell, bool, bool] | None]]:
    """Expand col/rowspans: each slot is (cell, first row of the cell, first column of the cell)."""
    grid: list[list[tuple[Cell, bool, bool] | None]] = []
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([None] * ncols)
        c = 0
        for cell in row:
            while c < ncols and grid[r][c] is not None:
                c += 1
            for dr in range(max(cell.rowspan, 1)):
                while len(grid) <= r + dr:
                    grid.append([None] * ncols)
                for dc in range(max(cell.colspan, 1)):
                    if c + dc < ncols:
                        grid[r + dr][c + dc] = (cell, dr == 0, dc == 0)
            c += max(cell.colspan, 1)
    return grid[:len(rows)] if rows else []


def _is_column_numbers(row: list[tuple[Cell, bool, bool] | None]) -> bool:
    """The 栏次 row: 栏次 (or nothing) and column numbers."""
    texts = [clean(s[0].text) for s in row if s is not None]
    return bool(texts) and all(t in ("", "栏次") or t.isdigit() for t in texts) and any(t.isdigit() for t in texts)


def _column_names(header: list[list[tuple[Cell, bool, bool] | None]], ncols: int) -> list[list[str]]:
    """Each column's header path, top level first, repeated levels once."""
    paths: list[list[str]] = []
    for c in range(ncols):
        path: list[str] = []
        for row in header:
            slot = row[c]
            text = clean(slot[0].text) if slot is not None else ""
            if text and (not path or path[-1] != text):
                path.append(text)
        paths.append(path)
    return paths


def _cell_text(slot: tuple[Cell, bool, bool] | None) -> str:
    """A body slot as CSV text: amounts with two decimals, labels repeated down their rows."""
    if slot is None:
        return ""
    cell, first_row, first_col = slot
    if not first_col:
        return ""
    if cell.value is not None:
        return fmt_amount(cell.value) if first_row else ""
    return clean(cell.text)


def is_form(table: Table) -> bool:
    """A form (label, value, label, value …) rather than a grid with column headings."""
    return not table.header or "绩效目标" in table.key


def table_rows(table: Table) -> tuple[list[str] | None, list[list[str]]]:
    """(column names or None, rows): the table flattened for CSV and JSON."""
    ncols = table.ncols
    if is_form(table):
        header, body = [], _grid([*table.header, *table.body], ncols)
    else:
        header = [row for row in _grid(table.header, ncols) if not _is_column_numbers(row)]
        body = _grid(table.body, ncols)
    rows = [[_cell_text(slot) for slot in row] for row in body]
    if not header:
        return None, _split_code_names(None, rows)
    paths = _column_names(header, ncols)

    # 类/款/项 columns → one column with the full code
    c = 0
    while c < len(paths):
        n = 0
        while c + n < len(paths) and n < 3 and paths[c + n][-1:] == [_CODE_PARTS[n]]:
            n += 1
        if n >= 2:
            parent = paths[c][:-1] or ["科目编码"]
            name_col = c + n if c + n < len(paths) else None
            for row in rows:
                parts = row[c:c + n]
                if all(p.isdigit() or p == "" for p in parts):
                    code = "".join(p for p in parts if p)
                else:  # a label spanning the code columns (合计)
                    code = ""
                    label = next(p for p in parts if p and not p.isdigit())
                    if name_col is not None and not row[name_col]:
                        row[name_col] = label
                row[c:c + n] = [code]
            paths[c:c + n] = [parent]
        c += 1
    names = ["/".join(p) for p in paths]
    return names, _split_code_names(names, rows)


def _split_code_names(names: list[str] | None, rows: list[list[str]]) -> list[list[str]]:
    """A column of “201 一般公共服务支出” → a 编码 column and a 名称 column (``names`` updated too)."""
    c = 0
    while rows and c < len(rows[0]):
        matches = [_CODE_NAME.match(row[c]) for row in rows]
        if any(matches) and all(m or not row[c][:1].isdigit() for m, row in zip(matches, rows)):
            for row, m in zip(rows, matches):
                row[c:c + 1] = [m.group(1), clean(m.group(2))] if m else ["", row[c]]
            if names is not None:
                names[c:c + 1] = [f"{names[c]}/编码", f"{names[c]}/名称"]
            c += 1
        c += 1
    return rows


def table_csv(table: Table) -> bytes:
    names, rows = table_rows(table)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if names is not None:
        writer.writerow(names)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _project_name(table: Table) -> str:
    """The 项目名称 of a project's form table ("" if none)."""
    for row in (*table.header, *table.body):
        for label, value in zip(row, row[1:]):
            if clean(label.text) == "项目名称":
                return clean(value.text)
    return ""


def _file_stems(tables: list[Table]) -> list[str]:
    stems: list[str] = []
    seen: dict[str, int] = {}
    for i, t in enumerate(tables, start=1):
        title = clean(t.title)
        project = _project_name(t) if is_form(t) else ""
        if project and project not in title:
            title = f"{title}-{project}"
        stem = f"{i:02d}-{clean(t.number)}-{title}" if t.number else f"{i:02d}-{title}"
        stem = safe_name(stem, limit=60)
        base = stem
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            stem = f"{base}-{seen[base]}"
        stems.append(stem)
    return stems


# --- figures ----------------------------------------------------------------------------

def _tree(nodes: list[Node], columns: dict[str, str]) -> list[dict[str, Any]]:
    """Flat rolled-up nodes (parents before children, code order) → nested 类/款/项."""
    roots: list[dict[str, Any]] = []
    by_code: dict[str, dict[str, Any]] = {}
    for node in nodes:
        item: dict[str, Any] = {"编码": node.code, "名称": node.name, "级次": node.level}
        for key, label in columns.items():
            item[label] = amount(node.get(key))
        item["下级"] = []
        parent = next((by_code[node.code[:n]] for n in (5, 3) if n < len(node.code) and node.code[:n] in by_code), None)
        (parent["下级"] if parent else roots).append(item)
        by_code[node.code] = item
    return roots


def _change(fig: Figures, key: str, this_year: Decimal) -> dict[str, Any] | None:
    ch = fig.change(key, this_year)
    if ch is None:
        return None
    return {"本年": amount(ch.this_year), "上年": amount(ch.last_year), "增减额": amount(ch.delta),
            "增减率": pct(ch.pct), "说明": ch.describe()}


def figures_json(fig: Figures) -> dict[str, Any]:
    from .model import SOURCES

    dept = fig.dept
    income_share = fig.income_share()
    by_source = fig.spending_by_source()
    split = fig.basic_split()
    current = fig.current()
    source_columns = {s: s for s in SOURCES if fig.income.get(s) or by_source.get(s)}

    projects = []
    for p in fig.projects():
        m = p.model
        perf = getattr(m, "performance", None)
        projects.append({
            "名称": p.name,
            "项目编码": getattr(m, "code", "") or None,
            "功能分类": {"编码": p.function, "名称": fig.fcat.name(p.function) or ""},
            "资金来源": p.source,
            "金额": amount(p.amount),
            "经济分类": [{"编码": code, "名称": fig.ecat.name(code) or "", "金额": amount(v)}
                         for code, v in sorted(m.economic.items())],
            "经济分类类": [{"编码": code, "名称": fig.ecat.name(code) or "", "金额": amount(v)}
                           for code, v in sorted(p.by_class.items())],
            "政策依据": m.policy,
            "承担单位": m.owner or dept.name,
            "资金分配": [{"名称": a.name, "金额": amount(a.amount)} for a in m.allocation],
            "执行时间": m.schedule,
            "上年金额": amount(m.last_year),
            "绩效目标": None if perf is None else {
                "总体目标": perf.goal,
                "指标": [{"一级指标": i.level1, "二级指标": i.level2, "三级指标": i.level3,
                          "指标值": i.value, "绩效指标描述": i.description, "指标值确定依据": i.basis}
                         for i in perf.indicators],
            },
        })

    three = []
    for name, item in fig.three_public_items().items():
        three.append({"名称": name, "资金来源": item.source, "基本支出": amount(item.basic),
                      "项目支出": amount(item.project), "合计": amount(fig.item_total(item)),
                      "上年": amount(item.last_year), "主要原因": item.reason or None,
                      "比上年": None if item.last_year is None else _change_of(fig.item_total(item), item.last_year)})
    three_total = fig.three_public_total()

    procurement = fig.procurement
    changes = []
    reasons = dept.last_year.reasons
    for key in fig.last:
        ch = _change(fig, key, current.get(key, ZERO))
        if ch is not None:
            code = key.split(".", 1)[1] if key.startswith(("功能分类.", "经济分类.")) else ""
            reason = reasons.get(key) or reasons.get(code) or (dept.three_public.reason if key == "三公经费" else "")
            changes.append({"项目": key, **ch, "主要原因": reason or None})

    return {
        "格式版本": FORMAT_VERSION,
        "生成程序": f"disclose {__version__}",
        "部门": dept.name,
        "部门编码": dept.code or None,
        "年度": dept.year,
        "格式": dept.format,
        "金额单位": "万元",
        "说明": "金额为字符串，两位小数，单位万元；占比、增减率为百分数（两位小数）；null 表示没有该数据。",
        "收入": {
            "合计": amount(fig.income_total),
            "按来源": [{"来源": s, "金额": amount(v), "占比": pct(income_share.get(s, ZERO))}
                       for s, v in fig.income.items() if v],
            "比上年": _change(fig, "收入合计", fig.income_total),
        },
        "支出": {
            "合计": amount(fig.spending_total),
            "基本支出": amount(fig.basic_total),
            "项目支出": amount(fig.project_total),
            "基本支出占比": pct(split["basic"]),
            "项目支出占比": pct(split["project"]),
            "人员经费": amount(fig.personnel()),
            "公用经费": amount(fig.public()),
            "按来源": [{"来源": s, "金额": amount(v)} for s, v in by_source.items() if v],
            "比上年": _change(fig, "支出合计", fig.spending_total),
        },
        "功能分类": _tree(fig.functions(), {"total": "合计", "basic": "基本支出", "project": "项目支出",
                                            **source_columns}),
        "功能分类类占比": [{"编码": n.code, "名称": n.name, "金额": amount(n.get("total")), "占比": pct(share)}
                           for n, share in fig.class_shares()],
        "经济分类": {
            "基本支出": _tree(fig.economics(kind="basic"), {"total": "合计", "personnel": "人员经费", "public": "公用经费"}),
            "全部支出": _tree(fig.economics(kind=None), {"total": "合计"}),
        },
        "项目": projects,
        "三公经费": {
            "合计": amount(three_total),
            "基本支出": amount(fig.three_public_total("basic")),
            "项目支出": amount(fig.three_public_total("project")),
            "上年": amount(fig.three_public_last()),
            "比上年": _change(fig, "三公经费", three_total),
            "主要原因": dept.three_public.reason or None,
            "明细": three,
        },
        "机关运行经费": {"金额": amount(fig.operating), "比上年": _change(fig, "机关运行经费", fig.operating)},
        "政府采购": {"合计": amount(fig.procurement_total), **{k: amount(v) for k, v in procurement.items()}},
        "比上年": changes,
    }


def _change_of(this_year: Decimal, last_year: Decimal) -> dict[str, Any]:
    from .money import Change

    ch = Change(this_year, last_year)
    return {"增减额": amount(ch.delta), "增减率": pct(ch.pct), "说明": ch.describe()}


# --- the export -----------------------------------------------------------------------

def export(doc: Document, fig: Figures) -> dict[str, bytes]:
    """File name → bytes: one CSV per table and one JSON (see the module docstring)."""
    tables = doc.tables()
    stems = _file_stems(tables)
    files: dict[str, bytes] = {}
    listed = []
    for stem, t in zip(stems, tables):
        name = f"{stem}.csv"
        files[name] = table_csv(t)
        columns, rows = table_rows(t)
        listed.append({"文件": name, "编号": clean(t.number) or None, "标题": clean(t.title),
                       "单位": clean(t.caption_right.replace("单位：", "")) or None,
                       "空表": t.empty, "列": columns, "行": rows})
    data = figures_json(fig)
    data["表格"] = listed
    json_name = safe_name(f"{fig.dept.name}{fig.dept.year}年部门预算公开数据") + ".json"
    files[json_name] = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return files
