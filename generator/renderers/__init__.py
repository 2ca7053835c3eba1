"""Output formats: a registry of renderers with one signature.

A renderer takes the finished document model and its format folder and returns
the file's bytes; the build writes them atomically. Renderers never compute a
number: everything they print is already text in the model.
"""

from __future__ import annotations

from typing import Callable, Protocol

from ..document.model import Document
from ..formats import Format


class Renderer(Protocol):
    def __call__(self, doc: Document, fmt: Format) -> bytes: ...


RENDERERS: dict[str, Callable[[Document, Format], bytes]] = {}


def register(extension: str):
    def deco(fn: Callable[[Document, Format], bytes]):
        RENDERERS[extension] = fn
        return fn
    return deco


def load_all() -> dict[str, Callable[[Document, Format], bytes]]:
    """Import the built-in renderers (PDF first: it fills the 目录 page numbers the DOCX reuses)."""
    from . import pdf  # noqa: F401
    from . import docx  # noqa: F401
    return RENDERERS
