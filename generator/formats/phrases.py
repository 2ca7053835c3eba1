"""Fixed phrases (``phrases.yaml``): the words the program puts inside sentences.

The shared base ``templates/_base/phrases.yaml`` lists every phrase with its
placeholders; a format's own ``phrases.yaml`` overrides any of them (same keys;
an unknown key is an error with did-you-mean). Placeholders are filled by plain
replacement (:func:`fill`) — never evaluated — so a value can't inject anything.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Mapping

from ..errors import Location, Problem
from ..load.describe import describe
from ..load.yamlsafe import load_yaml_text, locate
from .files import read_text

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Replace ``{name}`` for the names in ``values``; other braces stay as written."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


class Phrases:
    """Nested phrase lookup: ``phrases["增减"]["增加"]`` or ``phrases.get("增减.增加")``."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            node = node[part]
        return node

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def as_dict(self) -> dict[str, Any]:
        return self.data


def _base_dir() -> Path:
    from . import builtin_templates_dir
    return builtin_templates_dir() / "_base"


def _merge(base: dict[str, Any], over: Any, path: tuple, marks: dict, file: Path, problems: list[Problem]) -> dict[str, Any]:
    def loc(p: tuple) -> Location:
        return locate(marks, file, p)

    out = dict(base)
    if not isinstance(over, dict):
        problems.append(Problem("format.phrases", f"应为映射（键: 值），实际是{describe(over)}", loc(path)))
        return out
    for key, value in over.items():
        here = path + (key,)
        if key not in base:
            guess = difflib.get_close_matches(str(key), list(base), n=1, cutoff=0.4)
            hint = f"；您是不是想写“{guess[0]}”？" if guess else ""
            problems.append(Problem("format.phrases", f"未知的固定文字“{key}”{hint}（可用：{'、'.join(base)}）", loc(here)))
            continue
        want = base[key]
        if isinstance(want, dict):
            out[key] = _merge(want, value, here, marks, file, problems)
        elif isinstance(want, bool):
            if not isinstance(value, bool):
                problems.append(Problem("format.phrases", f"“{key}”应为是/否（true/false），实际是{describe(value)}", loc(here)))
            else:
                out[key] = value
        elif not isinstance(value, str):
            problems.append(Problem("format.phrases", f"“{key}”应为文字，实际是{describe(value)}", loc(here)))
        else:
            allowed = set(_PLACEHOLDER.findall(want))
            unknown = [n for n in _PLACEHOLDER.findall(value) if n not in allowed]
            if unknown:
                problems.append(Problem("format.placeholder",
                                        f"“{key}”中有未知的占位符“{{{unknown[0]}}}”（此处可用：{'、'.join('{' + a + '}' for a in sorted(allowed)) or '无'}）",
                                        loc(here)))
            else:
                out[key] = value
    return out


def _load_base() -> dict[str, Any]:
    base = _base_dir()
    text = read_text(base, "phrases.yaml")
    data, _, problems = load_yaml_text(text or "", str(base / "phrases.yaml"))
    if problems or not isinstance(data, dict):
        raise RuntimeError(f"built-in phrases are broken: {problems}")
    return data


def load_phrases(folder: Path, spec) -> tuple[Phrases, list[Problem]]:
    base = _load_base()
    text = read_text(folder, spec.phrases, missing_ok=True)
    if text is None:
        return Phrases(base), []
    file = folder / spec.phrases
    data, marks, problems = load_yaml_text(text, str(file))
    if problems:
        return Phrases(base), problems
    if data is None:
        return Phrases(base), []
    problems = []
    merged = _merge(base, data, (), marks, file, problems)
    return Phrases(merged), problems
