"""load → figures → checks → document → renderers, for one department."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .catalogs import economic_catalog, function_catalog
from .checks import missing_for_format
from .checks.rules import Context, run_checks
from .errors import HasProblems, Location, Problem, Severity, UserError
from .figures import Figures, derive
from .formats import Format, get_format
from .load.department import Loaded, load_department
from .load.files import confine
from .project import Project, load_project


@dataclass
class Checked(HasProblems):
    loaded: Loaded
    fig: Figures | None = None
    fmt: Format | None = None
    problems: list[Problem] = field(default_factory=list)
    project: Project | None = None
    inputs: list[Path] = field(default_factory=list)  # every file the result depends on (fingerprint)

    @property
    def ok(self) -> bool:
        return not self.errors


def _roots(loaded: Loaded, project: Project | None) -> list[Path]:
    """Folders that the files a department names may live in."""
    roots = [loaded.path.parent]
    if project is not None:
        roots.append(project.folder)
    return roots


def _supplement_files(loaded: Loaded, project: Project | None, problems: list[Problem]) -> list[Path]:
    """The project's catalog files, then the department's: confined, in that order."""
    dept = loaded.model
    assert dept is not None
    files: list[Path] = []
    if project is not None and project.settings is not None:
        for i, name in enumerate(project.settings.catalog_files):
            path, problem = confine(name, project.folder, [project.folder], "科目补充文件",
                                    project.loc("科目补充文件", i), rule="path.outside")
            if problem is not None:
                problems.append(problem)
            elif path is not None:
                files.append(path)
    for i, name in enumerate(dept.settings.catalog_files):
        path, problem = confine(name, loaded.path.parent, _roots(loaded, project), "科目补充文件",
                                loaded.loc("设置", "科目补充文件", i), rule="path.outside")
        if problem is not None:
            problems.append(problem)
        elif path is not None:
            files.append(path)
    return files


def _catalogs(loaded: Loaded, files: list[Path]) -> tuple:
    dept = loaded.model
    assert dept is not None
    names = tuple(str(f) for f in files)
    fcat = function_catalog(dept.year, names)
    ecat = economic_catalog(dept.year, names)
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


def _apply_project(loaded: Loaded, project: Project | None) -> None:
    """The project's defaults where the department did not say otherwise."""
    dept = loaded.model
    if project is None or project.settings is None or dept is None or not isinstance(loaded.raw, dict):
        return
    ps = project.settings
    if ps.format and "格式" not in loaded.raw:
        dept.format = ps.format
    own = loaded.raw.get("设置")
    if ps.threshold is not None and not (isinstance(own, dict) and "原因阈值" in own):
        dept.settings.threshold = ps.threshold


def _last_year_figures(loaded: Loaded, problems: list[Problem], depth: int, project: Project | None,
                       inputs: list[Path]) -> dict[str, Decimal]:
    dept = loaded.model
    assert dept is not None
    if not dept.last_year.file:
        return {}
    where = loaded.loc("上年", "文件")
    path, problem = confine(dept.last_year.file, loaded.path.parent, _roots(loaded, project), "上年文件", where,
                            rule="last-year.file")
    if problem is not None:
        problems.append(problem)
        return {}
    assert path is not None
    inputs.append(path)
    if depth > 0:
        return {}
    if not path.exists():
        problems.append(Problem("last-year.file", f"找不到上年文件“{dept.last_year.file}”（{path}）", where))
        return {}
    if not path.is_file():
        problems.append(Problem("last-year.file", f"上年文件“{dept.last_year.file}”不是普通文件（是文件夹、设备或管道）：应为上年的部门 YAML 文件", where))
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


def _cell_controls(loaded: Loaded, fig: Figures, fmt: Format) -> list[Problem]:
    """核对数 naming printed cells (表六.30201.公用经费), checked against this format's document."""
    from .checks.cells import check_cells
    from .checks.rules import control_families, control_figures
    from .document.build import build_document

    try:
        doc = build_document(fig, fmt)
    except UserError as exc:  # the format's own problem; build reports it
        return list(exc.problems)
    dept = fig.dept
    return check_cells(loaded, doc, dept.controls, control_families(control_figures(fig)), dept.unit)


def check_file(path: str | Path, format_name: str | None = None, templates: Path | None = None,
               strict: bool = False, depth: int = 0, raw: bytes | None = None) -> Checked:
    """Every problem of one department file, at once. Never raises for bad input.

    ``raw``: the file's content when it is not (yet) on disk, e.g. a file ``disclose new``
    is about to write at ``path``."""
    loaded = load_department(path, raw)
    checked = Checked(loaded, problems=list(loaded.problems), inputs=[loaded.path])
    project = load_project(loaded.path.parent)
    checked.project = project
    if project is not None:
        checked.inputs.append(project.path)
        checked.problems.extend(project.problems)
    if loaded.model is None or (project is not None and project.settings is None):
        return checked
    if project is not None and any(p.is_error for p in project.problems):
        return checked
    _apply_project(loaded, project)
    files = _supplement_files(loaded, project, checked.problems)
    checked.inputs.extend(files)
    try:
        fcat, ecat, author = _catalogs(loaded, files)
    except UserError as exc:
        checked.problems.extend(exc.problems or [Problem("catalog", str(exc), loaded.loc("设置"))])
        return checked
    last = _last_year_figures(loaded, checked.problems, depth, project, checked.inputs)
    dept = loaded.model
    fig = derive(dept, fcat, ecat, last)
    checked.fig = fig
    checked.problems.extend(run_checks(Context(loaded, fig, author, last_file=last)))
    name = format_name or dept.format
    try:
        checked.fmt = get_format(name, templates)
    except UserError as exc:
        if exc.problems:  # a broken format folder: its own problems, at manifest.yaml:line:col
            checked.problems.extend(exc.problems)
        else:
            where = loaded.loc("格式") if not format_name else Location(str(loaded.path))
            checked.problems.append(Problem("format.unknown", str(exc.args[0]) if exc.args else "未知格式", where))
    if checked.fmt is not None:
        checked.problems.extend(missing_for_format(loaded, checked.fmt))
        if dept.controls:
            checked.problems.extend(_cell_controls(loaded, fig, checked.fmt))
    if depth == 0:  # what build refuses before rendering, check refuses too (last year's texts are not printed)
        from .checks.glyphs import glyph_problems
        checked.problems.extend(glyph_problems(loaded))
    if strict:
        checked.problems = [p.as_error() for p in checked.problems]
    checked.problems.sort(key=lambda p: (p.location.file, p.location.line, p.location.col))
    return checked
