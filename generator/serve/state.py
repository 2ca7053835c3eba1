"""The departments of the served folder, what each one was made from, and their versions.

Only files found by :meth:`Registry.scan` are ever served: department YAML files
inside the folder (after resolving symlinks), named by their path relative to it.
A name from a URL is looked up in that table, never joined to a path, so no
``../``, absolute path, encoded separator or symlink can reach anything else.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import engine, pages


_REVISIONS = itertools.count(1)


def is_department_file(path: Path) -> bool:
    """The files ``disclose check 文件夹`` takes: *.yaml / *.yml that are not hidden, not the
    project configuration (disclose.yaml), not a catalog supplement."""
    from ..commands.common import _department_like

    return path.suffix in (".yaml", ".yml") and _department_like(path)


@dataclass
class Department:
    rel: str  # path relative to the served folder, with "/" (the id in URLs)
    path: Path  # absolute path inside the folder
    version: int = 0  # +1 whenever one of its inputs changed
    rev: int = 0  # grows whenever what a viewer sees changed (content or pagination); see bump()
    preview: engine.Preview | None = None
    good: engine.Preview | None = None  # the last version that made a document
    pmap: pages.PageMap | None = None  # the last layout's page map …
    pmap_digest: str = ""  # … and the content it was made for
    layout_running: bool = False
    layout_error: str = ""
    cut_key: tuple = ()
    cut: pages.Cut | None = None
    files: dict = field(default_factory=dict)  # version → (files, names)
    stamps: tuple = ()  # (path, mtime, size) of its inputs when it was last checked

    def stamp(self) -> tuple:
        """Its inputs' modification times and sizes now (None for a missing file)."""
        inputs = sorted(self.preview.inputs) if self.preview is not None else [self.path]
        out = []
        for f in inputs:
            try:
                st = f.stat()
                out.append((f, st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((f, None, None))
        return tuple(out)

    def bump(self) -> int:
        """A new revision, larger than any before in this server, also across a file that was
        deleted and saved again (an editor's atomic save): an open page never takes it for an old one."""
        self.rev = next(_REVISIONS)
        return self.rev

    @property
    def checked(self) -> bool:
        return self.preview is not None

    def depends_on(self, changed: Path) -> bool:
        p = self.preview
        if p is None:
            return changed == self.path
        if changed == self.path or changed in p.inputs:
            return True
        return any(folder == changed or folder in changed.parents for folder in p.folders)


class Registry:
    """The department files of one folder (or the one file given)."""

    def __init__(self, target: Path, templates: Path | None = None):
        target = Path(target)
        self.single: Path | None = target.resolve() if target.is_file() else None
        self.root: Path = self.single.parent if self.single else target.resolve()
        self.label = str(target)
        self.templates = Path(templates).resolve() if templates else None
        self.departments: dict[str, Department] = {}

    def _files(self) -> list[Path]:
        if self.single is not None:
            return [self.single] if self.single.is_file() else []
        found: list[Path] = []
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(files):
                path = Path(folder) / name
                if is_department_file(path) and self.inside(path):
                    found.append(path)
        return found

    def inside(self, path: Path) -> bool:
        """True when ``path``, symlinks resolved, is a file inside the served folder."""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return False
        return real.is_file() and (real == self.single if self.single else self.root in real.parents)

    def scan(self) -> bool:
        """Find the department files again; True when the set changed."""
        files = self._files()
        rels = {}
        for path in files:
            rel = path.relative_to(self.root).as_posix()
            rels[rel] = path
        changed = set(rels) != set(self.departments)
        for rel in list(self.departments):
            if rel not in rels:
                del self.departments[rel]
        for rel, path in rels.items():
            if rel not in self.departments:
                self.departments[rel] = Department(rel, path)
        return changed

    def get(self, rel: str) -> Department | None:
        """The department named ``rel`` exactly as listed, else None."""
        return self.departments.get(rel)

    def watched_roots(self) -> tuple[list[Path], list[Path]]:
        """Folders to watch: the served folder and the formats (with everything below them), and
        the folders of inputs outside them (a last-year file in ../2019/, a disclose.yaml above):
        those only for their own files, not below."""
        roots = [self.root, *engine.format_folders(self.templates)]
        flat: list[Path] = []

        def covered(folder: Path) -> bool:
            return any(r == folder or r in folder.parents for r in roots)

        for d in self.departments.values():
            if d.preview is None:
                continue
            for folder in d.preview.folders:
                if not covered(folder) and folder.is_dir():
                    roots.append(folder)
            for f in d.preview.inputs:
                parent = f.parent
                if not covered(parent) and parent not in flat and parent.is_dir():
                    flat.append(parent)
        return [r for r in roots if r.is_dir()], flat
