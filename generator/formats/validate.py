"""Validation of a format folder's manifest (and its side files) at file:line:col.

Structure (keys, types, kinds) is checked by the pydantic models of
:mod:`generator.formats.manifest`; this module translates those errors into
Chinese problems at the YAML position, with did-you-mean, and adds the semantic
checks no schema can express: figure series and dataset fields exist, income
rows name income series, placeholders are known, form rows fill their grid.
"""

from __future__ import annotations

import difflib
import re
import typing
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from ..errors import Location, Problem, Severity
from ..figures import series as S
from ..figures.datasets import FIELDS, field_kind
from ..load.describe import describe
from ..load.department import translate
from ..load.yamlsafe import Marks, locate
from . import manifest as M

_KIND_MODELS: dict[str, type[BaseModel]] = {
    "科目表": M.TreeTable, "收支总表": M.SummaryTable, "三公表": M.ThreeTable, "列表": M.ListTable, "表单": M.FormTable,
}
PLACEHOLDERS = ("部门", "部门编码", "年度", "上年度", "资产截止日期")
INDICATOR_FIELDS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class Reporter:
    def __init__(self, path: Path, marks: Marks):
        self.path, self.marks = path, marks
        self.problems: list[Problem] = []

    def loc(self, *keys: Any) -> Location:
        return locate(self.marks, self.path, keys)

    def error(self, rule: str, message: str, *keys: Any, severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(rule, message, self.loc(*keys), severity))


def _guess(word: str, choices: Iterable[str]) -> str:
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.4)
    return f"；您是不是想写“{found[0]}”？" if found else ""


def _model_for(loc: tuple) -> tuple[type[BaseModel] | None, tuple]:
    """Walk ``loc`` through the manifest models; return the model at its end and the
    location with pydantic's union tags removed (the path as written in the YAML)."""
    current: Any = M.Manifest
    clean: list[Any] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        model = _unwrap(current)
        if isinstance(model, type) and issubclass(model, BaseModel):
            fld = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
            clean.append(part)
            if fld is None:
                return None, tuple(clean) + tuple(loc[i + 1:])
            current = fld.annotation
            i += 1
            continue
        origin = typing.get_origin(model)
        if origin in (list, dict):
            clean.append(part)
            current = typing.get_args(model)[-1]
            i += 1
            if _is_table_union(current) and i < len(loc) and loc[i] in _KIND_MODELS:
                current = _KIND_MODELS[loc[i]]
                i += 1
            continue
        if isinstance(part, str) and part in _KIND_MODELS:
            current = _KIND_MODELS[part]
            i += 1
            continue
        clean.append(part)
        i += 1
        current = None
    model = _unwrap(current)
    return (model if isinstance(model, type) and issubclass(model, BaseModel) else None), tuple(clean)


def _is_table_union(tp: Any) -> bool:
    tp = _unwrap(tp)
    return typing.get_origin(tp) is typing.Union and any(a in _KIND_MODELS.values() for a in typing.get_args(tp))


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return tp


def structural(exc: ValidationError, rep: Reporter) -> None:
    seen: set[tuple] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        if loc and isinstance(loc[-1], str) and loc[-1].endswith("[key]"):
            loc = loc[:-1]
        t = err["type"]
        if t in ("union_tag_invalid", "union_tag_not_found"):
            _, clean = _model_for(loc)
            if clean in seen:
                continue
            seen.add(clean)
            if t == "union_tag_not_found":
                rep.error("format.manifest", f"表格缺少“种类”：应为以下之一：{'、'.join(M.KINDS)}", *clean)
            else:
                tag = err.get("ctx", {}).get("tag", "")
                rep.error("format.kind", f"未知的表格种类“{tag}”：应为以下之一：{'、'.join(M.KINDS)}{_guess(tag, M.KINDS)}",
                          *clean, "种类")
            continue
        parent, clean = _model_for(loc[:-1])
        if clean + (loc[-1],) in seen or clean in seen:
            continue
        if t == "extra_forbidden":
            key = str(loc[-1])
            allowed = [f.alias or n for n, f in parent.model_fields.items()] if parent else []
            rep.error("format.unknown-key", f"未知的键“{key}”{_guess(key, allowed)}（此处可用的键：{'、'.join(allowed)}）"
                      if allowed else f"未知的键“{key}”", *clean, key)
            seen.add(clean + (loc[-1],))
            continue
        full = clean + (loc[-1],)
        seen.add(full)
        if t == "missing":
            rep.error("format.manifest", f"缺少必填项“{loc[-1]}”", *clean)
            continue
        if t == "string_pattern_mismatch" and loc[-1] == "名称":
            rep.error("format.manifest", f"格式名称应为字母、数字、汉字、“-”“_”“.”，不超过 64 个字符，实际是{describe(err.get('input'))}", *full)
            continue
        _, message = translate(err, M.Manifest)
        rep.error("format.manifest", message, *full)


# ------------------------------------------------------------------ semantics
def _series(rep: Reporter, names: list[str], *where: Any, income: bool = False) -> None:
    for i, name in enumerate(names):
        if not S.known(name) or (income and name in S.YEAR_OVER_YEAR):
            choices = [n for n in S.names() if not income or S.is_income_series(n)]
            rep.error("format.series", f"未知的系列“{name}”{_guess(name, choices)}（可用的系列见 docs/formats.md）", *where, i)
        elif income and not S.is_income_series(name):
            rep.error("format.series", f"“{name}”不是收入来源：收入行只能用资金来源或来源组（如 一般公共预算拨款、财政拨款、单位资金）", *where, i)
    if len(names) > 1 and any(n in S.YEAR_OVER_YEAR for n in names):
        rep.error("format.series", f"“上年”“增减”“增减率”只能单独成列，不能与其他系列相加", *where)
    for a, b in S.overlapping([n for n in names if S.known(n) and n not in S.YEAR_OVER_YEAR]):
        rep.error("format.series", f"系列“{a}”和“{b}”有重叠：一列中的几个系列应互不重叠（否则容易误解为相加）", *where,
                  severity=Severity.WARNING)


def _placeholders(rep: Reporter, text: str, allowed: Iterable[str], *where: Any) -> None:
    allowed = list(allowed)
    for name in _PLACEHOLDER.findall(text or ""):
        if name not in allowed:
            rep.error("format.placeholder", f"未知的占位符“{{{name}}}”{_guess(name, allowed)}（此处可用：{'、'.join('{' + a + '}' for a in allowed)}）", *where)


def _grid_width(rows: list[list[M.FormCell]]) -> list[int]:
    """Width of each row, counting cells carried down by rowspans from rows above."""
    widths = []
    pending: list[tuple[int, int]] = []  # (rows left, colspan)
    for row in rows:
        width = sum(span for left, span in pending if left > 0)
        width += sum(c.colspan for c in row)
        widths.append(width)
        pending = [(left - 1, span) for left, span in pending if left - 1 > 0]
        pending += [(c.rowspan - 1, c.colspan) for c in row if c.rowspan > 1]
    return widths


def semantic(m: M.Manifest, rep: Reporter) -> None:
    names = [("公开表", i, t) for i, t in enumerate(m.tables)] + [("内嵌表格", k, t) for k, t in m.inline.items()]
    _placeholders(rep, m.toc.title, PLACEHOLDERS, "目录", "标题")
    for key in ("左", "右"):
        _placeholders(rep, getattr(m.captions, {"左": "left", "右": "right"}[key]), PLACEHOLDERS, "表头", key)
    for i, line in enumerate(m.captions.lines):
        _placeholders(rep, line, PLACEHOLDERS, "表头", "行", i)
    for group, key, t in names:
        where = (group, key)
        record_fields = list(FIELDS.get(getattr(t, "dataset", ""), {})) if t.kind == "表单" else []
        _placeholders(rep, t.title, PLACEHOLDERS + tuple(record_fields), *where, "标题")
        _placeholders(rep, t.empty, PLACEHOLDERS, *where, "空表说明")
        for j, n in enumerate(t.notes):
            _placeholders(rep, n, PLACEHOLDERS, *where, "注", j)
        if t.captions is not None:
            _placeholders(rep, t.captions.left, PLACEHOLDERS, *where, "表头", "左")
            _placeholders(rep, t.captions.right, PLACEHOLDERS, *where, "表头", "右")
        if t.widths and t.widths and any(w <= 0 for w in t.widths):
            rep.error("format.manifest", "列宽应为正整数", *where, "列宽")
        check = {"科目表": _tree, "收支总表": _summary, "三公表": _three, "列表": _list, "表单": _form}[t.kind]
        check(t, rep, where)


def _tree(t: M.TreeTable, rep: Reporter, where: tuple) -> None:
    _series(rep, t.sources, *where, "资金来源", income=True)
    if t.scheme == "经济分类" and "项" in t.levels:
        rep.error("format.manifest", "经济分类只有类、款两级，“级次”不能有“项”", *where, "级次")
    codes = [c for c in t.columns if c.content == "编码"]
    if len(codes) > 1:
        rep.error("format.manifest", "科目表最多只能有一个编码列", *where, "列")
    if not any(c.content == "名称" for c in t.columns):
        rep.error("format.manifest", "科目表需要一个名称列（内容: 名称）", *where, "列")
    for j, c in enumerate(t.columns):
        if c.content == "金额":
            if not c.series:
                rep.error("format.manifest", "金额列需要“系列”", *where, "列", j)
            _series(rep, c.series, *where, "列", j, "系列")
        elif c.series:
            rep.error("format.manifest", f"{c.content}列不能有“系列”", *where, "列", j, "系列")


def _summary(t: M.SummaryTable, rep: Reporter, where: tuple) -> None:
    _series(rep, t.sources, *where, "资金来源", income=True)
    for j, r in enumerate(t.income):
        _series(rep, r.series, *where, "收入", j, "系列", income=True)
    contents = [c.content for c in t.columns]
    for needed in ("收入项目", "收入金额", "支出项目", "支出金额"):
        if needed not in contents:
            rep.error("format.manifest", f"收支总表的“列”需要“{needed}”列", *where, "列")
    for j, c in enumerate(t.columns):
        if c.content == "支出金额":
            _series(rep, c.series, *where, "列", j, "系列")
    _placeholders(rep, t.spending.label, ("编码", "名称", "序号"), *where, "支出", "标签")
    for j, row in enumerate(t.totals):
        _series(rep, row.income.series, *where, "合计行", j, "收入", "系列", income=True)
        _series(rep, row.spending.series, *where, "合计行", j, "支出", "系列")


def _three(t: M.ThreeTable, rep: Reporter, where: tuple) -> None:
    labels = [j for j, c in enumerate(t.columns) if c.content == "行标题"]
    if len(labels) != 1:
        rep.error("format.manifest", "三公表的“列”需要恰好一个行标题列（内容: 行标题）", *where, "列")
    for axis, items in (("行", t.rows), ("列", t.columns)):
        for j, a in enumerate(items):
            if a.source:
                _series(rep, a.source, *where, axis, j, "资金来源", income=True)
    for i, r in enumerate(t.rows):
        for j, c in enumerate(t.columns):
            if c.content != "金额":
                continue
            for dim in ("item", "kind", "source"):
                if getattr(r, dim) is not None and getattr(c, dim) is not None:
                    name = {"item": "项目", "kind": "支出类型", "source": "资金来源"}[dim]
                    rep.error("format.manifest", f"第 {i + 1} 行和第 {j + 1} 列都指定了“{name}”：每格的项目、支出类型、资金来源只能由行或列之一指定",
                              *where, "行", i)
                    return


def _list(t: M.ListTable, rep: Reporter, where: tuple) -> None:
    fields = FIELDS[t.dataset]
    for j, c in enumerate(t.columns):
        kind = field_kind(t.dataset, c.field)
        if kind is None:
            rep.error("format.field", f"数据“{t.dataset}”没有字段“{c.field}”{_guess(c.field, fields)}（可用的字段：{'、'.join(fields)}）",
                      *where, "列", j, "字段")
            continue
        if kind == "列表" and c.field != "资金分配":
            rep.error("format.field", f"字段“{c.field}”是列表，不能印在一格中", *where, "列", j, "字段")
        if c.source is not None:
            if kind != "金额":
                rep.error("format.field", f"“资金来源”只能用于金额字段，“{c.field}”不是金额", *where, "列", j, "资金来源")
            _series(rep, c.source, *where, "列", j, "资金来源", income=True)
        if c.split and c.field != "功能分类编码":
            rep.error("format.field", "“分列”只能用于编码字段“功能分类编码”", *where, "列", j, "分列")
    if t.rows and t.dataset != "固定资产":
        rep.error("format.manifest", "“行”只能用于数据“固定资产”（按键挑选行）", *where, "行")
    for j, r in enumerate(t.rows):
        from ..figures.datasets import ASSET_KEYS
        if r.key not in ASSET_KEYS:
            rep.error("format.field", f"固定资产没有键“{r.key}”{_guess(r.key, ASSET_KEYS)}（可用：{'、'.join(ASSET_KEYS)}）",
                      *where, "行", j, "键")
    if t.group and t.dataset != "项目":
        rep.error("format.manifest", "“分组”只能用于数据“项目”", *where, "分组")


def _form(t: M.FormTable, rep: Reporter, where: tuple) -> None:
    fields = FIELDS[t.dataset]
    if t.seq or t.column_numbers != "无":
        rep.error("format.manifest", "表单不能有“序号”或“栏次”", *where)
    for i, row in enumerate(t.rows):
        for j, c in enumerate(row):
            _form_cell(rep, c, t.dataset, fields, *where, "行", i, j)
    widths = _grid_width(t.rows)
    if widths and len(set(widths)) > 1:
        odd = next(i for i, w in enumerate(widths) if w != widths[0])
        rep.error("format.grid", f"表单各行的列数（含跨列、跨行）应相同：第 1 行是 {widths[0]} 列，第 {odd + 1} 行是 {widths[odd]} 列"
                  f"（各行依次是 {'、'.join(map(str, widths))}）", *where, "行", odd)
    if t.indicators is not None:
        for j, c in enumerate(t.indicators.columns):
            if c.field is None or c.field not in INDICATOR_FIELDS:
                rep.error("format.field", f"指标列的“字段”应为以下之一：{'、'.join(INDICATOR_FIELDS)}，实际是{describe(c.field)}",
                          *where, "指标", "列", j)
            if c.rowspan > 1:
                rep.error("format.field", "指标列不能“跨行”（相同的一级、二级指标由“合并”自动合并）", *where, "指标", "列", j)
        width = sum(c.colspan for c in t.indicators.columns)
        if widths and width != widths[0]:
            rep.error("format.grid", f"指标行的列数应与表单相同（{widths[0]}），实际是 {width}", *where, "指标", "列")


def _form_cell(rep: Reporter, c: M.FormCell, dataset: str, fields: Iterable[str], *where: Any) -> None:
    given = [k for k in ("label", "text", "field") if getattr(c, k) is not None]
    if len(given) != 1:
        rep.error("format.manifest", "表单的每格应写“标签”“文字”“字段”之一", *where)
        return
    if c.field is not None:
        kind = field_kind(dataset, c.field)
        if kind is None:
            rep.error("format.field", f"数据“{dataset}”没有字段“{c.field}”{_guess(c.field, fields)}", *where, "字段")
        elif kind == "列表" and c.field != "资金分配":
            rep.error("format.field", f"字段“{c.field}”是列表，不能印在一格中", *where, "字段")
    text = c.label if c.label is not None else c.text
    if text is not None:
        _placeholders(rep, text, PLACEHOLDERS, *where)


def structural_model(exc: ValidationError, rep: Reporter, root: type[BaseModel], rule: str) -> None:
    """Pydantic errors of a side file (typography) at their YAML positions."""
    seen: set[tuple] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        if loc and isinstance(loc[-1], str) and loc[-1].endswith("[key]"):
            loc = loc[:-1]
        if loc in seen:
            continue
        seen.add(loc)
        if err["type"] == "value_error":
            rep.error(rule, str(err.get("ctx", {}).get("error", err["msg"])), *loc)
            continue
        if err["type"] == "literal_error" and len(loc) >= 2 and loc[0] == "样式":
            rep.error(rule, f"未知的样式“{loc[1]}”{_guess(str(loc[1]), __import__('generator.formats.typography', fromlist=['x']).STYLE_KEYS)}", *loc)
            continue
        _, message = translate(err, root)
        rep.error(rule, message, *loc)
