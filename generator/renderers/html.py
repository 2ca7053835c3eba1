"""HTML: the document model laid out by the format's Jinja template.

The template only lays out the model (every string and number in it is final
text); autoescape is on, so text from the YAML can never become markup. The
format's stylesheet is inlined in ``<style>`` so the HTML stands on its own
and WeasyPrint fetches nothing. (The PDF renderer asks for the HTML without
it, ``inline_css=False``, and hands WeasyPrint the stylesheet parsed once per
process instead.)
"""

from __future__ import annotations

import threading
from pathlib import Path

import jinja2

from ..document import model
from ..document.model import Document
from ..errors import Location, Problem, TemplateError
from ..formats import Format

_ENVIRONMENTS: dict[str, jinja2.Environment] = {}
_LOCK = threading.Lock()


def _col_widths(widths: list[int] | None) -> list[str]:
    """Relative column widths as CSS percentages (layout only: the model gives the ratios)."""
    widths = [w for w in (widths or [])]
    total = sum(widths)
    if not widths or total <= 0:
        return []
    return [f"{w * 100 / total:.3f}%" for w in widths]


def _kind(block: object) -> str:
    """The macro name for a block: ``title_page``, ``toc``, ``heading``, ``paragraph``, ``table``, ``page_break``."""
    return {
        model.TitlePage: "title_page", model.Toc: "toc", model.Heading: "heading",
        model.Paragraph: "paragraph", model.Table: "table", model.PageBreak: "page_break",
    }.get(type(block), "unknown")


def environment(folder: Path) -> jinja2.Environment:
    """One Jinja environment per format folder and process."""
    key = str(Path(folder).resolve())
    env = _ENVIRONMENTS.get(key)
    if env is None:
        with _LOCK:
            env = _ENVIRONMENTS.get(key)
            if env is None:
                env = jinja2.Environment(
                    loader=jinja2.FileSystemLoader(key),
                    autoescape=True,
                    undefined=jinja2.StrictUndefined,
                    trim_blocks=True,
                    lstrip_blocks=True,
                    keep_trailing_newline=True,
                )
                env.filters["col_widths"] = _col_widths
                env.filters["block_kind"] = _kind
                _ENVIRONMENTS[key] = env
    return env


#: Appended to every stylesheet: a very long unbroken string (a URL, 500 letters without a
#: space) wraps at the margin instead of running off the page. Inherited, so any element whose
#: format sets ``overflow-wrap`` keeps its own value.
SAFETY_CSS = "\nhtml { overflow-wrap: anywhere; }\n"


def stylesheet_text(doc: Document, fmt: Format) -> str:
    """The stylesheet the document is laid out with: the model's own, else the format's file."""
    if doc.css:
        return doc.css + SAFETY_CSS
    path = fmt.css
    if not path.is_file():
        return SAFETY_CSS
    return path.read_text(encoding="utf-8") + SAFETY_CSS


def render_html(doc: Document, fmt: Format, *, inline_css: bool = True) -> str:
    """The whole document as one HTML page (stylesheet inlined unless ``inline_css=False``)."""
    folder = Path(fmt.folder)
    template_path = Path(fmt.html_template)
    try:
        name = template_path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        raise TemplateError(problems=[Problem(
            "format.template", f"HTML 模板必须位于格式文件夹内：{template_path}", Location(str(folder / "manifest.yaml")))])
    try:
        template = environment(folder).get_template(name)
        return template.render(doc=doc, css=stylesheet_text(doc, fmt) if inline_css else "")
    except jinja2.TemplateNotFound:
        raise TemplateError(problems=[Problem(
            "format.template", f"找不到 HTML 模板“{name}”", Location(str(folder / "manifest.yaml")))]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(problems=[Problem(
            "format.template", f"HTML 模板语法错误：{exc.message}",
            Location(str(exc.filename or template_path), exc.lineno or 0))]) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(problems=[Problem(
            "format.template", f"HTML 模板引用了不存在的字段：{exc.message}", Location(str(template_path)))]) from None
