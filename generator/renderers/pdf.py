"""PDF: the HTML layout printed by WeasyPrint.

- Deterministic: no creation date, and the PDF identifier is a hash of the
  HTML and its stylesheet, so the same YAML gives byte-identical files.
- Only allow-listed CJK fonts may be embedded; anything else (a DejaVu
  fallback for a character the CJK fonts lack) is a ``RenderError``.
- The layout is made once, by the pagination stage (:func:`layout`, called from
  :mod:`generator.renderers.pagination`); this renderer writes that layout. The
  page of every 目录 entry is read from it there, never written into the model.
- Nothing is fetched from outside the format folder (:func:`confined_fetcher`).

Speed (see benchmarks/results.md for the profile): everything that does not
depend on the document is done once per process — the font configuration,
the format's stylesheet (parsed once and passed to WeasyPrint, not inlined),
a user-agent stylesheet without the footnote/marker rules that made WeasyPrint
compute six pseudo-element styles for every element — and the HTML, which the
template keeps well-formed, is parsed by the C XML parser instead of the pure
Python HTML5 one. ``_install_speedups`` also removes three costs inside
WeasyPrint 70 without changing the pages: the 20–27 MB font files copied into
Python for every font of every document, a second HarfBuzz subset pass that
only re-did the first (same bytes), and zlib level 9 (level 6: +0.2 % size).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

from .. import fonts  # before weasyprint: sets FONTCONFIG_FILE
from ..document.model import Document, Heading, Paragraph, Table, TitlePage, Toc
from ..errors import Location, Problem, RenderError
from ..formats import Format
from . import register
from .html import render_html, stylesheet_text

_FONT_CONFIG = None
_LOCK = threading.RLock()
# Pages of these named page types are not counted (see ``@page cover`` in style.css).
UNCOUNTED_PAGES = frozenset({"cover"})


def _weasyprint():
    import weasyprint  # imported lazily: heavy, and only after FONTCONFIG_FILE is set

    _install_speedups(weasyprint)
    return weasyprint


# --- per-process speed-ups -------------------------------------------------------------

_SPEEDUPS: bool | None = None
#: WeasyPrint versions whose internals the speed-ups below were checked against (the
#: same pages with and without them). Other versions, or DISCLOSE_NO_SPEEDUPS=1 in the
#: environment, render exactly as plain WeasyPrint does.
_PATCHED_VERSIONS = ("70.",)


def _install_speedups(weasyprint) -> bool:
    """Patch WeasyPrint's font embedding once per process (only on checked versions).
    The result also gates the lighter user-agent stylesheet and the XML parser."""
    global _SPEEDUPS
    if _SPEEDUPS is not None:
        return _SPEEDUPS
    with _LOCK:
        if _SPEEDUPS is None:
            try:
                _SPEEDUPS = (weasyprint.__version__.startswith(_PATCHED_VERSIONS)
                             and not os.environ.get("DISCLOSE_NO_SPEEDUPS") and _patch_fonts())
            except Exception:  # a changed internal: render exactly as WeasyPrint does
                _SPEEDUPS = False
    return _SPEEDUPS


def _patch_fonts() -> bool:
    import types
    import zlib

    import pydyf
    from weasyprint.pdf import fonts as wp_fonts
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    font_class = wp_fonts.Font
    original_data = wp_fonts.get_hb_object_data
    original_init = font_class.__init__
    if not (callable(original_data) and hasattr(font_class, "_harfbuzz_subset") and hasattr(pydyf, "zlib")):
        return False
    local = threading.local()
    files: dict[tuple[int, int], tuple[object, bytes]] = {}

    def get_hb_object_data(hb_object, ot_color=None, glyph=None):
        # Only the whole font file read by Font.__init__ is cached: it is the same
        # mmapped file for every document. The kept blob reference pins the mapping,
        # so its address can never be reused by another file.
        if ot_color is not None or not getattr(local, "font_init", False):
            return original_data(hb_object, ot_color, glyph)
        blob = harfbuzz.hb_face_reference_blob(hb_object)
        length = ffi.new("unsigned int *")
        pointer = harfbuzz.hb_blob_get_data(blob, length)
        if pointer == ffi.NULL:
            harfbuzz.hb_blob_destroy(blob)
            return None
        key = (int(ffi.cast("uintptr_t", pointer)), int(length[0]))
        with _LOCK:
            hit = files.get(key)
            if hit is None:
                # A view of the mapped file, not a copy: HarfBuzz subsets from the face,
                # and WeasyPrint only reads the first bytes of this (or copies it on the
                # fontTools fallback paths). A copy held 20-27 MB per CJK face in memory.
                files[key] = hit = (blob, ffi.buffer(pointer, key[1]))
                blob = None
        if blob is not None:
            harfbuzz.hb_blob_destroy(blob)
        return hit[1]

    def __init__(self, *args, **kwargs):
        local.font_init = True
        try:
            original_init(self, *args, **kwargs)
        finally:
            local.font_init = False

    drop_tables = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in (
        b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG "))

    def _harfbuzz_subset(self, to_unicode, hinting):
        # WeasyPrint subsets twice: keeping the used glyph ids, then again keeping
        # ids 0..max to drop hinting. One pass with both flags gives the same bytes.
        subset = harfbuzz_subset
        hb_input = ffi.gc(subset.hb_subset_input_create_or_fail(), subset.hb_subset_input_destroy)
        glyphs = sorted(to_unicode)
        array = ffi.new("hb_codepoint_t[]", glyphs)  # one C type to parse, not one per length
        harfbuzz.hb_set_add_sorted_array(subset.hb_subset_input_glyph_set(hb_input), array, len(glyphs))
        flags = (subset.HB_SUBSET_FLAGS_RETAIN_GIDS | subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED |
                 subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
        if not hinting:
            flags |= subset.HB_SUBSET_FLAGS_NO_HINTING
        if self.missing:
            flags |= subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        subset.hb_subset_input_set_flags(hb_input, flags)
        drop = ffi.new("hb_codepoint_t[]", drop_tables)
        harfbuzz.hb_set_add_sorted_array(
            subset.hb_subset_input_set(hb_input, subset.HB_SUBSET_SETS_DROP_TABLE_TAG), drop, len(drop_tables))
        hb_face = ffi.gc(subset.hb_subset_or_fail(self.hb_face, hb_input), harfbuzz.hb_face_destroy)
        if hb_face:
            data = original_data(hb_face)
            if data:
                self.file_content = data
                return
        wp_fonts.LOGGER.warning('Unable to subset "%s" with HarfBuzz', self.family)

    wp_fonts.get_hb_object_data = get_hb_object_data
    font_class.__init__ = __init__
    font_class._harfbuzz_subset = _harfbuzz_subset
    # pydyf compresses every stream at level 9; level 6 is twice as fast for +0.2 % size.
    pydyf.zlib = types.SimpleNamespace(
        compress=zlib.compress, compressobj=lambda level=-1, *a, **k: zlib.compressobj(6, *a, **k))
    return True


_HTML_CLASSES: dict[bool, type] = {}
_SHEETS: dict[tuple[str, str], object] = {}


def _html_class(author_css: str) -> type:
    """``weasyprint.HTML`` with a lighter user-agent stylesheet: WeasyPrint's own
    without the footnote and note rules (``::footnote-call`` …) and with
    ``::marker`` limited to ``li``. As universal pseudo-element rules they made
    WeasyPrint compute six extra styles for every element. The stylesheet is kept
    whole when the format's stylesheet uses footnotes, notes or list markers."""
    # A word in a comment is no rule. An unclosed comment runs to the end, as CSS reads it; that
    # also keeps this linear (``/\*.*?\*/`` alone is quadratic on a hostile "/*a/*a/*a…").
    rules = re.sub(r"/\*.*?(?:\*/|\Z)", "", author_css, flags=re.S)
    full = bool(re.search(r"footnote|::?note-|float\s*:\s*note|::?marker\b|list-item", rules))
    with _LOCK:
        cls = _HTML_CLASSES.get(full)
        if cls is None:
            weasyprint = _weasyprint()
            from weasyprint import html as wp_html

            text = wp_html.UA
            if not full:
                text = re.sub(r"(?m)^::(?:footnote|note)-[^\n]*\n", "", text)
                text = re.sub(r"(?m)^::marker\b", "li::marker", text)
            ua = weasyprint.CSS(string=text, counter_style=wp_html.UA_COUNTER_STYLE)

            class _HTML(weasyprint.HTML):
                def _ua_stylesheets(self, forms=False):
                    return [ua, wp_html.UA_FORM_STYLESHEET] if forms else [ua]

            cls = _HTML_CLASSES[full] = _HTML
    return cls


def _author_sheet(css: str, base_url: str, folder):
    """The format's stylesheet, parsed once per process (None: inline it instead)."""
    if not css.strip() or "@font-face" in css or "@counter-style" in css:
        return None  # these need the document's own font/counter registries
    key = (hashlib.sha256(css.encode()).hexdigest(), base_url)
    sheet = _SHEETS.get(key)
    if sheet is None:
        weasyprint = _weasyprint()
        sheet = weasyprint.CSS(string=css, base_url=base_url, font_config=font_configuration(),
                               url_fetcher=confined_fetcher(folder))
        if len(_SHEETS) > 16:
            _SHEETS.clear()
        _SHEETS[key] = sheet
    return sheet


def confined_fetcher(folder):
    """WeasyPrint's URL fetcher, confined: ``data:`` URLs and files of the format folder
    (read through generator.formats.files: no symlinks, regular files, size-capped).
    Nothing else — no http(s), no other local file — is ever fetched."""
    from urllib.parse import unquote, urlparse

    from ..formats.files import read_confined

    root = Path(folder).resolve()

    def local(url: str) -> bytes:
        parsed = urlparse(url)
        if parsed.scheme != "file":
            raise ValueError(f"refused (only files of the format folder): {url}")
        path = Path(unquote(parsed.path))
        try:
            rel = path.relative_to(root)
        except ValueError:
            raise ValueError(f"refused (outside the format folder): {url}") from None
        return read_confined(root, rel.as_posix(), cap="font")  # type: ignore[return-value]

    try:
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:  # WeasyPrint < 70: fetchers are functions returning dicts
        from weasyprint.urls import default_url_fetcher  # type: ignore[attr-defined]

        def fetch(url: str, *args, **kwargs):
            if url.startswith("data:"):
                return default_url_fetcher(url, *args, **kwargs)
            return {"string": local(url), "redirected_url": url}

        return fetch

    class _Confined(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            return URLFetcherResponse(url, local(url))

    return _Confined()


def _html_document(html: str, base_url: str, author_css: str, folder):
    """A WeasyPrint HTML document; well-formed markup is parsed by the C XML parser."""
    weasyprint = _weasyprint()
    fetcher = confined_fetcher(folder)
    if not _SPEEDUPS:
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    html_class = _html_class(author_css)
    try:
        root = ET.fromstring(html)
    except ET.ParseError:  # not XML (a format's own HTML template): WeasyPrint's HTML5 parser
        return html_class(string=html, base_url=base_url, url_fetcher=fetcher)
    import cssselect2

    document = html_class.__new__(html_class)
    document.base_url = weasyprint._find_base_url(root, base_url)
    document.url_fetcher = fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


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
    missing = fonts.missing_glyphs(document_text(doc), font_stacks(fmt), own_font_files(fmt))
    if missing:
        chars = "、".join(fonts.describe_char(ch) for ch in sorted(missing))
        raise RenderError(problems=[Problem(
            "render.missing-glyph",
            f"已安装的中文字体中没有这些字符的字形，PDF 无法正确显示：{chars}。请改用常用汉字或标点。",
            Location(doc.title or fmt.name))])


def page_numbers(rendered) -> tuple[dict[str, int], int]:
    """Anchor → printed page number (uncounted cover pages skipped, first occurrence wins),
    and the number of counted pages."""
    numbers: dict[str, int] = {}
    number = 0
    for page in rendered.pages:
        page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
        if getattr(page_type, "name", "") not in UNCOUNTED_PAGES:
            number += 1
        for anchor in page.anchors:
            numbers.setdefault(anchor, max(number, 1))
    return numbers, number


def _check_fonts(rendered, doc: Document, fmt: Format) -> None:
    used = sorted({font.family for font in rendered.fonts.values()})
    extra = format_fonts(fmt)
    bad = [name for name in used if not fonts.font_allowed(name, extra)]
    if bad:
        allowed = "、".join(sorted(set(fonts.ALLOWED_FONTS) | set(extra)))
        raise RenderError(problems=[Problem(
            "render.font",
            f"PDF 用到了不允许的字体：{'、'.join(bad)}（通常是某些字符中文字体里没有，被替换成了别的字体）。"
            f"允许的字体：{allowed}。",
            Location(doc.title or fmt.name))])


def format_fonts(fmt: Format) -> frozenset[str]:
    """Every family the format's typography names (its stacks and its own font files), and
    the names the format's own font files give themselves (the PDF embeds a font under its
    PostScript name, e.g. ``FZXBSJW--GB1-0`` for a file registered as 方正小标宋简体)."""
    t = fmt.typography
    own = frozenset(name for _family, path in own_font_files(fmt) for name in _names_in_file(path))
    return frozenset(f for stack in t.fonts.values() for f in stack) | frozenset(t.font_files) | own


@functools.lru_cache(maxsize=64)
def _names_in_file(path: str) -> tuple[str, ...]:
    """Family, full and PostScript names of a font file (name IDs 1, 4, 6, 16)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            names = {str(rec.toUnicode()).strip() for rec in font["name"].names if rec.nameID in (1, 4, 6, 16)}
    except Exception:  # unreadable: nothing extra is allowed
        return ()
    return tuple(sorted(n for n in names if n))


def font_stacks(fmt: Format) -> tuple[tuple[str, ...], ...]:
    """The font stacks the format's styles use (for the glyph check)."""
    t = fmt.typography
    used = {s.font for s in t.styles.values() if s.font} | {t.footer.font}
    return tuple(tuple(t.families(name)) for name in sorted(used))


def own_font_files(fmt: Format) -> tuple[tuple[str, str], ...]:
    from ..formats.files import confined_path
    return tuple((family, str(confined_path(fmt.folder, name))) for family, name in sorted(fmt.typography.font_files.items()))


def layout(doc: Document, fmt: Format):
    """The document laid out by WeasyPrint (the pagination stage keeps it for the PDF)."""
    fonts.require_fonts()
    _check_glyphs(doc, fmt)
    _weasyprint()
    base_url = fmt.folder.resolve().as_uri() + "/"
    css = stylesheet_text(fmt)
    sheet = _author_sheet(css, base_url, fmt.folder)
    html = render_html(doc, fmt, inline_css=sheet is None)
    rendered = _html_document(html, base_url, css, fmt.folder).render(
        font_config=font_configuration(), stylesheets=[sheet] if sheet is not None else None)
    rendered.disclose_key = hashlib.sha256(f"{css}\n{html}".encode()).hexdigest()
    return rendered


@register("pdf", needs_pages=True)
def render_pdf(doc: Document, fmt: Format, pages) -> bytes:
    """Write the PDF of the layout the pagination stage made (no second layout)."""
    weasyprint = _weasyprint()
    rendered = pages.layout
    identifier = hashlib.sha256(f"{weasyprint.__version__}\n{rendered.disclose_key}".encode()).hexdigest()[:32].encode()
    data = rendered.write_pdf(pdf_identifier=identifier)
    _check_fonts(rendered, doc, fmt)
    return data
