"""The YAML field reference (Chinese Markdown), generated from the model's descriptions."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from .model import CodeLevels, Department, EntryKeys

TYPE_NAMES = {str: "文字", int: "整数", bool: "是/否"}


def _type_name(tp) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        base = args[0]
        meta = " ".join(getattr(m, "func", lambda: None).__name__ for m in args[1:] if hasattr(m, "func"))
        levels = next((m for m in args[1:] if isinstance(m, CodeLevels)), None)
        entry = next((m for m in args[1:] if isinstance(m, EntryKeys)), None)
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
        return _type_name(base)
    if origin is typing.Literal:
        return "“" + "”/“".join(str(a) for a in args) + "”之一"
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " 或 ".join(dict.fromkeys(names))
    if origin is list:
        return f"列表（每项：{_type_name(args[0])}）"
    if origin is dict:
        return f"映射（{_type_name(args[0])} → {_type_name(args[1])}）"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "映射（见下）"
    return TYPE_NAMES.get(tp, getattr(tp, "__name__", str(tp)))


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


def markdown() -> str:
    models: list = []
    _models(Department, models)
    names = _path_names(Department)
    out = ["# 部门 YAML 字段参考", "",
           "本页由 `disclose schema --markdown` 根据程序中的数据模型自动生成，请勿手工修改。", ""]
    for m in models:
        out += [f"## {names.get(m, m.__name__)}", "", "| 键 | 类型 | 必填 | 说明 |", "|---|---|---|---|"]
        for n, f in m.model_fields.items():
            required = "是" if f.is_required() else ""
            desc = (f.description or "").replace("|", "\\|")
            # pydantic keeps a field's own Annotated metadata (validators, code levels) apart
            tp = typing.Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation
            out.append(f"| {f.alias or n} | {_type_name(tp)} | {required} | {desc} |")
        out.append("")
    return "\n".join(out)
