"""The JSON Schema of a department YAML, for editors (yaml-language-server) and validators
(check-jsonschema), built from the model so that it cannot drift from what ``disclose check`` takes.

Titles are the Chinese keys, descriptions the model's field descriptions. The schema says what
the model says, in the terms an editor sees: values read as YAML 1.2 (``yes`` is text, a date is
text), keys as strings (check-jsonschema) or as the scalars they are (yaml-language-server).

- A code is an integer or a string of digits (``2013101`` and ``"2013101"`` are the same code),
  with the length of its level: 7 digits where the rules require a 功能分类 “项”, 5 for a 经济分类
  “款”, 3/5/7 where any level is allowed. Codes that are mapping keys are checked by
  ``propertyNames`` with the same schema: check-jsonschema gives a key as a string,
  yaml-language-server as the scalar it is (``30101:`` is a number).
- An amount is a number (never a string: “8.50万元”, “abc” and a quoted “271.11” are refused as by
  ``disclose check``), not negative, below 10¹², with at most two decimals — see ``AMOUNT_STEPS``.
- Every object forbids unknown keys, as the model does (``extra="forbid"``).

Only keywords that draft-07 already has are used (plus ``$defs`` as a plain JSON pointer), so an
older yaml-language-server applies the schema too. ``errorMessage``/``patternErrorMessage`` are
yaml-language-server's own keywords for Chinese messages; other validators ignore them.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from typing import Any

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .model import CodeLevels, Department, EntryKeys

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DIGITS = {"类": 3, "款": 5, "项": 7}
LABELS = {"function": "支出功能分类", "economic": "部门预算支出经济分类", "any": "科目"}
EXAMPLES = {("function", "项"): "2013101", ("function", "款"): "20131", ("function", "类"): "201",
            ("economic", "款"): "30101", ("economic", "类"): "301", ("any", "项"): "2013101",
            ("any", "款"): "30101", ("any", "类"): "301"}
SCHEMA_TITLE = "部门预算公开 YAML（disclose）"
MAX_AMOUNT = 10**12  # the model refuses |amount| ≥ 10¹² (金额过大)

# “At most two decimals”. ``multipleOf: 0.01`` alone is exact in yaml-language-server (it compares
# decimal digits) but not in Python's jsonschema (check-jsonschema), which tests
# ``int(x / 0.01) == x / 0.01`` in binary floating point: 0.07 / 0.01 is 7.000000000000001, so
# about a third of all two-decimal amounts (0.07, 0.14, 57.91 …) would be false errors.
# A number with at most two decimals is a multiple of 1/(100·n) for every n; for n prime to 10 a
# number with a third decimal digit is a multiple of none of them. Each quotient x / (1/(100·n))
# is rounded on its own, so a two-decimal x is refused only if all eight roundings miss: none
# does for any amount from 0 to 999 999.99 (all of them checked) nor for 3·10⁸ random amounts up to
# 10¹² (tools/check_amount_steps.py; tests/test_schema.py runs check-jsonschema itself on a sample
# that includes the amounts 0.01 alone refuses). A third decimal keeps every quotient ≥ 0.1 from
# an integer, so such an amount is refused below 10¹¹ (above, float precision blurs it; `disclose
# check` still refuses it). yaml-language-server passes two-decimal amounts on the first step.
AMOUNT_STEPS = tuple(1 / (100 * n) for n in (1, 3, 7, 9, 11, 13, 17, 19))
AMOUNT_REF = "#/$defs/金额"
OPTIONAL_AMOUNT_REF = "#/$defs/金额或空"
CONTROL_REF = "#/$defs/核对值"

TEXT = {"type": ["string", "number"]}  # the model takes a number where text is expected (部门编码: 123)
# what pydantic reads as yes/no: YAML 1.1 booleans (true in PyYAML, text in YAML 1.2), 0 and 1
BOOL = {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]},
                  {"type": "string", "pattern": "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy]([Ee][Ss])?|[Nn][Oo]?"
                                                "|[Oo]([Nn]|[Ff][Ff])|[TtFf]|[01])$"}],
        "errorMessage": "应为 true（是）或 false（否）"}


def amount_schema(optional: bool = False) -> dict[str, Any]:
    return {
        "title": "金额",
        "description": "金额：数字（不写单位、不加引号），不能为负数，最多两位小数；单位由“金额单位”规定（默认万元）"
                       + ("；可以不填" if optional else ""),
        "type": ["number", "null"] if optional else "number",
        "minimum": 0,
        "exclusiveMaximum": MAX_AMOUNT,
        "anyOf": [{"multipleOf": step} for step in AMOUNT_STEPS],
        "errorMessage": "金额应为数字（不写单位、不加引号），如 271.11",
    }


def control_value_schema() -> dict[str, Any]:
    """A 核对数 as printed: an amount, or a signed change or percentage (the model's _control_number)."""
    return {
        "title": "核对值",
        "description": "抄来的数：金额、增减额（减少写负数）或增减百分比（只写数字），最多两位小数",
        "type": "number",
        "exclusiveMinimum": -MAX_AMOUNT,
        "exclusiveMaximum": MAX_AMOUNT,
        "anyOf": [{"multipleOf": step} for step in AMOUNT_STEPS],
        "errorMessage": "核对数应为数字（不写单位、不加引号、不写 %），如 271.11 或 -13.63",
    }


def code_schema(levels: CodeLevels) -> dict[str, Any]:
    """A code as a value (integer or string) or as a key (string)."""
    label = LABELS[levels.kind]
    lengths = [DIGITS[lv] for lv in levels.levels]
    alternatives = "|".join(f"[0-9]{{{n}}}" for n in lengths)
    pattern = f"^\\s*({alternatives})\\s*$" if len(lengths) > 1 else f"^\\s*[0-9]{{{lengths[0]}}}\\s*$"
    what = "/".join(f"“{lv}”" for lv in levels.levels)
    digits = "、".join(str(n) for n in lengths)
    example = EXAMPLES[(levels.kind, levels.levels[-1])]
    message = f"应为{label}{what}级代码（{digits} 位数字），如 {example}"
    schema: dict[str, Any] = {"type": ["integer", "string"], "pattern": pattern}
    ranges = [{"minimum": 10 ** (n - 1), "maximum": 10**n - 1} for n in lengths]
    if len(ranges) == 1:
        schema.update(ranges[0])
    else:
        schema["anyOf"] = ranges
    schema["errorMessage"] = message
    schema["patternErrorMessage"] = message
    return schema


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null, without an ``anyOf`` (so that a validator names the real mistake: the
    keywords for numbers and objects pass a null, only the type needs widening)."""
    if schema.get("$ref") == AMOUNT_REF:
        return {"$ref": OPTIONAL_AMOUNT_REF}
    out = dict(schema)
    types_ = out["type"] if isinstance(out["type"], list) else [out["type"]]
    out["type"] = [*types_, "null"]
    return out


def _strip_annotated(tp: Any) -> tuple[Any, list[Any]]:
    meta: list[Any] = []
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp, meta = args[0], meta + list(args[1:])
    return tp, meta


def _validator_names(meta: list[Any]) -> set[str]:
    return {getattr(getattr(m, "func", None), "__name__", "") for m in meta}


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def type_schema(tp: Any, meta: list[Any] | None = None, key: str = "") -> dict[str, Any]:
    """The schema of one annotation (without title/description); ``key`` names the field, for the
    descriptions of the named keys of a mapping."""
    tp, more = _strip_annotated(tp)
    meta = list(meta or []) + more
    levels = next((m for m in meta if isinstance(m, CodeLevels)), None)
    entry = next((m for m in meta if isinstance(m, EntryKeys)), None)
    names = _validator_names(meta)
    if tp is None or tp is type(None):
        return {"type": "null"}
    if "_amount" in names:
        return {"$ref": AMOUNT_REF}
    if "_control_number" in names:
        return {"$ref": CONTROL_REF}
    if "_code" in names:
        return code_schema(levels or CodeLevels("any", ("类", "款", "项")))
    if "_text" in names:
        return dict(TEXT)
    if "_count" in names:
        out: dict[str, Any] = {"type": "integer", "errorMessage": "应为整数"}
        for m in meta:
            if isinstance(m, Ge):
                out["minimum"] = m.ge
            if isinstance(m, Le):
                out["maximum"] = m.le
        return out
    if tp is bool:
        return dict(BOOL)
    if tp is str:
        return {"type": "string"}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return {"enum": list(args)}
    if _is_union(tp):
        options = [a for a in args if a is not type(None)]
        alts = [type_schema(a, meta, key=key) for a in options]  # a field's ge/le hold for its one type
        if type(None) in args:  # “not given”: null is allowed beside the one type
            if len(alts) == 1:
                return _or_null(alts[0])
            alts.append({"type": "null"})
        return alts[0] if len(alts) == 1 else {"anyOf": alts}
    if origin is list:
        return {"type": "array", "items": type_schema(args[0], key=key)}
    if origin is dict:
        key_tp, value_tp = args
        if entry is not None:
            value = type_schema(value_tp)
            return {"type": "object",
                    "properties": {k: {"title": k, "description": d, **value} for k, d in entry.keys},
                    "required": [k for k, _ in entry.keys], "additionalProperties": False}
        key_plain, key_meta = _strip_annotated(key_tp)
        value = type_schema(value_tp)
        if typing.get_origin(key_plain) is typing.Literal:  # named keys: spelled out, so an editor completes them
            return {"type": "object",
                    "properties": {k: {"title": k, "description": f"{key}：{k}" if key else k, **value}
                                   for k in typing.get_args(key_plain)},
                    "additionalProperties": False}
        out = {"type": "object", "additionalProperties": value}
        if "_code" in _validator_names(key_meta):
            # a key reaches check-jsonschema as a string, yaml-language-server as the number it is
            out["propertyNames"] = type_schema(key_tp)
        return out
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return model_schema(tp)
    raise TypeError(f"no JSON Schema for {tp!r}")  # a new kind of field: teach this function


def _default(f: FieldInfo) -> Any:
    value = f.default
    if isinstance(value, bool) or isinstance(value, (int, str)) and value != "":
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return None


def field_schema(name: str, f: FieldInfo) -> dict[str, Any]:
    key = f.alias or name
    schema: dict[str, Any] = {"title": key, "description": f.description or key}
    schema.update(type_schema(f.annotation, list(f.metadata), key=key))
    default = _default(f)
    if default is not None and not f.is_required():
        schema["default"] = default
    return schema


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    props = {f.alias or n: field_schema(n, f) for n, f in model.model_fields.items()}
    out: dict[str, Any] = {"type": "object", "properties": props}
    required = [f.alias or n for n, f in model.model_fields.items() if f.is_required()]
    if required:
        out["required"] = required
    if model.model_config.get("extra") == "forbid":
        out["additionalProperties"] = False
    return out


def department_schema() -> dict[str, Any]:
    body = model_schema(Department)
    return {
        "$schema": DIALECT,
        "title": SCHEMA_TITLE,
        "description": "disclose 部门预算数据文件：只写叶子数据，合计、占比、增减由程序推导。由 disclose schema 生成。",
        **body,
        "$defs": {"金额": amount_schema(), "金额或空": amount_schema(optional=True), "核对值": control_value_schema()},
    }
