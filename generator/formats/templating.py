"""Jinja for format folders: sandboxed, and reading templates only through
:mod:`generator.formats.files` (confined to the folder, no symbolic links,
regular files, size-capped). A template can reach neither Python internals,
nor the file system, nor the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import UserError
from .files import read_text

RESERVED = ("\ue000", "\ue001")


class ConfinedLoader(BaseLoader):
    """Templates looked up in ``folders`` in order (a format folder, then the shared base)."""

    def __init__(self, folders: Sequence[Path]):
        self.folders = [Path(f) for f in folders]

    def get_source(self, environment, template: str):
        for folder in self.folders:
            try:
                text = read_text(folder, template, missing_ok=True)
            except UserError as exc:
                raise TemplateNotFound(template, str(exc)) from None
            if text is None:
                continue
            if any(ch in text for ch in RESERVED):
                raise TemplateNotFound(template, "模板中含有保留字符 U+E000/U+E001")
            return text, None, lambda: True
        raise TemplateNotFound(template)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with a fast path for reading the public fields of the document model's own
    dataclasses (a table of a thousand cells is read a hundred thousand times per layout):
    exactly the fields the classes declare, nothing else, so no way to Python internals opens."""

    fields: dict[type, frozenset[str]] = {}

    def getattr(self, obj, attribute):  # type: ignore[override]
        allowed = self.fields.get(type(obj))
        if allowed is not None and attribute in allowed:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)


def _model_fields() -> dict[type, frozenset[str]]:
    import dataclasses

    from ..document import model

    out = {}
    for name in dir(model):
        cls = getattr(model, name)
        if isinstance(cls, type) and dataclasses.is_dataclass(cls):
            out[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    return out


def sandbox(folders: Sequence[Path], *, autoescape: bool, finalize: Callable | None = None,
            filters: dict | None = None, trim_blocks: bool = True) -> ImmutableSandboxedEnvironment:
    """A sandboxed environment. The body template of a format uses ``trim_blocks=False``:
    its markup is line-based, and a line ending in ``{% endif %}`` must not swallow the
    line break (the next line — a heading — would become part of the paragraph)."""
    if not _Sandbox.fields:
        _Sandbox.fields = _model_fields()
    env = _Sandbox(loader=ConfinedLoader(folders), autoescape=autoescape,
                                        undefined=StrictUndefined, finalize=finalize, trim_blocks=trim_blocks,
                                        lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(filters or {})
    return env
