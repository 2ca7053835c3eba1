"""Formats are folders: ``templates/<name>/`` holds everything that makes a layout.

| file              | what                                                         |
|-------------------|--------------------------------------------------------------|
| manifest.yaml     | name, tables (kinds and their parameters), 目录, captions     |
| body.j2           | the document's structure and sentences (sandboxed Jinja)      |
| phrases.yaml      | fixed phrases used inside sentences (增减、持平、空表说明…)      |
| typography.yaml   | fonts, sizes, spacing, margins: the stylesheet and the Word   |
|                   | template's styles are both made from it                       |
| glossary.yaml     | 名词解释                                                        |
| style.css, template.docx, document.html.j2 (optional) | additions / replacements |

A bureau adds a format by adding a folder; no Python. Everything in a format
folder is validated strictly (:mod:`generator.formats.validate`) and read
confined to the folder (:mod:`generator.formats.files`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Location, Problem, TemplateError
from ..load.yamlsafe import load_yaml_text
from . import manifest as M
from .files import read_text
from .phrases import Phrases, load_phrases
from .typography import Typography, load_typography
from .validate import Reporter, semantic, structural

TableSpec = M.TableSpec


def builtin_templates_dir() -> Path:
    """The templates shipped with disclose (package data ``disclose_templates``)."""
    try:
        return Path(str(resources.files("disclose_templates")))
    except (ModuleNotFoundError, TypeError):  # running from a source tree without install
        return Path(__file__).resolve().parent.parent.parent / "templates"


@dataclass(frozen=True, eq=False)
class Format:
    name: str
    folder: Path
    spec: M.Manifest
    phrases: Phrases
    typography: Typography
    glossary: tuple[tuple[str, str], ...]
    digest: str  # hash of every file of the folder (for incremental builds)
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def description(self) -> str:
        return self.spec.description

    @property
    def tables(self) -> list[M.TableSpec]:
        return list(self.spec.tables)

    @property
    def requires(self) -> list[dict[str, str]]:
        return [{"字段": r.field, "用于": r.use} for r in self.spec.requires]

    def text(self, name: str, missing_ok: bool = False) -> str | None:
        """A text file of the folder, read confined (see generator.formats.files)."""
        return read_text(self.folder, name, missing_ok=missing_ok)

    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.yaml"


def _yaml(folder: Path, name: str, rep_file: Path, missing_ok: bool = True) -> tuple[Any, dict, list[Problem]]:
    text = read_text(folder, name, missing_ok=missing_ok)
    if text is None:
        return None, {}, []
    return load_yaml_text(text, str(rep_file))


def load_format(folder: Path) -> Format:
    """Read and validate one format folder; raise TemplateError with every problem."""
    folder = Path(folder)
    manifest_file = folder / "manifest.yaml"
    data, marks, problems = _yaml(folder, "manifest.yaml", manifest_file, missing_ok=False)
    if problems:
        raise TemplateError(problems=problems)
    rep = Reporter(manifest_file, marks)
    if not isinstance(data, dict):
        rep.error("format.manifest", "格式清单应为映射（键: 值）")
        raise TemplateError(problems=rep.problems)
    if "表格" in data and "公开表" not in data:
        rep.error("format.manifest", "格式清单的“表格”已改名为“公开表”，表格“类型”改为通用的“种类”（科目表、收支总表、三公表、列表、表单）：见 docs/formats.md",
                  "表格")
        raise TemplateError(problems=rep.problems)
    try:
        spec = M.Manifest.model_validate(data)
    except ValidationError as exc:
        structural(exc, rep)
        raise TemplateError(problems=rep.problems) from None
    semantic(spec, rep)
    all_problems = list(rep.problems)
    phrases, more = load_phrases(folder, spec)
    all_problems += more
    typography, more = load_typography(folder, spec)
    all_problems += more
    glossary, more = _glossary(folder, spec)
    all_problems += more
    if read_text(folder, spec.body, Location(str(manifest_file), *marks.get(("正文",), (1, 1))), missing_ok=True) is None:
        all_problems.append(Problem("format.file", f"找不到正文模板“{spec.body}”", rep.loc("正文")))
    errors = [p for p in all_problems if p.is_error]
    if errors:
        raise TemplateError(problems=all_problems)
    return Format(spec.name, folder, spec, phrases, typography, glossary, folder_digest(folder),
                  tuple(all_problems))


def _glossary(folder: Path, spec: M.Manifest) -> tuple[tuple[tuple[str, str], ...], list[Problem]]:
    path = folder / spec.glossary
    data, marks, problems = _yaml(folder, spec.glossary, path)
    if problems or data is None:
        return (), problems
    rep = Reporter(path, marks)
    entries = data.get("名词解释") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) != {"名词解释"} or not isinstance(entries, list):
        rep.error("format.glossary", "名词解释文件应为“名词解释: [{名词: …, 解释: …}, …]”")
        return (), rep.problems
    out = []
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or set(e) != {"名词", "解释"} or not all(isinstance(v, str) and v.strip() for v in e.values()):
            rep.error("format.glossary", "每条名词解释应只有“名词”和“解释”两个键，都是非空文字", "名词解释", i)
            continue
        out.append((e["名词"].strip(), e["解释"].strip()))
    return tuple(out), rep.problems


def folder_digest(folder: Path) -> str:
    """Hash of the names and bytes of every regular file of a format folder."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            p = Path(root) / name
            try:
                st = os.lstat(p)
                if not stat.S_ISREG(st.st_mode):
                    continue
                h.update(str(p.relative_to(folder)).encode("utf-8", "surrogatepass"))
                h.update(p.read_bytes())
            except OSError:
                h.update(b"<unreadable>")
    return h.hexdigest()


def search_path(extra: Path | None = None) -> list[Path]:
    dirs = []
    if extra is not None:
        dirs.append(Path(extra))
    dirs.append(builtin_templates_dir())
    return dirs


def _format_folders(base: Path) -> list[Path]:
    out = []
    try:
        entries = sorted(os.scandir(base), key=lambda e: e.name)
    except OSError:
        return out
    for e in entries:
        if e.name.startswith((".", "_")) or not e.is_dir(follow_symlinks=False):
            continue
        if os.path.lexists(os.path.join(e.path, "manifest.yaml")):
            out.append(Path(e.path))
    return out


@functools.lru_cache(maxsize=64)
def _load_cached(folder: str, digest: str) -> Format:
    return load_format(Path(folder))


def _load(folder: Path) -> Format:
    return _load_cached(str(folder), folder_digest(folder))


def available_formats(extra: Path | None = None) -> dict[str, Format]:
    """Every installed format; a user folder (``--templates``) overrides built-ins by name.
    A broken format folder raises TemplateError naming its problems."""
    found: dict[str, Format] = {}
    for base in reversed(search_path(extra)):
        for folder in _format_folders(base):
            fmt = _load(folder)
            found[fmt.name] = fmt
    return found


def format_names(extra: Path | None = None) -> list[str]:
    """Names of the installed formats, without validating them (for messages)."""
    names = set()
    for base in search_path(extra):
        names.update(f.name for f in _format_folders(base))
    return sorted(names)


def get_format(name: str, extra: Path | None = None) -> Format:
    for base in search_path(extra):
        for folder in _format_folders(base):
            if folder.name == name:
                fmt = _load(folder)
                if fmt.name != name:
                    raise TemplateError(problems=[Problem(
                        "format.manifest", f"格式文件夹“{folder.name}”的清单写的名称是“{fmt.name}”：名称应与文件夹名相同",
                        Location(str(folder / "manifest.yaml"), 1, 1))])
                return fmt
    names = "、".join(format_names(extra)) or "（无）"
    raise TemplateError(f"找不到格式“{name}”。已安装的格式：{names}")
