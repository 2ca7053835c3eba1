"""The pagination stage: where every page falls, computed once, read by every renderer.

The layout engine (WeasyPrint) lays the document out; the result is the page of
every anchor (the 目录 entries), the number of counted pages (the cover is not
counted) and the laid-out pages themselves, which the PDF renderer writes. The
DOCX renderer prints the same 目录 page numbers and page total. Nothing is
written back into the document model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..document.model import Document
from ..formats import Format


@dataclass(frozen=True)
class Pages:
    numbers: dict[str, int] = field(default_factory=dict)  # anchor → printed page number
    total: int = 0  # counted pages (the printed “共 Y 页”)
    layout: Any = None  # the laid-out document (for the PDF renderer only)

    def page_of(self, anchor: str) -> int | None:
        return self.numbers.get(anchor)


def paginate(doc: Document, fmt: Format) -> Pages:
    from .pdf import layout, page_numbers

    rendered = layout(doc, fmt)
    numbers, total = page_numbers(rendered)
    return Pages(numbers, total, rendered)
