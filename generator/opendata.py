"""Open data (``disclose build --data``), written from the figures, never scraped from layout.

Two files per department, next to its PDF and DOCX in ``data/``:

- ``<部门><年度>年部门预算公开数据.csv`` — tidy rows, one per printed amount, UTF-8
  with a BOM (Excel opens it as UTF-8): 部门, 部门编码, 年度, 表, 行, 科目编码, 级次,
  列, 金额. The rows come from the figures each table kind selected for printing
  (:attr:`generator.document.model.Table.data`), not from laid-out cells. 级次 says
  what a row is — 类/款/项 of a code tree, 合计 or 小计 rows, 其中 rows (part of the
  row above) — so a sum over one level never counts an amount twice. Amounts are
  plain numbers with two decimals. A text cell that a spreadsheet would read as a
  formula (it begins with = + - @, a tab or a carriage return) is prefixed with an
  apostrophe.
- ``<部门><年度>年部门预算公开数据.json`` — every derived figure (income and spending
  by source, shares, the 功能分类 and 经济分类 trees, projects, “三公”经费, changes)
  and the same tidy rows per table; amounts as strings with two decimals, never
  floats. Its JSON Schema is :data:`SCHEMA` (``docs/开放数据.schema.json``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from . import __version__
from .document.model import Document, Table
from .figures import Figures
from .figures.derive import Node
from .money import ZERO, fmt_amount, fmt_number
from .output import safe_name

FORMAT_VERSION = 2
SCHEMA_ID = "https://disclose.invalid/schema/open-data-v2.json"
COLUMNS = ("部门", "部门编码", "年度", "表", "行", "科目编码", "级次", "列", "金额")
_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]"
_SPREAD = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str) -> str:
    """Drop the spaces that only spread CJK text across a cell (``合    计`` → ``合计``)."""
    return _SPREAD.sub("", text.strip())


def safe_cell(text: str) -> str:
    """Text a spreadsheet would evaluate (=HYPERLINK(…), +1, @SUM…) gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA) else text


def amount(value: Decimal | None) -> str | None:
    return None if value is None else fmt_amount(value)


def pct(value: Decimal | None) -> str | None:
    return fmt_number(value)


def table_name(t: Table) -> str:
    """“表三 部门支出总体情况表”: the number and the title as printed (spreading spaces dropped)."""
    return f"{clean(t.number)} {clean(t.title)}" if t.number else clean(t.title)


def tidy_rows(doc: Document, fig: Figures) -> list[list[str]]:
    d = fig.dept
    rows = []
    for t in doc.tables():
        name = table_name(t)
        for datum in t.data:
            rows.append([d.name, d.code, str(d.year), name, clean(datum.row), datum.code, datum.level,
                         datum.column, fmt_amount(datum.value)])
    return rows


def tidy_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[i] if i in (2, 8) else safe_cell(row[i]) for i in range(len(row))])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


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
    """File name → bytes: the tidy CSV and the JSON (see the module docstring)."""
    rows = tidy_rows(doc, fig)
    stem = safe_name(f"{fig.dept.name}{fig.dept.year}年部门预算公开数据")
    data = figures_json(fig)
    data["$schema"] = SCHEMA_ID
    data["表格"] = [{"表": table_name(t), "空表": t.empty,
                     "数据": [{"行": clean(x.row), "科目编码": x.code or None, "级次": x.level or None,
                               "列": x.column, "金额": fmt_amount(x.value)} for x in t.data]}
                    for t in doc.tables()]
    return {
        f"{stem}.csv": tidy_csv(rows),
        f"{stem}.json": (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
    }


# --- the JSON Schema of the JSON file ---------------------------------------------------

_AMOUNT = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "金额（万元），两位小数的字符串"}
_AMOUNT_OR_NULL = {"anyOf": [_AMOUNT, {"type": "null"}]}
_PCT_OR_NULL = {"anyOf": [{"type": "string", "pattern": r"^-?\d+\.\d{2}$"}, {"type": "null"}],
                "description": "百分数，两位小数"}
_CHANGE = {"anyOf": [{"type": "null"}, {
    "type": "object", "required": ["本年", "上年", "增减额", "增减率", "说明"], "additionalProperties": False,
    "properties": {"本年": _AMOUNT, "上年": _AMOUNT, "增减额": _AMOUNT, "增减率": _PCT_OR_NULL, "说明": {"type": "string"}}}]}
_NODE: dict[str, Any] = {
    "type": "object", "required": ["编码", "名称", "级次", "下级"],
    "properties": {"编码": {"type": "string", "pattern": r"^\d{3}(\d{2}){0,2}$"}, "名称": {"type": "string"},
                   "级次": {"enum": ["类", "款", "项", ""]}, "下级": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
    "additionalProperties": _AMOUNT_OR_NULL,
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "部门预算公开开放数据",
    "description": "disclose build --data 写出的 JSON 文件。金额为两位小数的字符串（万元），从不使用浮点数。",
    "type": "object",
    "$defs": {"node": _NODE},
    "required": ["$schema", "格式版本", "生成程序", "部门", "部门编码", "年度", "格式", "金额单位", "收入", "支出",
                 "功能分类", "功能分类类占比", "经济分类", "项目", "三公经费", "机关运行经费", "政府采购", "比上年", "表格"],
    "properties": {
        "$schema": {"const": SCHEMA_ID},
        "格式版本": {"const": FORMAT_VERSION},
        "生成程序": {"type": "string"},
        "部门": {"type": "string", "minLength": 1},
        "部门编码": {"type": ["string", "null"]},
        "年度": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "格式": {"type": "string"},
        "金额单位": {"const": "万元"},
        "说明": {"type": "string"},
        "收入": {"type": "object", "required": ["合计", "按来源", "比上年"], "properties": {
            "合计": _AMOUNT, "比上年": _CHANGE,
            "按来源": {"type": "array", "items": {"type": "object", "required": ["来源", "金额", "占比"],
                                                   "properties": {"来源": {"type": "string"}, "金额": _AMOUNT, "占比": _PCT_OR_NULL}}}}},
        "支出": {"type": "object", "required": ["合计", "基本支出", "项目支出", "人员经费", "公用经费", "按来源", "比上年"],
                 "properties": {"合计": _AMOUNT, "基本支出": _AMOUNT, "项目支出": _AMOUNT, "人员经费": _AMOUNT,
                                "公用经费": _AMOUNT, "基本支出占比": _PCT_OR_NULL, "项目支出占比": _PCT_OR_NULL,
                                "按来源": {"type": "array"}, "比上年": _CHANGE}},
        "功能分类": {"type": "array", "items": {"$ref": "#/$defs/node"}},
        "功能分类类占比": {"type": "array", "items": {"type": "object", "required": ["编码", "名称", "金额", "占比"]}},
        "经济分类": {"type": "object", "required": ["基本支出", "全部支出"],
                     "properties": {"基本支出": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                                    "全部支出": {"type": "array", "items": {"$ref": "#/$defs/node"}}}},
        "项目": {"type": "array", "items": {"type": "object", "required": ["名称", "功能分类", "资金来源", "金额"],
                                              "properties": {"名称": {"type": "string"}, "金额": _AMOUNT}}},
        "三公经费": {"type": "object", "required": ["合计", "明细"], "properties": {"合计": _AMOUNT, "明细": {"type": "array"}}},
        "机关运行经费": {"type": "object", "required": ["金额"], "properties": {"金额": _AMOUNT, "比上年": _CHANGE}},
        "政府采购": {"type": "object", "required": ["合计"], "properties": {"合计": _AMOUNT},
                     "additionalProperties": _AMOUNT},
        "比上年": {"type": "array"},
        "表格": {"type": "array", "items": {
            "type": "object", "required": ["表", "空表", "数据"], "additionalProperties": False,
            "properties": {"表": {"type": "string"}, "空表": {"type": "boolean"}, "数据": {"type": "array", "items": {
                "type": "object", "required": ["行", "科目编码", "级次", "列", "金额"], "additionalProperties": False,
                "properties": {"行": {"type": "string"}, "科目编码": {"type": ["string", "null"]},
                               "级次": {"enum": ["类", "款", "项", "合计", "小计", "其中", None]},
                               "列": {"type": "string"}, "金额": _AMOUNT}}}}}},
    },
}
