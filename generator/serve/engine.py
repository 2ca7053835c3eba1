"""The one adapter between ``disclose serve`` and the pipeline.

Every call the server makes into disclose proper goes through this module: the
check (``pipeline.check_file``), the document model (``build_document``), its HTML
(``render_html``), WeasyPrint's layout as the PDF renderer sets it up, and the
PDF/DOCX files (``build.render_all``, exactly as ``disclose build`` makes them).
When the document API changes, this module is what to adapt.

Two sides:

- the server process (:func:`preview`): check + document + HTML, a few tens of
  milliseconds, on every save; it never imports WeasyPrint;
- the layout worker process (:func:`layout`, :func:`build_files`, :func:`warm`):
  WeasyPrint's layout for the page map, and the downloads.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document.build import build_document
from ..document.model import Document
from ..errors import Location, Problem, UserError
from ..formats import Format, builtin_templates_dir
from ..pipeline import Checked, check_file
from ..renderers.html import render_html, stylesheet_text
from . import pages
from .locate import Target, locate


@dataclass
class Preview:
    """One department as it stands on disk now."""
    path: Path
    checked: Checked
    problems: list[Problem]
    doc: Document | None = None
    html: str | None = None  # the document's HTML as the PDF renderer lays it out (stylesheet apart)
    css: str = ""  # the format's stylesheet
    inputs: set[Path] = field(default_factory=set)  # files it was made from (some may not exist yet)
    folders: set[Path] = field(default_factory=set)  # folders it was made from (the format folder)

    @property
    def name(self) -> str:
        model = self.checked.loaded.model
        return model.name if model is not None else ""

    @property
    def year(self) -> int | None:
        model = self.checked.loaded.model
        return model.year if model is not None else None

    @property
    def format_name(self) -> str:
        if self.checked.fmt is not None:
            return self.checked.fmt.name
        model = self.checked.loaded.model
        return model.format if model is not None else ""

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)

    @property
    def fmt(self) -> Format | None:
        return self.checked.fmt

    def target(self, problem: Problem, doc: Document | None = None) -> Target | None:
        """Where ``problem`` shows in ``doc`` (default: this version's document)."""
        return locate(problem.field, problem.rule, doc if doc is not None else self.doc, self.checked.fig)

    def digest(self) -> str:
        """Identifies the laid-out content: the HTML and the stylesheet."""
        return hashlib.sha256(f"{self.css}\n{self.html}".encode()).hexdigest() if self.html else ""


def _inputs(checked: Checked) -> tuple[set[Path], set[Path]]:
    """The files a department's result depends on (also those named but missing: they may appear)
    and its format folder."""
    files = {checked.loaded.path.resolve()}
    files |= {Path(p).resolve() for p in getattr(checked, "inputs", [])}  # the pipeline's own list
    folders: set[Path] = set()
    dept = checked.loaded.model
    if dept is not None:
        base = checked.loaded.path.parent
        files |= {(base / f).resolve() for f in dept.settings.catalog_files}
        if dept.last_year.file:
            last = (base / dept.last_year.file).resolve()
            files.add(last)
            if last.is_file():  # what last year's figures come from: its own catalog files
                from ..load.department import load_department

                prev = load_department(last)
                if prev.model is not None:
                    files |= {(last.parent / f).resolve() for f in prev.model.settings.catalog_files}
    if checked.fmt is not None:
        folders.add(Path(checked.fmt.folder).resolve())
    return files, folders


def preview(path: Path, templates: Path | None = None) -> Preview:
    """Check one department file and make its document and HTML. Never raises for bad input:
    what goes wrong is in ``problems``; ``doc`` is None when no document can be made."""
    checked = check_file(path, None, templates)
    problems = list(checked.problems)
    files, folders = _inputs(checked)
    result = Preview(Path(path), checked, problems, inputs=files, folders=folders)
    if checked.fig is None or checked.fmt is None:
        return result
    # (the glyph check that stops `disclose build` is part of check_file: nothing to add here)
    try:
        doc = build_document(checked.fig, checked.fmt)
        result.css = stylesheet_text(checked.fmt)
        result.html = render_html(doc, checked.fmt, inline_css=False)
        result.doc = doc
    except UserError as exc:
        problems += exc.problems or [Problem("format.template", str(exc), Location(str(checked.fmt.folder)))]
    except Exception as exc:  # with errors in the file the document may not be makeable: the errors say why
        if checked.ok:
            problems.append(Problem("internal", f"内部错误（请报告）：{type(exc).__name__}: {exc}",
                                    Location(str(path))))
    problems.sort(key=lambda p: (p.location.file, p.location.line, p.location.col))
    return result


def format_folders(templates: Path | None) -> list[Path]:
    """Where formats come from (watched for changes)."""
    folders = [builtin_templates_dir().resolve()]
    if templates is not None:
        folders.insert(0, Path(templates).resolve())
    return folders


def download_names(p: Preview) -> dict[str, str]:
    """The file names ``disclose build`` gives this department's PDF and DOCX."""
    from ..build import output_paths

    if p.checked.fig is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = output_paths(p.checked, Path(tmp))
        return {ext: paths[ext].name for ext in ("pdf", "docx")}


# --- the layout worker ------------------------------------------------------------------------

def warm() -> None:
    """Load WeasyPrint, the fonts and the renderers once, before the first request needs them."""
    from .. import fonts
    from ..renderers import load_all
    from ..renderers import pdf as pdf_renderer

    load_all()
    pdf_renderer._weasyprint()
    pdf_renderer.font_configuration()
    try:
        fonts.require_fonts()
    except UserError:
        pass  # reported when a layout or a download is asked for


def layout(doc: Document, fmt: Format) -> pages.PageMap:
    """The pagination stage (WeasyPrint's layout, exactly as ``disclose build`` lays the PDF out),
    read into a page map."""
    from ..renderers.pagination import paginate

    laid_out = paginate(doc, fmt)
    return pages.page_map(laid_out.layout, laid_out.numbers)


def build_files(path: Path, templates: Path | None = None) -> tuple[dict[str, bytes], dict[str, str], list[Problem]]:
    """The department's PDF and DOCX, byte for byte as ``disclose build`` writes them, in memory.
    Returns (files by extension, file names, problems); no files when there are errors."""
    from ..build import output_paths, render_all
    try:
        checked = check_file(path, None, templates)  # the glyph check included, as build runs it
        if not checked.ok or checked.fig is None or checked.fmt is None:
            return {}, {}, checked.problems
        with tempfile.TemporaryDirectory() as tmp:
            paths = output_paths(checked, Path(tmp))
            files = render_all(checked, paths, False)
        return ({ext: files[paths[ext]] for ext in ("pdf", "docx")},
                {ext: paths[ext].name for ext in ("pdf", "docx")}, checked.problems)
    except UserError as exc:
        return {}, {}, exc.problems or [Problem("build", str(exc), Location(str(path)))]


def describe(problem: Problem) -> dict[str, Any]:
    """A problem's parts for display."""
    return {"file": problem.location.file, "line": problem.location.line, "col": problem.location.col,
            "severity": problem.severity.value, "rule": problem.rule, "message": problem.message,
            "field": problem.field, "error": problem.is_error}
