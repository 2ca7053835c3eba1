"""HTML: the document model laid out by an HTML template (the shared base's, or the
format's own ``HTML模板``), rendered in a Jinja sandbox with autoescape on: text
from the YAML can never become markup. The stylesheet (base + typography + the
format's additions, :mod:`generator.renderers.style`) is inlined so the page
stands on its own (the PDF renderer asks for it without, and hands WeasyPrint
the stylesheet parsed once per process).
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..document import model
from ..document.model import Document
from ..errors import Location, Problem, TemplateError
from ..formats import Format, builtin_templates_dir
from ..formats.templating import sandbox
from . import register
from .breaks import break_lines, cover_width_em
from .style import stylesheet


def _col_widths(widths: list[int] | None) -> list[str]:
    """Relative column widths as CSS percentages (layout only: the model gives the ratios)."""
    widths = list(widths or [])
    whole = sum(widths)
    if not widths or whole <= 0:
        return []
    return [f"{w * 100 / whole:.3f}%" for w in widths]


def _cells(row, header: bool = False) -> Markup:
    """One table row's cells as markup: ``<td class="a-right b i1 nw" colspan="2">text</td>``.
    Header rows print bold cells as ``th``. The text is escaped (never markup). The same markup
    as a Jinja macro per cell, at a tenth of its cost (the document has ~1,000 cells)."""
    out = []
    for c in row:
        tag = "th" if header and c.bold else "td"
        cls = f"a-{c.align}{' b' if c.bold else ''}{f' i{int(c.indent)}' if c.indent else ''}{' nw' if c.nowrap else ''}"
        span = (f' colspan="{int(c.colspan)}"' if c.colspan > 1 else "") + (f' rowspan="{int(c.rowspan)}"' if c.rowspan > 1 else "")
        out.append(f'<{tag} class="{escape(cls)}"{span}>{escape(c.text)}</{tag}>')
    return Markup("".join(out))


def _kind(block: object) -> str:
    """The macro name for a block: ``title_page``, ``toc``, ``heading``, ``paragraph``, ``table``, ``page_break``."""
    return {
        model.TitlePage: "title_page", model.Toc: "toc", model.Heading: "heading",
        model.Paragraph: "paragraph", model.Table: "table", model.PageBreak: "page_break",
    }.get(type(block), "unknown")


@functools.lru_cache(maxsize=16)
def _environment(folder: str, digest: str) -> jinja2.Environment:
    return sandbox([Path(folder), builtin_templates_dir() / "_base"], autoescape=True,
                   filters={"col_widths": _col_widths, "block_kind": _kind, "break_lines": break_lines, "cells": _cells})


@functools.lru_cache(maxsize=16)
def _stylesheet(folder: str, digest: str, fmt: Format) -> str:
    return stylesheet(fmt)


def stylesheet_text(fmt: Format) -> str:
    return _stylesheet(str(fmt.folder), fmt.digest, fmt)


def render_html(doc: Document, fmt: Format, *, inline_css: bool = True) -> str:
    """The whole document as one HTML page (stylesheet inlined unless ``inline_css=False``)."""
    name = fmt.spec.html or "document.html.j2"
    manifest = Location(str(fmt.manifest_path))
    try:
        template = _environment(str(fmt.folder), fmt.digest).get_template(name)
        return template.render(doc=doc, css=stylesheet_text(fmt) if inline_css else "",
                               cover_em=cover_width_em(fmt.typography))
    except jinja2.TemplateNotFound as exc:
        why = f"：{exc.message}" if getattr(exc, "message", None) and exc.message != name else ""
        raise TemplateError(problems=[Problem("format.template", f"找不到 HTML 模板“{name}”{why}", manifest)]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(problems=[Problem(
            "format.template", f"HTML 模板语法错误：{exc.message}",
            Location(str(fmt.folder / name), exc.lineno or 0))]) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(problems=[Problem(
            "format.template", f"HTML 模板出错：{getattr(exc, 'message', None) or exc}", Location(str(fmt.folder / name)))]) from None


@register("html", needs_pages=False)
def html_renderer(doc: Document, fmt: Format, pages=None) -> bytes:
    return render_html(doc, fmt).encode("utf-8")
