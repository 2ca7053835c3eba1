"""Build one department: check, make the document, render every format, publish atomically."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .document.build import build_document
from .errors import HasProblems, Location, Problem, UserError, ValidationFailed
from .load.department import Loaded
from .output import PublishHook, Slot, department_slot, department_view, folder_key, safe_name
from .pipeline import Checked, check_file


@dataclass
class BuildResult(HasProblems):
    source: Path
    status: str  # "built" / "unchanged" / "failed"
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    department: str = ""

    @property
    def first_error(self) -> str:
        errs = self.errors
        return errs[0].format() if errs else ""


def output_names(department: str, year: int) -> tuple[str, str]:
    """(folder, file stem) of a department's disclosure: ``某局/某局2025年部门预算公开``."""
    folder = safe_name(department)
    return folder, f"{folder}{year}年部门预算公开"  # a long name is shortened, the year is kept


def output_paths(checked: Checked, out_dir: Path) -> dict[str, Path]:
    """Where ``disclose build`` publishes a department's files (for showing names; publishing itself
    goes through :func:`generator.output.department_slot`)."""
    dept = checked.fig.dept  # type: ignore[union-attr]
    folder, stem = output_names(dept.name, dept.year)
    base = Path(out_dir) / folder
    return {"pdf": base / f"{stem}.pdf", "docx": base / f"{stem}.docx", "data": base / "data"}


@dataclass(frozen=True)
class Identity:
    """Which published files a department file makes (known once it loads)."""

    source: Path
    department: str
    year: int
    folder: str
    where: Location  # the 部门 field

    @property
    def key(self) -> str:
        return folder_key(self.folder)


def identify(loaded: Loaded) -> Identity | None:
    dept = loaded.model
    if dept is None or not dept.name:
        return None
    return Identity(loaded.path, dept.name, dept.year, output_names(dept.name, dept.year)[0], loaded.loc("部门"))


def collisions(identities: list[Identity]) -> dict[Path, list[Problem]]:
    """Files that would publish into the same department folder: the same department and year
    twice, or different department names that map to one folder (unsafe characters replaced,
    or a difference only in case, which Windows and macOS ignore). Each file gets one error
    naming the others; none of them may be published."""
    groups: dict[str, list[Identity]] = {}
    for ident in identities:
        groups.setdefault(ident.key, []).append(ident)
    found: dict[Path, list[Problem]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        names = {i.department for i in group}
        for ident in group:
            others = [o for o in group if o is not ident]
            if len(names) == 1:
                same = [o for o in others if o.year == ident.year]
                if not same:
                    continue  # one department, different years: different files in one folder
                files = "、".join(f"“{o.source}”" for o in same)
                msg = (f"本文件与{files}都是部门“{ident.department}”{ident.year} 年的预算公开文本（输出到“{ident.folder}/”），"
                       "会互相覆盖：都未生成；请删除多余的一份，或改正“部门”“年度”")
                found.setdefault(ident.source, []).append(Problem("output.duplicate", msg, ident.where, field="部门"))
            else:
                files = "、".join(f"“{o.source}”（部门“{o.department}”）" for o in others if o.department != ident.department)
                msg = (f"部门“{ident.department}”与{files}名称不同，但输出到同一个文件夹“{ident.folder}”"
                       "（文件名中不能用的字符已替换为全角字符；Windows 不区分大小写）：都未生成；请改正其中一个“部门”")
                found.setdefault(ident.source, []).append(Problem("output.collision", msg, ident.where, field="部门"))
    return found


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
                     data: bool = False, refuse: list[Problem] | None = None,
                     before_publish: PublishHook | None = None) -> BuildResult:
    """Check and build one department. Raises nothing for bad input: failures are in the result.

    ``refuse``: problems found elsewhere (another file of the same department): the file is
    checked, every problem reported, nothing published. ``before_publish(folder, inode)`` runs
    right before the switch to the new files and may raise to stop it."""
    source = Path(source)
    try:
        checked = check_file(source, format_name, templates, strict)
        problems = list(checked.problems) + list(refuse or [])
        problems.sort(key=lambda p: (p.location.file != str(source), p.location.file, p.location.line, p.location.col))
        result = BuildResult(source, "failed", problems=problems)
        if refuse or not checked.ok or checked.fig is None or checked.fmt is None:
            return result
        dept = checked.fig.dept
        result.department = dept.name
        folder, stem = output_names(dept.name, dept.year)
        names = {"pdf": f"{stem}.pdf", "docx": f"{stem}.docx", "data": "data"}
        stamp = fingerprint(checked, f"{checked.fmt.name}|{int(data)}")
        where = checked.loaded.loc("部门")
        with department_view(out_dir, folder) as view:  # creates nothing: a failed render leaves no trace
            if _owned_by_another(view, dept.name, folder, where, result):
                return result
            if not force:
                same = view.unchanged(dept.name, dept.year, stamp)
                if same:
                    result.status = "unchanged"
                    result.outputs = same
                    return result
        files = render_all(checked, names, data)
        with department_slot(out_dir, folder) as slot:
            if _owned_by_another(slot, dept.name, folder, where, result):
                return result
            result.outputs, notes = slot.publish(dept.name, dept.year, files, stamp, before_publish)
            result.problems += notes
        result.status = "built"
        return result
    except UserError as exc:
        return BuildResult(source, "failed", problems=exc.problems or [Problem("build", str(exc), Location(str(source)))])


def _owned_by_another(slot: Slot, department: str, folder: str, where: Location, result: BuildResult) -> bool:
    owner = slot.owner(department)
    if owner is not None:
        result.problems.append(Problem(
            "output.collision",
            f"输出文件夹“{owner[1]}”中已有部门“{owner[0]}”的公开文本；部门“{department}”的名称不同，但输出到同一个文件夹"
            f"“{folder}”（文件名中不能用的字符已替换为全角字符；Windows 不区分大小写）：未生成，已发布的文件保持不变。"
            "如果是同一个部门改了名称，请先删除或改名旧的文件夹", where, field="部门"))
    return owner is not None


def render_all(checked: Checked, paths: dict, data: bool) -> dict:
    """Every file of the department's set, keyed like ``paths``: names relative to the folder
    ('/'-separated) for publishing, or the paths of :func:`output_paths`."""
    from .renderers import PUBLISHED, render

    doc = build_document(checked.fig, checked.fmt)  # type: ignore[arg-type]
    files: dict[str, bytes] = {paths[name]: blob for name, blob in render(PUBLISHED, doc, checked.fmt).items()}  # type: ignore[arg-type]
    if data:
        from .opendata import export
        for name, blob in export(doc, checked.fig).items():  # type: ignore[arg-type]
            files[paths["data"] / name if isinstance(paths["data"], Path) else f"{paths['data']}/{name}"] = blob
    return files


def build_or_raise(source: str | Path, out_dir: Path, **kw) -> BuildResult:
    r = build_department(source, out_dir, **kw)
    if r.status == "failed":
        raise ValidationFailed(problems=r.problems)
    return r
