"""What a format needs that the YAML lacks: ``disclose check --format NAME``.

A format's manifest lists, under ``需要字段``, the fields it prints beyond the
common core, as paths such as ``概况.人员`` or ``项目[].资金支出计划`` (``[]``: every
item of the list). A field is missing when absent or empty in the YAML.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..errors import Problem
from ..formats import Format
from ..load.department import Loaded


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


def _walk(data: Any, parts: list[str], path: tuple) -> Iterator[tuple[tuple, tuple, Any]]:
    """Yield (path of the deepest existing parent, full path, value or None) per target."""
    if not parts:
        yield path, path, data
        return
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        key = head[:-2]
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            yield path, path + (key,), None
            return
        for i, item in enumerate(items):
            yield from _walk(item, rest, path + (key, i))
        return
    if not isinstance(data, dict) or head not in data:
        yield path, path + (head,), None
        return
    yield from _walk(data[head], rest, path + (head,))


def _label(loaded: Loaded, path: tuple) -> str:
    # name the list item: 项目“车辆保险费”
    raw = loaded.raw
    out = []
    cur = raw
    for part in path:
        if isinstance(part, int) and isinstance(cur, list) and part < len(cur):
            item = cur[part]
            name = item.get("名称") if isinstance(item, dict) else None
            out.append(f"“{name}”" if name else f"第 {part + 1} 项")
        elif not isinstance(part, int):
            out.append(("." if out else "") + str(part))
        cur = cur[part] if isinstance(cur, (dict, list)) and (isinstance(part, int) or part in cur) else None
    return "".join(out)


def missing_for_format(loaded: Loaded, fmt: Format) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(loaded.raw, dict):
        return problems
    last = loaded.raw.get("上年")
    has_last_file = isinstance(last, dict) and bool(last.get("文件"))
    for entry in fmt.requires:
        spec = entry["字段"] if isinstance(entry, dict) else str(entry)
        why = entry.get("用于", "") if isinstance(entry, dict) else ""
        if has_last_file and (spec.startswith("上年.") or spec.endswith(".上年")):
            continue  # last year's figures come from last year's file (its problems are reported there)
        for parent, full, value in _walk(loaded.raw, spec.split("."), ()):
            if _empty(value):
                where = _label(loaded, full)
                head, _, tail = where.rpartition(".")
                what = f"{head}的“{tail}”" if "“" in head else f"“{where}”"
                use = f"，用于{why}" if why else ""
                problems.append(loaded.problem(
                    "format.missing-field",
                    f"格式“{fmt.name}”需要{what}{use}，此处没有填写", *parent))
    return problems
