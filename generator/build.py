"""Build one department: check, make the document, render every format, write atomically."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .checks.glyphs import missing_glyph_problems
from .document.build import build_document
from .errors import Problem, UserError, ValidationFailed
from .output import confined, department_lock, safe_name, write_atomic
from .pipeline import Checked, check_file


@dataclass
class BuildResult:
    source: Path
    status: str  # "built" / "unchanged" / "failed"
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    department: str = ""

    @property
    def first_error(self) -> str:
        errs = [p for p in self.problems if p.is_error]
        return errs[0].format() if errs else ""


def output_paths(checked: Checked, out_dir: Path) -> dict[str, Path]:
    dept = checked.fig.dept  # type: ignore[union-attr]
    folder_name = safe_name(dept.name)
    stem = f"{folder_name}{dept.year}年部门预算公开"  # a long name is shortened, the year is kept
    folder = confined(out_dir, folder_name)
    return {"pdf": confined(folder, f"{stem}.pdf"), "docx": confined(folder, f"{stem}.docx"),
            "data": confined(folder, "data")}


def fingerprint(checked: Checked, extra: str = "") -> str:
    """Hash of everything the output depends on: the YAML, project configuration, catalog and
    last-year files, the format folder, and the program itself (its code, built-in catalogs, the
    shared base of the formats and the layout libraries' versions: generator.digest)."""
    from .digest import program_digest

    h = hashlib.sha256()
    h.update(__version__.encode())
    h.update(program_digest().encode())
    h.update(extra.encode())
    paths = list(checked.inputs)  # the YAML, project configuration, catalog and last-year files
    if checked.fmt is not None:
        h.update(checked.fmt.digest.encode())
    for p in paths:
        h.update(str(p.name).encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"<missing>")
    return h.hexdigest()


def build_department(source: str | Path, out_dir: Path, format_name: str | None = None,
                     templates: Path | None = None, strict: bool = False, force: bool = True,
                     data: bool = False) -> BuildResult:
    """Check and build one department. Raises nothing for bad input: failures are in the result."""
    source = Path(source)
    try:
        checked = check_file(source, format_name, templates, strict)
        result = BuildResult(source, "failed", problems=list(checked.problems))
        if not checked.ok or checked.fig is None or checked.fmt is None:
            return result
        glyphs = missing_glyph_problems(checked.loaded)
        if glyphs:
            result.problems += glyphs
            return result
        result.department = checked.fig.dept.name
        paths = output_paths(checked, out_dir)
        stamp_file = paths["pdf"].parent / f".{paths['pdf'].stem}.stamp"
        stamp = fingerprint(checked, f"{checked.fmt.name}|{int(data)}")
        with department_lock(paths["pdf"].parent):
            if not force and stamp_file.exists() and paths["pdf"].exists() and paths["docx"].exists():
                if stamp_file.read_text(encoding="utf-8").strip() == stamp:
                    result.status = "unchanged"
                    result.outputs = [paths["pdf"], paths["docx"]]
                    return result
            files = render_all(checked, paths, data)
            files[stamp_file] = (stamp + "\n").encode()
            write_atomic(files)
        result.status = "built"
        result.outputs = [p for p in files if p != stamp_file]
        return result
    except UserError as exc:
        return BuildResult(source, "failed", problems=exc.problems or [Problem("build", str(exc), _loc(source))])


def _loc(source: Path):
    from .errors import Location
    return Location(str(source))


def render_all(checked: Checked, paths: dict[str, Path], data: bool) -> dict[Path, bytes]:
    from .renderers import PUBLISHED, render

    doc = build_document(checked.fig, checked.fmt)  # type: ignore[arg-type]
    files: dict[Path, bytes] = {paths[name]: blob for name, blob in render(PUBLISHED, doc, checked.fmt).items()}  # type: ignore[arg-type]
    if data:
        from .opendata import export
        for name, blob in export(doc, checked.fig).items():  # type: ignore[arg-type]
            files[confined(paths["data"], name)] = blob
    return files


def build_or_raise(source: str | Path, out_dir: Path, **kw) -> BuildResult:
    r = build_department(source, out_dir, **kw)
    if r.status == "failed":
        raise ValidationFailed(problems=r.problems)
    return r
