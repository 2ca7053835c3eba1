"""Output formats: a registry of independent renderers.

Each renderer reads the finished document model (and, when it prints page
numbers, the result of the pagination stage) and returns the file's bytes; the
build writes them atomically. Renderers never compute a number and never write
into the model or into what another renderer reads: data flows one way,

    figures → document → pagination → renderers (pdf, docx, html)

Open data is not a renderer of the document: it is written from the figures
(:mod:`generator.opendata`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..document.model import Document
from ..formats import Format


@dataclass(frozen=True)
class Renderer:
    name: str
    render: Callable  # (doc, fmt, pages) -> bytes
    needs_pages: bool


RENDERERS: dict[str, Renderer] = {}
#: What ``disclose build`` publishes for every department.
PUBLISHED = ("pdf", "docx")


def register(name: str, needs_pages: bool = True):
    def deco(fn):
        RENDERERS[name] = Renderer(name, fn, needs_pages)
        return fn
    return deco


def load_all() -> dict[str, Renderer]:
    """Import the built-in renderers."""
    from . import docx, html, pdf  # noqa: F401
    return RENDERERS


def render(names: tuple[str, ...], doc: Document, fmt: Format) -> dict[str, bytes]:
    """Run the pagination stage (when a renderer needs it), then each renderer."""
    from .pagination import paginate

    renderers = load_all()
    chosen = [renderers[n] for n in names]
    pages = paginate(doc, fmt) if any(r.needs_pages for r in chosen) else None
    return {r.name: r.render(doc, fmt, pages) for r in chosen}
