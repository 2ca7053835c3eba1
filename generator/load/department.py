"""YAML file → validated ``Department`` model, or every problem at file:line:col."""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Location, Problem, Severity
from ..model import Department
from .describe import describe as _found
from .files import read_regular
from .yamlsafe import MAX_BYTES, Marks, format_path, load_yaml_bytes, locate, slip_problem


@dataclass
class Loaded:
    """A department as loaded: the model (None when invalid), positions and problems."""

    path: Path
    model: Department | None
    marks: Marks
    problems: list[Problem] = field(default_factory=list)
    raw: Any = None

    def loc(self, *path: Any) -> Location:
        """Best position for a path: the deepest prefix that has a mark."""
        return locate(self.marks, self.path, path)

    def problem(self, rule: str, message: str, *path: Any, severity: Severity = Severity.ERROR) -> Problem:
        return Problem(rule, message, self.loc(*path), severity, format_path(tuple(path)))


_RULES = {
    "extra_forbidden": "schema.unknown-key",
    "invalid_key": "schema.unknown-key",  # a number as a key where only named keys are allowed
    "missing": "schema.missing",
    "literal_error": "schema.choice",
    "amount.type": "amount.type",
    "amount.negative": "amount.negative",
    "amount.decimals": "amount.decimals",
    "amount.too-large": "amount.too-large",
    "code.format": "code.format",
    "code.type": "code.format",
    "glossary.keys": "glossary.keys",
}


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """Follow ``loc`` (aliases, indexes, dict keys) through the model's annotations."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fld = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
            if fld is None:
                return None
            current = fld.annotation
            continue
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        if origin in (list, dict) and args:
            current = args[-1]
            continue
        return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if models:
                tp = models[0]
                continue
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _aliases(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _expected(err: dict) -> str:
    t = err["type"]
    return {
        "dict_type": "映射（键: 值）",
        "model_type": "映射（键: 值）",
        "model_attributes_type": "映射（键: 值）",
        "list_type": "列表（每项以“- ”开头）",
        "string_type": "文字",
        "int_type": "整数",
        "int_parsing": "整数",
        "bool_type": "是/否（true/false）",
        "bool_parsing": "是/否（true/false）",
        "greater_than_equal": f"不小于 {err.get('ctx', {}).get('ge')} 的数",
        "less_than_equal": f"不大于 {err.get('ctx', {}).get('le')} 的数",
    }.get(t, "")


def translate(err: dict, root: type[BaseModel]) -> tuple[str, str]:
    """(rule id, Chinese message) for one pydantic error."""
    t = err["type"]
    loc = tuple(err["loc"])
    rule = _RULES.get(t, "schema.type")
    if t in ("extra_forbidden", "invalid_key"):
        key = str(loc[-1])
        parent = _model_at(root, loc[:-1])
        allowed = _aliases(parent) if parent else []
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.3)
        hint = f"；您是不是想写“{guess[0]}”？" if guess else ""
        allowed_text = f"此处可用的键：{'、'.join(allowed)}" if allowed else ""
        return rule, f"未知的键“{key}”{hint}（{allowed_text}）" if allowed_text else f"未知的键“{key}”{hint}"
    if t == "missing":
        return rule, f"缺少必填项“{loc[-1]}”"
    if t == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        expected = expected.replace("'", "").replace(" or ", "、").replace(", ", "、")
        found = err.get("input")
        guess = difflib.get_close_matches(str(found), expected.split("、"), n=1, cutoff=0.5) if isinstance(found, str) else []
        hint = f"；您是不是想写“{guess[0]}”？" if guess else ""
        return rule, f"应为以下之一：{expected}；实际是{_found(found)}{hint}"
    if t.startswith(("amount.", "code.", "text.", "count.", "glossary.")):
        return rule, err["msg"]
    if t == "union_tag_invalid" or t.endswith("_type") or t.endswith("_parsing") or t in ("greater_than_equal", "less_than_equal"):
        exp = _expected(err)
        if exp:
            return rule, f"应为{exp}，实际是{_found(err.get('input'))}"
    return rule, f"{err['msg']}（实际是{_found(err.get('input'))}）"


def _map_dict_key_loc(loc: tuple) -> tuple:
    # pydantic reports bad dict keys as (..., "key", "[key]"); the mark is at the key itself
    if loc and isinstance(loc[-1], str) and loc[-1].endswith("[key]"):
        return loc[:-1]
    return loc


_NUMBER = re.compile(r"^\s*[-+]?[0-9]+(\.[0-9]+)?\s*$")
_FULLWIDTH_DIGITS = re.compile(r"[０-９．－]")
_TO_HALF = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def _quoted(path: tuple, marks: Marks) -> bool:
    quoted = getattr(marks, "quoted", set())
    if path in quoted:
        return True
    # pydantic names dict keys as written; marks may hold the int form of a code
    alt = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in path)
    return alt in quoted


def _hint(err: dict, path: tuple, marks: Marks, message: str) -> str:
    """Name the keyboard slip behind a type error: a number in quotes, full-width digits."""
    found = err.get("input")
    if not isinstance(found, str) or not err["type"].startswith(("amount.", "count.", "code.", "int_", "greater", "less")):
        return message
    if _NUMBER.match(found) and _quoted(path, marks):
        return f"应为数字，实际是加了引号的文字“{found}”：请去掉引号，直接写 {found.strip()}"
    if _FULLWIDTH_DIGITS.search(found) and "半角" not in message:
        return f"{message}（含全角数字，请切换到半角输入，写成 {found.translate(_TO_HALF)}）"
    return message


def _slip(err: dict, path: tuple, loaded: "Loaded") -> Problem | None:
    """An unknown key that is really “键：值” typed with a full-width colon."""
    if err["type"] not in ("extra_forbidden", "invalid_key") or not path:
        return None
    key = path[-1]
    if not isinstance(key, str) or "：" not in key or path not in loaded.marks:
        return None
    line, col = loaded.marks[path]
    return slip_problem("fullwidth-colon", str(loaded.path), line, col + key.index("："))


def validate(data: Any, path: Path, marks: Marks) -> Loaded:
    loaded = Loaded(path, None, marks, raw=data)
    if data is None:
        loaded.problems.append(Problem("schema.empty", "文件是空的：应包含部门预算数据（可用 disclose new 生成模板）", Location(str(path), 1, 1)))
        return loaded
    if not isinstance(data, dict):
        loaded.problems.append(Problem("schema.type", f"文件顶层应为映射（键: 值），实际是{_found(data)}", Location(str(path), 1, 1)))
        return loaded
    unit = data.get("金额单位", "万元")
    context: dict[str, Any] = {"unit": unit if unit in ("万元", "元") else "万元"}
    try:
        loaded.model = Department.model_validate(data, context=context)
    except ValidationError as exc:
        seen = set()
        for err in exc.errors():
            loc = _map_dict_key_loc(tuple(err["loc"]))
            # unions report one error per branch; keep the first per location
            branchless = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "list[str]", "function-before[_text(), str]"))))
            if branchless in seen:
                continue
            seen.add(branchless)
            rule, message = translate(err, Department)
            slip = _slip(err, branchless, loaded)
            if slip is not None:
                loaded.problems.append(slip)
                continue
            message = _hint(err, branchless, marks, message)
            loaded.problems.append(loaded.problem(rule, message, *branchless))
    diffs = context.get("rounding") or []
    if loaded.model is not None and diffs:
        total = sum(diffs, Decimal(0))
        loaded.problems.append(loaded.problem(
            "amount.yuan-rounding",
            f"金额以元填写，已将 {len(diffs)} 个金额逐项四舍五入到万元；舍入差额合计 {total:.2f} 元",
            "金额单位", severity=Severity.WARNING))
    return loaded


def load_department(path: str | Path, raw: bytes | None = None) -> Loaded:
    """Read (or take ``raw``), parse and validate one department file. Never raises for bad input."""
    path = Path(path)
    if raw is None:
        raw, problem = read_regular(path, "文件", Location(str(path)), limit=MAX_BYTES + 1, rule="file.read")
        if problem is not None:
            return Loaded(path, None, Marks(), [problem])
    data, marks, problems = load_yaml_bytes(raw, str(path))
    if problems:
        return Loaded(path, None, marks, problems, raw=data)
    return validate(data, path, marks)
