"""PDF: the HTML layout printed by WeasyPrint.

- Deterministic: no creation date, and the PDF identifier is a hash of the
  HTML, so the same YAML gives byte-identical files.
- Only allow-listed CJK fonts may be embedded; anything else (a DejaVu
  fallback for a character the CJK fonts lack) is a ``RenderError``.
- After layout the 目录 entries get their page numbers (the numbers printed in
  the footer), so the DOCX renderer can print the same 目录.
"""

from __future__ import annotations

import hashlib
import threading

from .. import fonts  # before weasyprint: sets FONTCONFIG_FILE
from ..document.model import Document, Heading, Paragraph, Table, TitlePage, Toc
from ..errors import Location, Problem, RenderError
from ..formats import Format
from . import register
from .html import render_html

_FONT_CONFIG = None
_LOCK = threading.Lock()
# Pages of these named page types are not counted (see ``@page cover`` in style.css).
UNCOUNTED_PAGES = frozenset({"cover"})


def _weasyprint():
    import weasyprint  # imported lazily: heavy, and only after FONTCONFIG_FILE is set

    return weasyprint


def font_configuration():
    """One WeasyPrint FontConfiguration per process."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        with _LOCK:
            if _FONT_CONFIG is None:
                from weasyprint.text.fonts import FontConfiguration

                _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def document_text(doc: Document) -> str:
    """Every string the PDF prints (for the glyph check)."""
    parts: list[str] = [doc.title, doc.author]
    for b in doc.blocks:
        if isinstance(b, TitlePage):
            parts += [b.title, b.subtitle, b.org, b.date]
        elif isinstance(b, Toc):
            parts.append(b.title)
            parts += [e.text for e in b.entries]
        elif isinstance(b, (Heading, Paragraph)):
            parts.append(b.text)
        elif isinstance(b, Table):
            parts += [b.number, b.title, b.caption_left, b.caption_right, *b.caption_lines, *b.notes]
            parts += [c.text for row in (*b.header, *b.body) for c in row]
    return "\n".join(p for p in parts if p)


def _check_glyphs(doc: Document, fmt: Format) -> None:
    missing = fonts.missing_glyphs(document_text(doc))
    if missing:
        chars = "、".join(fonts.describe_char(ch) for ch in sorted(missing))
        raise RenderError(problems=[Problem(
            "render.missing-glyph",
            f"已安装的中文字体中没有这些字符的字形，PDF 无法正确显示：{chars}。请改用常用汉字或标点。",
            Location(doc.title or fmt.name))])


def page_numbers(rendered) -> dict[str, int]:
    """Anchor → printed page number (uncounted cover pages skipped), first occurrence wins."""
    numbers: dict[str, int] = {}
    number = 0
    for page in rendered.pages:
        page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
        if getattr(page_type, "name", "") not in UNCOUNTED_PAGES:
            number += 1
        for anchor in page.anchors:
            numbers.setdefault(anchor, max(number, 1))
    return numbers


def fill_toc_pages(doc: Document, rendered) -> None:
    toc = doc.toc()
    if toc is None:
        return
    numbers = page_numbers(rendered)
    for entry in toc.entries:
        entry.page = numbers.get(entry.anchor)


def _check_fonts(rendered, doc: Document, fmt: Format) -> None:
    used = sorted({font.family for font in rendered.fonts.values()})
    bad = [name for name in used if not fonts.font_allowed(name)]
    if bad:
        allowed = "、".join(sorted(fonts.ALLOWED_FONTS))
        raise RenderError(problems=[Problem(
            "render.font",
            f"PDF 用到了不允许的字体：{'、'.join(bad)}（通常是某些字符中文字体里没有，被替换成了别的字体）。"
            f"允许的字体：{allowed}。",
            Location(doc.title or fmt.name))])


@register("pdf")
def render_pdf(doc: Document, fmt: Format) -> bytes:
    fonts.require_fonts()
    _check_glyphs(doc, fmt)
    weasyprint = _weasyprint()
    html = render_html(doc, fmt)
    base_url = fmt.folder.resolve().as_uri() + "/"
    rendered = weasyprint.HTML(string=html, base_url=base_url).render(font_config=font_configuration())
    fill_toc_pages(doc, rendered)
    identifier = hashlib.sha256(f"{weasyprint.__version__}\n{html}".encode()).hexdigest()[:32].encode()
    data = rendered.write_pdf(pdf_identifier=identifier)
    _check_fonts(rendered, doc, fmt)
    return data
