"""Government classification code catalogs (政府收支分类科目).

Two catalogs ship with the package, as YAML under ``catalogs/data/``:

- ``function-<year>.yaml``: 支出功能分类 (类 3 digits / 款 5 / 项 7), one file per
  edition of 财政部《政府收支分类科目》;
- ``economic-<year>.yaml``: 部门预算支出经济分类 (类 3 digits / 款 5).

Each file has the keys ``名称``, ``来源``, ``适用年度起`` and ``科目`` (code → name).
``function_catalog(year)`` / ``economic_catalog(year)`` pick the edition with the
largest 适用年度起 not after ``year`` (the oldest one for earlier years), parse it once
per process, and hand out a private copy on which a finance bureau's or a
department's override files are applied, so nothing leaks between departments.

Override file format (YAML)::

    支出功能分类:
      2013105: 专项业务
    部门预算支出经济分类:
      30242: 办公用品及设备采购
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterator

from ..load.describe import describe
from ..errors import Location, Problem, UserError
import yaml

from ..load.yamlsafe import load_yaml_file, load_yaml_text

__all__ = [
    "BUILTIN",
    "Catalog",
    "ECONOMIC_KEY",
    "FUNCTION_KEY",
    "economic_catalog",
    "editions",
    "function_catalog",
]

BUILTIN = "内置"  # origin of every entry that comes from the shipped data

FUNCTION_KEY = "支出功能分类"  # override-file section for the function catalog
ECONOMIC_KEY = "部门预算支出经济分类"  # override-file section for the economic catalog

_SECTION = {"function": FUNCTION_KEY, "economic": ECONOMIC_KEY}
_LEVELS = {
    "function": {3: "类", 5: "款", 7: "项"},
    "economic": {3: "类", 5: "款"},
}
_RULE = "catalog.override"


def _normalise(code: Any) -> str:
    """A code as text: ints (YAML ``2010101``) become ``"2010101"``; whitespace is trimmed."""
    if isinstance(code, bool):  # bool is an int subclass; never a code
        return str(code)
    if isinstance(code, int):
        return str(code)
    return str(code).strip()


@dataclass
class Catalog:
    """One edition of one catalog, plus any override entries applied to it."""

    kind: str  # "function" or "economic"
    title: str  # 名称
    source: str  # 来源
    edition: int  # 适用年度起
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _origins: dict[str, str] = field(default_factory=dict, repr=False)  # only non-builtin entries
    supplements: tuple[str, ...] = ()  # the override files applied, in order (for “add a line here” hints)

    # -- lookups -----------------------------------------------------------------

    def name(self, code: str) -> str | None:
        """Official (or overridden) name of ``code``; None when the catalog lacks it."""
        return self._names.get(_normalise(code))

    def __contains__(self, code: object) -> bool:
        return _normalise(code) in self._names

    def __iter__(self) -> Iterator[str]:
        """Codes in code order (a 类 is followed by its 款, each 款 by its 项)."""
        return iter(sorted(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def items(self) -> list[tuple[str, str]]:
        return [(code, self._names[code]) for code in self]

    def level(self, code: str) -> str:
        """"类"/"款"/"项" (function) or "类"/"款" (economic), by the code's length."""
        code = _normalise(code)
        levels = _LEVELS[self.kind]
        if not code.isdigit() or not code.isascii() or len(code) not in levels:
            lengths = "、".join(f"{n}位（{lv}）" for n, lv in levels.items())
            raise ValueError(f"{self._label()}科目编码应为{lengths}数字，实际为“{code}”")
        return levels[len(code)]

    def parent(self, code: str) -> str | None:
        """The enclosing code (2013101 → 20131 → 201; 30101 → 301); None for a 类."""
        code = _normalise(code)
        self.level(code)  # validates
        if len(code) == 3:
            return None
        return code[:-2]

    def children(self, code: str) -> list[str]:
        """Codes directly below ``code`` that this catalog has, in code order."""
        code = _normalise(code)
        self.level(code)
        return [c for c in self if len(c) == len(code) + 2 and c.startswith(code)]

    def origin(self, code: str) -> str:
        """``"内置"`` for shipped entries, else the override file that supplied the name."""
        code = _normalise(code)
        if code not in self._names:
            raise KeyError(code)
        return self._origins.get(code, BUILTIN)

    # -- changes -----------------------------------------------------------------

    def add(self, code: str, name: str, origin: str) -> None:
        """Add (or rename) an entry; ``origin`` says where it came from (a file path)."""
        code = _normalise(code)
        self.level(code)
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"科目 {code} 的名称不能为空")
        self._names[code] = name.strip()
        if origin == BUILTIN:
            self._origins.pop(code, None)
        else:
            self._origins[code] = str(origin)

    def copy(self) -> "Catalog":
        return Catalog(self.kind, self.title, self.source, self.edition, dict(self._names), dict(self._origins),
                       self.supplements)

    def _label(self) -> str:
        return _SECTION[self.kind]


# -- built-in data -----------------------------------------------------------------


def _data_files() -> list[tuple[str, str]]:
    """(file name, text) of every shipped catalog file."""
    folder = resources.files(__package__).joinpath("data")
    out = []
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml") and entry.is_file():
            out.append((entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out)


def _parse_builtin(kind: str, filename: str, text: str) -> Catalog:
    # Trusted package data, parsed with libyaml's safe loader when available (10× faster than the
    # position-tracking loader used for user files); tests/test_catalogs.py checks these files with
    # the strict loader (no duplicate keys, no tags).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:  # a packaging bug, not a user error
        raise RuntimeError(f"内置科目目录文件 {filename} 有误：{exc}") from None
    try:
        catalog = Catalog(kind, str(data["名称"]), str(data["来源"]), int(data["适用年度起"]))
        entries = data["科目"]
    except (KeyError, TypeError, ValueError) as exc:
        raise RuntimeError(f"内置科目目录文件 {filename} 缺少或写错了键：{exc}") from None
    for code, name in entries.items():
        catalog.add(_normalise(code), name, BUILTIN)
    return catalog


@functools.lru_cache(maxsize=None)
def _builtin_editions(kind: str) -> tuple[Catalog, ...]:
    """Every shipped edition of ``kind``, oldest first. Parsed once per process."""
    prefix = f"{kind}-"
    catalogs = [_parse_builtin(kind, name, text) for name, text in _data_files() if name.startswith(prefix)]
    if not catalogs:
        raise RuntimeError(f"没有找到内置科目目录（generator/catalogs/data/{prefix}*.yaml）")
    catalogs.sort(key=lambda c: c.edition)
    years = [c.edition for c in catalogs]
    if len(set(years)) != len(years):
        raise RuntimeError(f"内置科目目录 {kind} 有重复的适用年度起：{years}")
    return tuple(catalogs)


def editions(kind: str) -> tuple[int, ...]:
    """适用年度起 of every shipped edition of ``kind`` ("function" or "economic")."""
    return tuple(c.edition for c in _builtin_editions(kind))


def _pick(kind: str, year: int) -> Catalog:
    shipped = _builtin_editions(kind)
    chosen = shipped[0]
    for catalog in shipped:
        if catalog.edition <= year:
            chosen = catalog
    return chosen


# -- overrides ---------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _read_override(path: str, _mtime_ns: int, _size: int) -> tuple[dict[str, tuple[tuple[str, str, Location], ...]], tuple[Problem, ...]]:
    """Parse an override file into {section: ((code, name, location), ...)} plus problems.

    Cached by (path, mtime, size): a batch reuses a finance bureau's file for
    every department without re-reading it, and an edited file is read again.
    A CSV or XLSX file is a 科目 list exported from the budget system (see tables.py).
    """
    if path.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
        from .tables import read_table
        return read_table(path)
    data, marks = load_yaml_file(path)  # raises UserError on bad YAML
    problems: list[Problem] = []

    def loc(*keys: Any) -> Location:
        p = tuple(keys)
        while p:
            if p in marks:
                line, col = marks[p]
                return Location(path, line, col)
            p = p[:-1]
        return Location(path, 1, 1)

    def problem(message: str, *keys: Any) -> None:
        problems.append(Problem(_RULE, message, loc(*keys), field=".".join(str(k) for k in keys)))

    sections: dict[str, tuple[tuple[str, str, Location], ...]] = {}
    allowed = f"“{FUNCTION_KEY}”或“{ECONOMIC_KEY}”"
    if data is None:
        return sections, ()
    if not isinstance(data, dict):
        problem(f"科目覆盖文件的顶层应为映射（键为{allowed}），实际为{describe(data)}")
        return sections, tuple(problems)
    for key, body in data.items():
        if key not in (FUNCTION_KEY, ECONOMIC_KEY):
            problem(f"未知的顶层键“{key}”：科目覆盖文件只允许{allowed}", key)
            continue
        kind = "function" if key == FUNCTION_KEY else "economic"
        lengths = "、".join(f"{n}位（{lv}）" for n, lv in _LEVELS[kind].items())
        if body is None:
            continue
        if not isinstance(body, dict):
            problem(f"“{key}”应为“科目编码: 科目名称”的映射，实际为{describe(body)}", key)
            continue
        entries = []
        for raw_code, name in body.items():
            code = _normalise(raw_code)
            if not (code.isascii() and code.isdigit() and len(code) in _LEVELS[kind]) or isinstance(raw_code, bool):
                problem(f"{key}科目编码应为{lengths}数字，实际为“{code}”", key, raw_code)
                continue
            if not isinstance(name, str) or not name.strip():
                problem(f"{key}科目 {code} 的名称应为非空文字，实际为{describe(name)}", key, raw_code)
                continue
            entries.append((code, name.strip(), loc(key, raw_code)))
        sections[key] = tuple(entries)
    return sections, tuple(problems)


def _apply_overrides(catalog: Catalog, overrides: tuple[str, ...]) -> Catalog:
    section = _SECTION[catalog.kind]
    problems: list[Problem] = []
    added: list[tuple[str, Location]] = []
    catalog.supplements = tuple(os.fspath(p) for p in overrides)
    for path in overrides:
        path = os.fspath(path)
        try:
            st = os.stat(path)
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = (0, 0)  # load_yaml_file reports the unreadable file
        sections, found = _read_override(path, *stamp)
        problems.extend(found)
        for code, name, where in sections.get(section, ()):
            catalog.add(code, name, path)
            added.append((code, where))
    for code, where in added:
        parent = catalog.parent(code)
        if parent is not None and parent not in catalog:
            problems.append(Problem(
                _RULE,
                f"{section}科目 {code} 的上级科目 {parent} 既不在内置目录（{catalog.source}）中，"
                f"也没有在覆盖文件中补充：请一并写出 {parent} 的名称",
                where,
                field=f"{section}.{code}",
            ))
    if problems:
        raise UserError(problems=_dedupe(problems))
    return catalog


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen = set()
    out = []
    for p in problems:
        key = (p.rule, p.message, p.location)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# -- public API --------------------------------------------------------------------


def add_hint(catalog: Catalog, code: str, department_file: str) -> str:
    """Where to add an unknown code, as the exact line to write."""
    section = _SECTION[catalog.kind]
    for path in catalog.supplements:
        low = path.lower()
        if low.endswith((".csv", ".txt")):
            return f"确属本地科目时，在“{path}”末尾加一行：{code},科目名称"
        if low.endswith((".xlsx", ".xlsm")):
            return f"确属本地科目时，在“{path}”中加一行：科目编码 {code}，科目名称照预算系统填写"
        return f"确属本地科目时，在“{path}”的“{section}:”下加一行：  {code}: 科目名称"
    return (f"确属本地科目时，在“{department_file}”的“设置.科目补充.{section}”下加一行：{code}: 科目名称"
            f"（全局统一的补充科目可由财政局写入 disclose.yaml 的“科目补充文件”）")


def function_catalog(year: int, overrides: tuple[str, ...] = ()) -> Catalog:
    """支出功能分类 for budget ``year``, with ``overrides`` (file paths) applied in order."""
    return _apply_overrides(_pick("function", year).copy(), tuple(overrides))


def economic_catalog(year: int, overrides: tuple[str, ...] = ()) -> Catalog:
    """部门预算支出经济分类 for budget ``year``, with ``overrides`` applied in order."""
    return _apply_overrides(_pick("economic", year).copy(), tuple(overrides))
