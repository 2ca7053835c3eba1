"""The YAML field reference (Chinese Markdown), generated from the model's descriptions."""

from __future__ import annotations

import types
import typing
from decimal import Decimal

from pydantic import BaseModel

from .model import CodeLevels, Department, EntryKeys

TYPE_NAMES = {str: "文字", int: "整数", bool: "是/否", Decimal: "数"}


def type_name(tp, annotated=None) -> str:
    """The Chinese name of a model field's type, for the generated references (the YAML
    fields here, the format keys in generator/formats/reference.py). ``annotated(base,
    metadata)`` may name an ``Annotated`` type; when it returns None the base type is named."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    name = lambda t: type_name(t, annotated)  # noqa: E731
    if origin is typing.Annotated:
        return (annotated(args[0], args[1:]) if annotated else None) or name(args[0])
    if origin is typing.Literal:
        return f"“{args[0]}”" if len(args) == 1 else "“" + "”/“".join(str(a) for a in args) + "”之一"
    if origin in (typing.Union, types.UnionType):
        return " 或 ".join(dict.fromkeys(name(a) for a in args if a is not type(None)))
    if origin is list:
        return f"列表（每项：{name(args[0])}）"
    if origin is dict:
        return f"映射（{name(args[0])} → {name(args[1])}）"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "映射（见下）"
    return TYPE_NAMES.get(tp, getattr(tp, "__name__", str(tp)))


def _annotated_field(base, metadata) -> str | None:
    """Department fields: amounts, codes (with their levels), counts, texts, entries."""
    meta = " ".join(m.func.__name__ for m in metadata if hasattr(m, "func"))
    levels = next((m for m in metadata if isinstance(m, CodeLevels)), None)
    entry = next((m for m in metadata if isinstance(m, EntryKeys)), None)
    if entry is not None:
        return "映射（" + "、".join(f"{k}: 文字" for k, _ in entry.keys) + "）"
    if "_amount" in meta:
        return "金额（万元）"
    if "_control_number" in meta:
        return "数（金额、增减额或百分比）"
    if "_code" in meta:
        if levels is None:
            return "科目代码"
        kind = {"function": "功能分类", "economic": "经济分类"}.get(levels.kind, "")
        digits = {"类": 3, "款": 5, "项": 7}
        return f"{kind}代码（" + "/".join(f"{lv} {digits[lv]} 位" for lv in levels.levels) + "）"
    if "_count" in meta:
        return "整数"
    if "_text" in meta:
        return "文字"
    return None


def _type_name(tp) -> str:
    return type_name(tp, _annotated_field)


def _models(model: type[BaseModel], seen: list) -> None:
    if model in seen:
        return
    seen.append(model)
    for f in model.model_fields.values():
        for tp in _walk(f.annotation):
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _models(tp, seen)


def _walk(tp):
    yield tp
    for a in typing.get_args(tp):
        yield from _walk(a)


def _path_names(root: type[BaseModel]) -> dict[type, str]:
    names: dict[type, str] = {root: "（顶层）"}
    queue = [root]
    while queue:
        m = queue.pop(0)
        for n, f in m.model_fields.items():
            for tp in _walk(f.annotation):
                if isinstance(tp, type) and issubclass(tp, BaseModel) and tp not in names:
                    prefix = "" if m is root else names[m] + "."
                    suffix = "[]" if typing.get_origin(f.annotation) is list else ""
                    names[tp] = f"{prefix}{f.alias or n}{suffix}"
                    queue.append(tp)
    return names


def _table(model: type[BaseModel]) -> list[str]:
    out = ["| 键 | 类型 | 必填 | 说明 |", "|---|---|---|---|"]
    for n, f in model.model_fields.items():
        required = "是" if f.is_required() else ""
        desc = (f.description or "").replace("|", "\\|")
        # pydantic keeps a field's own Annotated metadata (validators, code levels) apart
        tp = typing.Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation
        out.append(f"| {f.alias or n} | {_type_name(tp)} | {required} | {desc} |")
    return out


def markdown() -> str:
    from .catalogs.tables import CODE_HEADERS, NAME_HEADERS
    from .project import FILENAME, ProjectSettings

    models: list = []
    _models(Department, models)
    names = _path_names(Department)
    out = ["# 部门 YAML 字段参考", "",
           "本页由 `disclose schema --markdown` 根据程序中的数据模型自动生成，请勿手工修改。", "",
           "同一模型也生成编辑器用的 JSON Schema（`disclose schema -o disclose.schema.json`）。"
           "写错时的提示按规则编号列在 [常见错误](常见错误.md) 中：键名与类型 `schema.*`，金额 `amount.*`，"
           "代码 `code.*`，中文输入法打错的符号 `yaml.syntax.*`，模板占位文字 `starter.placeholder`，"
           "结转后没有更新本年数 `last-year.unchanged`，项目配置 `project.*`，科目补充文件 `catalog.override`。", ""]
    for m in models:
        out += [f"## {names.get(m, m.__name__)}", ""] + _table(m) + [""]
    out += [f"## 项目配置 {FILENAME}", "",
            "写在部门文件所在文件夹或其上级文件夹中，对其下所有部门生效；部门文件自己的设置优先。写错时的规则编号为 `project.*`。", ""]
    out += _table(ProjectSettings) + [""]
    out += ["## 科目补充文件（CSV / XLSX）", "",
            "`设置.科目补充文件` 与项目配置的 `科目补充文件` 可以是从预算系统导出的 CSV（UTF-8 或 GBK）或 XLSX：",
            "", f"- 编码列的表头：{'、'.join(CODE_HEADERS)}（任一）；名称列的表头：{'、'.join(NAME_HEADERS)}（任一）。表头之上的标题行会被跳过。",
            "- 2 开头为支出功能分类，3 开头为部门预算支出经济分类；类/款/项由位数（3/5/7 位）判断。",
            "- 也可以是 YAML：`支出功能分类:` 与 `部门预算支出经济分类:` 之下写 `代码: 名称`。",
            "- 写错时的规则编号为 `catalog.override`，提示给出文件的行号。", ""]
    return "\n".join(out)
