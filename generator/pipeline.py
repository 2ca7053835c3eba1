"""load → figures → checks → document → renderers, for one department."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .catalogs import economic_catalog, function_catalog
from .checks import missing_for_format
from .checks.rules import Context, run_checks
from .errors import Location, Problem, Severity, UserError
from .figures import Figures, derive
from .formats import Format, get_format
from .load.department import Loaded, load_department


@dataclass
class Checked:
    loaded: Loaded
    fig: Figures | None = None
    fmt: Format | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def _catalogs(loaded: Loaded) -> tuple:
    dept = loaded.model
    assert dept is not None
    base = loaded.path.parent
    files = tuple(str((base / f).resolve()) for f in dept.settings.catalog_files)
    fcat = function_catalog(dept.year, files)
    ecat = economic_catalog(dept.year, files)
    author: dict[str, set[str]] = {"function": set(), "economic": set()}
    extra = dept.settings.extra_codes
    if extra:
        fcat, ecat = fcat.copy(), ecat.copy()
        for kind, cat, key in (("function", fcat, "支出功能分类"), ("economic", ecat, "部门预算支出经济分类")):
            for code, name in extra.get(key, {}).items():  # type: ignore[call-overload]
                if code not in cat:
                    cat.add(code, name, str(loaded.path))
                    author[kind].add(code)
    return fcat, ecat, author


def _last_year_figures(loaded: Loaded, problems: list[Problem], depth: int) -> dict[str, Decimal]:
    dept = loaded.model
    assert dept is not None
    if not dept.last_year.file:
        return {}
    path = (loaded.path.parent / dept.last_year.file).resolve()
    where = loaded.loc("上年", "文件")
    if depth > 0:
        return {}
    if not path.is_file():
        problems.append(Problem("last-year.file", f"找不到上年文件“{dept.last_year.file}”（{path}）", where))
        return {}
    prev = check_file(path, depth=depth + 1)
    # last year's file only has to be valid data; what a print format needs is not asked of it
    errors = [p for p in prev.errors if not p.rule.startswith("format.")]
    if errors or prev.fig is None:
        problems.append(Problem("last-year.invalid", f"上年文件“{dept.last_year.file}”有 {len(errors)} 个错误，未能取得上年数（先运行 disclose check 检查该文件）", where))
        return {}
    if prev.fig.dept.year != dept.year - 1:
        problems.append(Problem("last-year.year", f"上年文件的年度应为 {dept.year - 1}，实际是 {prev.fig.dept.year}", where))
    figures = prev.fig.current()
    for name, item in prev.fig.three_public_items().items():
        figures[f"三公.{name}"] = prev.fig.item_total(item)
    return figures


def check_file(path: str | Path, format_name: str | None = None, templates: Path | None = None,
               strict: bool = False, depth: int = 0) -> Checked:
    """Every problem of one department file, at once. Never raises for bad input."""
    loaded = load_department(path)
    checked = Checked(loaded, problems=list(loaded.problems))
    if loaded.model is None:
        return checked
    try:
        fcat, ecat, author = _catalogs(loaded)
    except UserError as exc:
        checked.problems.extend(exc.problems or [Problem("catalog", str(exc), loaded.loc("设置"))])
        return checked
    last = _last_year_figures(loaded, checked.problems, depth)
    dept = loaded.model
    # three-public last-year values from last year's file when not written inline
    for name, item in dept.three_public.items():
        if item.last_year is None and f"三公.{name}" in last:
            item.last_year = last[f"三公.{name}"]
    fig = derive(dept, fcat, ecat, last)
    checked.fig = fig
    checked.problems.extend(run_checks(Context(loaded, fig, author)))
    name = format_name or dept.format
    try:
        checked.fmt = get_format(name, templates)
    except UserError as exc:
        where = loaded.loc("格式") if not format_name else Location(str(loaded.path))
        checked.problems.append(Problem("format.unknown", str(exc.args[0]) if exc.args else "未知格式", where))
    if checked.fmt is not None:
        checked.problems.extend(missing_for_format(loaded, checked.fmt))
    if strict:
        checked.problems = [p.as_error() for p in checked.problems]
    checked.problems.sort(key=lambda p: (p.location.file, p.location.line, p.location.col))
    return checked
