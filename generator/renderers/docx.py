"""DOCX: the document model laid out in the format's Word template (docxtpl).

The format folder's ``template.docx`` (made by ``tools/make_docx_template.py``,
restylable in Word) supplies the styles, page setup, footer and cover; its
``{{p body }}`` paragraph is replaced by the body built here with python-docx
and lxml.  Like the HTML/PDF renderer this only lays the model out: every
string printed is already final text in the model.

- Headings, paragraphs, the 目录 and tables use the template's styles by name
  (``heading 1``-``3``, ``Body Text``, ``toc 1``-``3``, ``Table Title``, ``Table Text``,
  …); the only direct formatting is what the model says per item (alignment,
  bold, indent level, column widths).
- The 目录 is not a Word TOC field: it prints the entries with the page numbers
  the PDF renderer put in ``TocEntry.page`` (blank when ``None``), so the DOCX
  text equals the PDF text; entries link to bookmarks on their targets.
- Tables: header rows repeat on every page (``w:tblHeader``), no row splits
  across pages (``w:cantSplit``), colspan → ``w:gridSpan``, rowspan → ``w:vMerge``,
  relative widths → absolute widths filling the text width.  A table with
  ``landscape=True`` gets a landscape section (margins from the template's
  custom property ``LandscapeMarginsMM``), with the template's footer.
- Escaping: text goes into the XML through lxml (``& < >`` escaped).  docxtpl
  renders only the template's own tags (cover, footer); ``{{p body }}`` gets a
  placeholder paragraph which is then swapped for the body elements, so the
  body never passes through Jinja or docxtpl's regular expressions
  (``{{ x }}``, ``{% if %}``, ``{_{`` stay literal, and large tables stay fast).
  Values for the template's tags are escaped once and guarded against
  docxtpl's post-render ``{_{`` → ``{{`` rewrite.
"""

from __future__ import annotations

import copy
import io
import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.document import Document as _DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Twips
from lxml import etree
from markupsafe import Markup, escape

from ..document.model import Cell, Document, Heading, PageBreak, Paragraph, Table, TitlePage, Toc
from ..errors import Location, Problem, RenderError, TemplateError
from ..formats import Format
from . import docx_styles, register
from .breaks import cover_lines

# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------

# Characters XML 1.0 cannot hold (docxtpl would also turn \a and \f into paragraph/page breaks).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: object) -> str:
    s = "" if text is None else str(text)
    return _INVALID_XML.sub("", s.replace("\r\n", "\n").replace("\r", "\n"))


def _guard_braces(xml: str) -> str:
    """Stop docxtpl's post-render ``{_{``→``{{``, ``}_}``, ``{_%``, ``%_}`` rewrite touching our text."""
    return xml.replace("{_", "{&#95;").replace("_}", "&#95;}").replace("%_", "%&#95;").replace("_%", "&#95;%")


def _markup(text: object) -> Markup:
    """A context value for the template's own tags (cover, doc.title): escaped once, guarded."""
    return Markup(_guard_braces(str(escape(_clean(text)))))


class _View:
    """Attribute bag for the Jinja context (strings pre-escaped)."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __bool__(self) -> bool:
        return True


# --------------------------------------------------------------------------
# Template cache and geometry
# --------------------------------------------------------------------------

def _template_problem(path: Path, message: str) -> TemplateError:
    return TemplateError(problems=[Problem("format.docx-template", message, Location(str(path)))])


@dataclass(frozen=True)
class _Page:
    width: int  # twips
    height: int
    top: int
    right: int
    bottom: int
    left: int
    header: int
    footer: int
    gutter: int = 0

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right - self.gutter


def _page_of(sectPr) -> _Page:
    sz, mar = sectPr.find(qn("w:pgSz")), sectPr.find(qn("w:pgMar"))

    def get(el, name, default):
        v = None if el is None else el.get(qn(f"w:{name}"))
        return int(float(v)) if v not in (None, "") else default

    return _Page(get(sz, "w", 11906), get(sz, "h", 16838), get(mar, "top", 1440), get(mar, "right", 1440),
                 get(mar, "bottom", 1440), get(mar, "left", 1440), get(mar, "header", 720),
                 get(mar, "footer", 720), get(mar, "gutter", 0))


def _apply_page(sectPr, page: _Page, landscape: bool) -> None:
    sz, mar = sectPr.find(qn("w:pgSz")), sectPr.find(qn("w:pgMar"))
    sz.set(qn("w:w"), str(page.width))
    sz.set(qn("w:h"), str(page.height))
    if landscape:
        sz.set(qn("w:orient"), "landscape")
    elif sz.get(qn("w:orient")) is not None:
        del sz.attrib[qn("w:orient")]
    for name in ("top", "right", "bottom", "left", "header", "footer", "gutter"):
        mar.set(qn(f"w:{name}"), str(getattr(page, name)))


# --------------------------------------------------------------------------
# XML helpers
# --------------------------------------------------------------------------

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _sub(parent, tag: str, **attrs):
    el = etree.SubElement(parent, W_NS + tag)
    for k, v in attrs.items():
        el.set(W_NS + k, str(v))
    return el


def _add_text(r, text: str) -> None:
    """Text into a run: lines → w:br, tabs → w:tab."""
    for i, line in enumerate(text.split("\n")):
        if i:
            _sub(r, "br")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                _sub(r, "tab")
            if chunk:
                t = _sub(r, "t")
                t.text = chunk
                if chunk[0].isspace() or chunk[-1].isspace():
                    t.set(_XML_SPACE, "preserve")


_ALIGN = {"left": "left", "center": "center", "right": "right"}
_PARA_ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}

# Style names the renderer uses (Word's built-in names where one exists).
STYLES = {
    "normal": "Normal", "body": "Body Text", "list": "List Paragraph", "note": "Note", "signature": "Signature",
    "h1": "heading 1", "h2": "heading 2", "h3": "heading 3", "h4": "heading 4",
    "toc_title": "TOC Heading", "toc1": "toc 1", "toc2": "toc 2", "toc3": "toc 3",
    "table_number": "Table Number", "table_title": "Table Title", "inline_title": "Inline Table Title",
    "table_caption": "Table Caption", "table_caption_small": "Table Caption Small",
    "table_header": "Table Header", "table_text": "Table Text",
    "table_header_small": "Table Header Small", "table_text_small": "Table Text Small",
    "table_note": "Table Note", "table": "Disclosure Table",
}
_FALLBACK = {"inline_title": "table_title", "table_caption_small": "table_caption", "table_header_small": "table_header", "table_text_small": "table_text", "table_number": "table_caption",
             "list": "body", "note": "body", "toc3": "toc2", "h4": "h3"}


# --------------------------------------------------------------------------
# Body builder
# --------------------------------------------------------------------------

class _BodyBuilder:
    """Builds the body XML in a python-docx document that shares the template's part (styles)."""

    def __init__(self, tpl_docx, template_path: Path, doc: Document, portrait: "_Page", landscape: "_Page",
                 pages, toc_switches: str, new_page_tables: bool = False):
        self.tpl_docx = tpl_docx
        body = tpl_docx.element.body
        final = body.find(qn("w:sectPr"))
        if final is None:
            raise _template_problem(template_path, "Word 模板没有页面设置（w:sectPr）")
        self.final_sectPr = final
        self.portrait = portrait
        self.landscape = landscape
        self.pages = pages
        self.toc_switches = toc_switches
        self.new_page_tables = new_page_tables
        # What ``tpl.new_subdoc()`` makes for an empty subdocument, without docxcompose:
        # a python-docx document of its own whose part (styles) is the template's.
        element = parse_xml(f"<w:document {nsdecls('w', 'r')}><w:body/></w:document>")
        self.sub = _DocxDocument(element, tpl_docx.part)
        self.body = element.body
        self.styles = self._resolve_styles(template_path)
        self.em = {key: self._font_twips(key) for key in ("table_text", "table_text_small")}
        self.bookmarks: dict[str, str] = {}  # model anchor → Word bookmark name (unique)
        for b in doc.blocks:
            anchor = getattr(b, "anchor", "")
            if anchor and isinstance(b, (Heading, Table)) and anchor not in self.bookmarks:
                name = self._bookmark_name(anchor, len(self.bookmarks))
                taken = set(self.bookmarks.values())
                base, n = name, 1
                while name in taken:
                    n += 1
                    name = f"{base[:36]}_{n}"
                self.bookmarks[anchor] = name
        self.placed: set[str] = set()
        self.bookmark_id = 0
        # section state
        self.in_landscape = False
        self.section_has_content = False
        self.pending_break = False
        self.gap = 0  # space (EMU) owed before the next paragraph: the margin around an inline table
        self.prev: object = None

    # -- styles ------------------------------------------------------------

    def _resolve_styles(self, path: Path) -> dict[str, object]:
        by_name = {s.name.lower(): s for s in self.tpl_docx.styles if s.name}
        found, missing = {}, []
        for key, name in STYLES.items():
            style = by_name.get(name.lower())
            if style is None and key in _FALLBACK:
                continue
            if style is None:
                missing.append(name)
            found[key] = style
        for key, other in _FALLBACK.items():
            if key not in found:
                found[key] = found.get(other)
        if missing:
            raise _template_problem(path, "Word 模板缺少样式：" + "、".join(missing)
                                    + "（用 tools/make_docx_template.py 重新生成模板，或在 Word 中补上）")
        return found

    def _font_twips(self, key: str) -> int:
        style = self.styles.get(key)
        while style is not None:
            if style.font.size is not None:
                return int(style.font.size.twips)
            style = style.base_style
        return 210

    @staticmethod
    def _bookmark_name(anchor: str, index: int) -> str:
        name = re.sub(r"[^A-Za-z0-9_]", "_", anchor)
        if not name or not name[0].isalpha():
            name = f"a{index}_{name}"
        return name[:40]

    def _bookmark(self, p_el, anchor: str) -> None:
        name = self.bookmarks.get(anchor)
        if not name or anchor in self.placed:
            return
        self.placed.add(anchor)
        self.bookmark_id += 1
        start = etree.Element(W_NS + "bookmarkStart")
        start.set(W_NS + "id", str(self.bookmark_id))
        start.set(W_NS + "name", name)
        ppr = p_el.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            p_el.insert(0, start)
        _sub(p_el, "bookmarkEnd", id=self.bookmark_id)

    # -- paragraphs ------------------------------------------------------------

    def _paragraph(self, text: str, style_key: str, *, bold: bool = False, align: str | None = None,
                   page_break: bool | None = None):
        """A paragraph via python-docx; ``page_break`` None = the style decides."""
        style = self.styles[style_key]
        p = self.sub.add_paragraph()
        # the style id is resolved once per template; python-docx's by-name lookup per paragraph
        # walks every style of the document (a measurable share of the DOCX time)
        p._p.get_or_add_pPr().get_or_add_pStyle().val = style.style_id
        text = _clean(text)
        if text:
            run = p.add_run(text)
            if bold:
                run.bold = True
        if align in _PARA_ALIGN:
            p.paragraph_format.alignment = _PARA_ALIGN[align]
        if self.gap and self.section_has_content:
            p.paragraph_format.space_before = max(self.gap, _style_space_before(style))
        self.gap = 0
        self._break_rule(p, style, page_break)
        self.section_has_content = True
        return p

    def _break_rule(self, p, style, page_break: bool | None) -> None:
        """Page break before ``p``: pending ones apply, but never at the top of a new section
        (its break already starts a page; a 段前分页 there would add an empty one).
        ``page_break`` None lets the style decide; False is written only to cancel the style's."""
        style_breaks = _style_breaks(style)
        if not self.section_has_content:
            page_break = False
        elif self.pending_break:
            page_break = True
        self.pending_break = False
        if page_break is None or page_break == style_breaks:
            return
        p.paragraph_format.page_break_before = page_break

    def _no_first_indent(self, p) -> None:
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLine"), "0")
        ind.set(qn("w:firstLineChars"), "0")

    # -- sections ------------------------------------------------------------

    def _section_break(self, landscape: bool) -> None:
        """End the current section here (its properties: ``landscape`` or the template's portrait)."""
        sectPr = copy.deepcopy(self.final_sectPr)
        for el in sectPr.findall(qn("w:pgNumType")) + sectPr.findall(qn("w:titlePg")):
            sectPr.remove(el)
        _apply_page(sectPr, self.landscape if landscape else self.portrait, landscape)
        last = self.body[-1] if len(self.body) else None
        if last is None or last.tag != qn("w:p") or last.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            # an empty 1pt paragraph carries the section break (no blank page after a full table)
            last = parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" '
                             f'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>')
            self.body.append(last)
        last.get_or_add_pPr()._insert_sectPr(sectPr)
        self.section_has_content = False
        self.pending_break = False

    def _enter(self, landscape: bool) -> None:
        if landscape == self.in_landscape:
            return
        if self.section_has_content:
            self._section_break(self.in_landscape)
        self.in_landscape = landscape

    # -- blocks ------------------------------------------------------------

    def add(self, block, next_block=None) -> None:
        # a heading right before a landscape table goes onto the table's landscape page
        leads = isinstance(block, Heading) and isinstance(next_block, Table) and next_block.landscape
        self._enter((isinstance(block, Table) and block.landscape) or leads)
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Toc):
            self.toc(block)
        elif isinstance(block, PageBreak):
            self.pending_break = self.section_has_content
        elif isinstance(block, TitlePage):  # a second title page: print it as centred lines
            for text, key in ((block.title, "h1"), (block.subtitle, "h2"), (block.org, "normal"), (block.date, "normal")):
                if text:
                    self._paragraph(text, key, align="center")
        self.prev = block

    def heading(self, h: Heading) -> None:
        # the model's level is the document's structure: 一、 → 2, （一） → 3, 1、 → 4 (Word's outline
        # levels, shown in the navigation pane); deeper levels share heading 4
        key = f"h{min(max(h.level, 1), 4)}"
        p = self._paragraph(h.text, key, align=h.align, page_break=True if h.page_break_before else None)
        if h.align in ("center", "right"):
            self._no_first_indent(p)
        if h.anchor:
            self._bookmark(p._p, h.anchor)

    def paragraph(self, para: Paragraph) -> None:
        key = {"body": "body", "plain": "normal", "center": "normal", "right": "normal", "note": "note",
               "signature": "signature", "list": "list"}.get(para.style, "body")
        align = para.style if para.style in ("center", "right") else None
        p = self._paragraph(para.text, key, bold=para.bold, align=align)
        if para.style == "signature" and isinstance(self.prev, Paragraph) and self.prev.style == "body":
            p.paragraph_format.space_before = Mm(12)

    def toc(self, toc: Toc) -> None:
        """A Word TOC field whose result is already filled in: the entries and the page numbers
        of the pagination stage, so the document reads right before anyone updates the field
        (Word/WPS: 更新域 rebuilds it from the same styles, by ``toc_switches``)."""
        self._paragraph(toc.title, "toc_title")
        entries = list(toc.entries)
        if not entries:
            self.pending_break = True
            return
        for i, entry in enumerate(entries):
            p = self._paragraph("", f"toc{min(max(entry.level, 1), 3)}")
            if i == 0:
                _sub(_sub(p._p, "r"), "fldChar", fldCharType="begin")
                instr = _sub(_sub(p._p, "r"), "instrText")
                instr.text = f" TOC {self.toc_switches} "
                instr.set(_XML_SPACE, "preserve")
                _sub(_sub(p._p, "r"), "fldChar", fldCharType="separate")
            name = self.bookmarks.get(entry.anchor)
            container = p._p
            if name:
                container = _sub(p._p, "hyperlink", anchor=name, history=1)
            r = _sub(container, "r")
            _add_text(r, _clean(entry.text))
            _sub(_sub(container, "r"), "tab")
            page = self.pages.page_of(entry.anchor) if self.pages is not None else None
            r = _sub(container, "r")
            _add_text(r, "" if page is None else str(page))
            if i == len(entries) - 1:
                _sub(_sub(p._p, "r"), "fldChar", fldCharType="end")
        self.pending_break = True  # the 目录 has its page(s) to itself

    # -- tables ------------------------------------------------------------

    def table(self, t: Table) -> None:
        """A table whose identity (number, title, captions) is its first rows, repeated with
        the header rows on every page the table reaches (``w:tblHeader``): a continuation
        page says which table it is, in Word, WPS and LibreOffice alike. The identity rows
        have no rules, so the first page looks as the PDF does (title paragraphs above
        the grid); the title keeps its style, so the 目录 field finds it."""
        page = self.landscape if t.landscape else self.portrait
        width = page.text_width
        # A 公开表 starts a page only when the typography says so (公开表起页: 另起一页) and it does
        # not follow its part heading; inline tables (not in the 目录, e.g. 绩效目标表) flow with the text.
        inline = not t.toc
        after_part_heading = isinstance(self.prev, Heading) and self.prev.level == 1
        new_page = self.pending_break or (self.new_page_tables and not inline and not after_part_heading)
        if self.section_has_content:
            # a 1pt paragraph before the table carries the page break (Word ignores 段前分页
            # inside a table) or the space between two tables that follow each other
            gap = Mm(4) if inline else Mm(6)
            spacer = parse_xml(
                f'<w:p {nsdecls("w")}><w:pPr>{"<w:pageBreakBefore/>" if new_page else ""}'
                f'<w:spacing w:before="{0 if new_page else int(gap.twips)}" '
                f'w:after="0" w:line="20" w:lineRule="exact"/>'
                f'<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>')
            self.body.append(spacer)
        self.pending_break = False
        self.gap = 0
        identity: list[tuple[str, str, bool]] = []  # (text, style key, caption with tab stops)
        if t.number:
            identity.append((t.number, "table_number", False))
        if t.title:
            identity.append((t.title, "inline_title" if inline else "table_title", False))
        if t.caption_left or t.caption_right or t.caption_lines:
            lines = [_clean(x) for x in t.caption_lines]
            middle = ("\t" + "\n\t".join(lines)) if lines else ""
            identity.append((f"{_clean(t.caption_left)}{middle}\t{_clean(t.caption_right)}", "table_caption", bool(lines)))
        tbl = self._table_xml(t, width, identity)
        if tbl is not None and t.keep:
            # Word keeps a table on one page when every row but the last is "keep with next"
            for tr in tbl.findall(W_NS + "tr")[:-1]:
                _keep_next(tr)
        elif tbl is not None:
            # never the header alone at a page foot: it goes with the first two rows
            rows = tbl.findall(W_NS + "tr")
            heads = sum(1 for tr in rows if tr.find(f"{W_NS}trPr/{W_NS}tblHeader") is not None)
            for tr in rows[:min(heads + 2, len(rows) - 1)]:
                _keep_next(tr)
        if tbl is not None:
            self.body.append(tbl)
            self.section_has_content = True
        first = tbl is None
        for note in t.notes:
            p = self._paragraph(note, "table_note", page_break=False)
            if first:
                self._bookmark(p._p, t.anchor)
                first = False
        if inline:
            self.gap = Mm(6)

    def _table_xml(self, t: Table, width: int, identity=()):
        rows = [*t.header, *t.body]
        if not rows and not identity:
            return None
        placed = _place(rows)
        ncols = max([t.ncols, 1 if identity else 0] + [sum(span for _, span, _, _ in r) for r in placed])
        if ncols == 0:
            return None
        widths = _absolute_widths(t.widths, ncols, width)
        small = t.font_size == "small"
        head_style = self.styles["table_header_small" if small else "table_header"].style_id
        text_key = "table_text_small" if small else "table_text"
        text_style = self.styles[text_key].style_id
        em = self.em[text_key]

        tbl = etree.Element(W_NS + "tbl", nsmap={"w": W_NS[1:-1]})  # plain lxml: fast SubElement
        pr = _sub(tbl, "tblPr")
        _sub(pr, "tblStyle", val=self.styles["table"].style_id)
        _sub(pr, "tblW", w=sum(widths), type="dxa")
        _sub(pr, "jc", val="center")
        _sub(pr, "tblLayout", type="fixed")
        if small:  # tighter padding for very wide tables
            mar = _sub(pr, "tblCellMar")
            for side, w in (("top", 34), ("left", 45), ("bottom", 34), ("right", 45)):
                _sub(mar, side, w=w, type="dxa")
        _sub(pr, "tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1)
        grid = _sub(tbl, "tblGrid")
        for w in widths:
            _sub(grid, "gridCol", w=w)
        for i, (text, key, centred_tab) in enumerate(identity):
            tr = _sub(tbl, "tr")
            trpr = _sub(tr, "trPr")
            _sub(trpr, "cantSplit")
            _sub(trpr, "tblHeader")
            tc = _sub(tr, "tc")
            tcpr = _sub(tc, "tcPr")
            _sub(tcpr, "tcW", w=sum(widths), type="dxa")
            if ncols > 1:
                _sub(tcpr, "gridSpan", val=ncols)
            borders = _sub(tcpr, "tcBorders")
            last = i == len(identity) - 1 and bool(rows)
            for side in ("top", "left", "bottom", "right"):
                if side == "bottom" and last:
                    _sub(borders, side, val="single", sz=6, space=0, color="000000")
                else:
                    _sub(borders, side, val="nil")
            mar = _sub(tcpr, "tcMar")  # a paragraph above the grid, as in the PDF: no cell padding
            for side in ("top", "left", "bottom", "right"):
                _sub(mar, side, w=0, type="dxa")
            _sub(tcpr, "vAlign", val="bottom")
            style = self.styles["table_caption_small" if small and key == "table_caption" else key]
            p = self.sub.add_paragraph()
            p._p.get_or_add_pPr().get_or_add_pStyle().val = style.style_id
            if _style_breaks(style):
                p.paragraph_format.page_break_before = False
            text = _clean(text)
            if text:
                _add_text(p._p.add_r(), text)
            if key == "table_caption":
                if centred_tab:
                    p.paragraph_format.tab_stops.add_tab_stop(Twips(sum(widths) // 2), WD_TAB_ALIGNMENT.CENTER)
                p.paragraph_format.tab_stops.add_tab_stop(Twips(sum(widths)), WD_TAB_ALIGNMENT.RIGHT)
            if i == 0:
                self._bookmark(p._p, t.anchor)
            if p._p.getparent() is not None:
                p._p.getparent().remove(p._p)
            tc.append(p._p)
        nhead = len(t.header)
        for index, slots in enumerate(placed):
            is_head = index < nhead
            tr = _sub(tbl, "tr")
            trpr = _sub(tr, "trPr")
            _sub(trpr, "cantSplit")
            if is_head:
                _sub(trpr, "tblHeader")
            used = sum(span for _, span, _, _ in slots)
            if used < ncols:  # a short row: pad with one empty cell
                slots = slots + [(used, ncols - used, Cell(""), None)]
            for col, span, cell, merge in slots:
                span = min(span, ncols - col)
                if span <= 0:
                    continue
                tc = _sub(tr, "tc")
                tcpr = _sub(tc, "tcPr")
                _sub(tcpr, "tcW", w=sum(widths[col:col + span]), type="dxa")
                if span > 1:
                    _sub(tcpr, "gridSpan", val=span)
                if merge == "restart":
                    _sub(tcpr, "vMerge", val="restart")
                elif merge == "continue":
                    _sub(tcpr, "vMerge")
                _sub(tcpr, "vAlign", val="center")
                p = _sub(tc, "p")
                ppr = _sub(p, "pPr")
                _sub(ppr, "pStyle", val=head_style if is_head and (cell is None or cell.bold) else text_style)
                if cell is None:  # continuation of a vertically merged cell
                    continue
                if cell.indent:
                    _sub(ppr, "ind", left=int(cell.indent) * em)
                _sub(ppr, "jc", val=_ALIGN.get(cell.align, "left"))
                text = _clean(cell.text)
                if text:
                    r = _sub(p, "r")
                    if cell.bold:
                        rpr = _sub(r, "rPr")
                        _sub(rpr, "b")
                        _sub(rpr, "bCs")
                    _add_text(r, text)
        return tbl

    def finish(self) -> bool:
        """True when the document ends in a landscape section (the template's last section must turn)."""
        return self.in_landscape

    def xml(self) -> str:
        """The body's children as XML text (prefix ``w:`` as in every Word part)."""
        xml = etree.tostring(self.body, encoding="unicode")
        return re.sub(r"^<w:body[^>]*>|</w:body>$", "", xml)  # (an empty body: "<w:body .../>" → "")


def _keep_next(tr) -> None:
    """Every paragraph of the row keeps with the next (Word keeps rows together this way)."""
    for ppr in tr.iter(W_NS + "pPr"):
        if ppr.find(W_NS + "keepNext") is None:
            keep_next = etree.Element(W_NS + "keepNext")
            style = ppr.find(W_NS + "pStyle")
            if style is not None:
                style.addnext(keep_next)
            else:
                ppr.insert(0, keep_next)


def _inherited(style, attr: str, default):
    """A paragraph-format value of the style, inherited through 基于 (basedOn)."""
    while style is not None:
        value = getattr(style.paragraph_format, attr)
        if value is not None:
            return value
        style = style.base_style
    return default


def _style_space_before(style) -> int:
    return _inherited(style, "space_before", 0)


def _style_breaks(style) -> bool:
    """The style's 段前分页."""
    return _inherited(style, "page_break_before", False)


def _place(rows: list[list[Cell]]) -> list[list[tuple[int, int, Cell | None, str | None]]]:
    """Rows of (column, colspan, cell or None for a vMerge continuation, merge) on the column grid."""
    pending: dict[int, list[int]] = {}  # column → [rows still covered, colspan]
    out = []
    for row in rows:
        slots: list[tuple[int, int, Cell | None, str | None]] = []
        col, cells = 0, list(row)
        i = 0
        while True:
            if col in pending:
                remaining, span = pending[col]
                slots.append((col, span, None, "continue"))
                if remaining <= 1:
                    del pending[col]
                else:
                    pending[col][0] -= 1
                col += span
                continue
            if i >= len(cells):
                later = [c for c in pending if c > col]
                if not later:
                    break
                nxt = min(later)
                slots.append((col, nxt - col, Cell(""), None))
                col = nxt
                continue
            cell = cells[i]
            i += 1
            span = max(int(cell.colspan or 1), 1)
            merge = None
            if (cell.rowspan or 1) > 1:
                pending[col] = [int(cell.rowspan) - 1, span]
                merge = "restart"
            slots.append((col, span, cell, merge))
            col += span
        out.append(slots)
    return out


def _absolute_widths(relative: list[int], ncols: int, text_width: int) -> list[int]:
    """Relative column widths → twips filling ``text_width`` exactly."""
    rel = [max(float(w), 0.0) for w in relative] if relative and len(relative) == ncols else []
    if not rel or sum(rel) <= 0:
        rel = [1.0] * ncols
    s = sum(rel)
    widths = [int(text_width * w / s) for w in rel]
    widths[-1] += text_width - sum(widths)
    return widths


# --------------------------------------------------------------------------
# Render
# --------------------------------------------------------------------------

_PLACEHOLDER = '<w:p><w:pPr><w:pStyle w:val="DiscloseBodyPlaceholder"/></w:pPr></w:p>'


def _splice_body(tpl, body_xml: str) -> bool:
    """Swap the placeholder paragraph of the rendered template for the body (one parse, no Jinja)."""
    root = tpl.docx.element
    body = root.find(qn("w:body"))
    xml = etree.tostring(body, encoding="unicode")
    if xml.count(_PLACEHOLDER) != 1:
        return False
    tpl.map_tree(etree.fromstring(xml.replace(_PLACEHOLDER, body_xml)))
    return True


def deterministic_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps and modes, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(item.filename))
    return out.getvalue()


_BODY_TAG = re.compile(r"\{\{\s*p\s+body\s*\}\}")


_FOOTER_MARK = "\ue002页脚\ue002"


def _external_relationships(tpl_docx) -> list[str]:
    """Targets of the external relationships of every part (attached templates, links,
    remote images): a published DOCX must not make Word or WPS fetch anything."""
    found = []
    seen = set()
    parts = [tpl_docx.part.package]
    for part in tpl_docx.part.package.iter_parts():
        parts.append(part)
    for owner in parts:
        for rel in owner.rels.values():
            if rel.is_external and (id(owner), rel.rId) not in seen:
                seen.add((id(owner), rel.rId))
                found.append(f"{rel.reltype.rsplit('/', 1)[-1]} → {rel.target_ref}")
    return found


def _page_from(t, landscape: bool) -> _Page:
    """A4 page geometry (twips) from the typography's margins."""
    v = docx_styles.variant(t)
    m = v["landscape_margins" if landscape else "margins"]
    tw = lambda mm: int(round(Mm(mm).twips))  # noqa: E731
    width, height = (16838, 11906) if landscape else (11906, 16838)
    return _Page(width, height, tw(m["top"]), tw(m["right"]), tw(m["bottom"]), tw(m["left"]),
                 tw(m["header"]), tw(m["footer"]))


def _apply_typography(tpl_docx, fmt: Format, portrait: _Page) -> None:
    """Styles, margins: the template's own are replaced by the format's typography."""
    v = docx_styles.variant(fmt.typography)
    docx_styles.build_styles_part(tpl_docx, v, portrait.text_width)
    body = tpl_docx.element.body
    for sectPr in body.iter(qn("w:sectPr")):
        sz = sectPr.find(qn("w:pgSz"))
        if sz is not None and sz.get(qn("w:orient")) == "landscape":
            continue
        if sectPr.find(qn("w:pgMar")) is not None and sz is not None:
            _apply_page(sectPr, portrait, False)


def _toc_switches(fmt: Format) -> str:
    """TOC field switches that rebuild the same 目录 from the styles (\\t "style,level,…")."""
    parts = [f"heading {n},{n}" for n in sorted(set(fmt.spec.toc.levels)) if 1 <= n <= 3]
    if fmt.spec.toc.tables:
        parts.append("Table Title,2")
    return '\\h \\z \\t "' + ",".join(parts) + '"'


def _footer_runs(text: str, total: int | None) -> list:
    """The footer paragraph's runs: literal text, a PAGE field for {页码}, the counted pages for {总页数}."""
    runs = []

    def literal(chunk: str) -> None:
        if chunk:
            r = etree.Element(W_NS + "r")
            _add_text(r, chunk)
            runs.append(r)

    rest = text
    while rest:
        hits = [(rest.find(k), k) for k in ("{页码}", "{总页数}") if k in rest]
        if not hits:
            literal(rest)
            break
        i, key = min(hits)
        literal(rest[:i])
        if key == "{页码}":
            for kind in ("begin", None, "separate", "1", "end"):
                r = etree.Element(W_NS + "r")
                if kind in ("begin", "separate", "end"):
                    _sub(r, "fldChar", fldCharType=kind)
                elif kind is None:
                    t = _sub(r, "instrText")
                    t.text = " PAGE "
                    t.set(_XML_SPACE, "preserve")
                else:
                    _add_text(r, "1")
                runs.append(r)
        else:
            literal("" if total is None else str(total))
        rest = rest[i + len(key):]
    return runs


def _fill_footers(tpl, text: str, total: int | None) -> None:
    """Put the typography's footer where the template's footer says {{ 页脚 }}."""
    for rel in tpl.docx.part.rels.values():
        if not rel.reltype.endswith("/footer") or rel.is_external:
            continue
        part = rel.target_part
        root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
        for p in root.iter(qn("w:p")):
            content = "".join(t.text or "" for t in p.iter(qn("w:t")))
            if _FOOTER_MARK not in content:
                continue
            for r in p.findall(qn("w:r")):
                p.remove(r)
            for r in _footer_runs(text, total):
                p.append(r)
        if not hasattr(part, "element"):
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _template_source(fmt: Format) -> tuple[Path, bytes]:
    from ..formats import builtin_templates_dir
    from ..formats.files import read_confined

    if fmt.spec.docx:
        return fmt.folder / fmt.spec.docx, read_confined(fmt.folder, fmt.spec.docx, cap="docx")  # type: ignore[return-value]
    base = builtin_templates_dir() / "_base"
    return base / "template.docx", read_confined(base, "template.docx", cap="docx")  # type: ignore[return-value]


@register("docx", needs_pages=True)
def render_docx(doc: Document, fmt: Format, pages) -> bytes:
    from docxtpl import DocxTemplate  # imported lazily: only the DOCX output needs it

    from ..formats.templating import sandbox

    path, data = _template_source(fmt)
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl_docx = tpl.get_docx()
    except Exception as exc:  # not a zip / not a Word document
        raise _template_problem(path, f"Word 模板无法打开：{exc}") from exc
    external = _external_relationships(tpl_docx)
    if external:
        raise _template_problem(path, "Word 模板含有指向外部的链接，生成的 DOCX 会让 Word 访问外部地址，已拒绝："
                                + "；".join(external) + "（请在 Word 中删除这些链接或附加模板）")
    if not _BODY_TAG.search(re.sub(r"<[^>]+>", "", tpl.get_xml())):
        raise _template_problem(path, "Word 模板中没有正文占位段落 {{p body }}")

    portrait = _page_from(fmt.typography, False)
    landscape = _page_from(fmt.typography, True)
    _apply_typography(tpl_docx, fmt, portrait)
    builder = _BodyBuilder(tpl_docx, path, doc, portrait, landscape, pages, _toc_switches(fmt),
                           fmt.typography.table_start == "另起一页")
    cover = None
    blocks = list(doc.blocks)
    for i, block in enumerate(blocks):
        if isinstance(block, TitlePage) and cover is None:
            cover = block
            continue
        builder.add(block, blocks[i + 1] if i + 1 < len(blocks) else None)
    ends_landscape = builder.finish()

    context = {
        "doc": _View(title=_markup(doc.title), department=_markup(doc.department), year=doc.year,
                     author=_markup(doc.author or doc.department), format_name=_markup(doc.format_name),
                     lang=_markup(doc.lang)),
        "cover": (_View(title=_markup("\n".join(cover_lines(_clean(cover.title), fmt.typography))), subtitle=_markup(cover.subtitle), org=_markup(cover.org),
                        date=_markup(cover.date)) if cover else None),
        "cover_pages": 1 if cover else 0,
        "页脚": Markup(_FOOTER_MARK),
        "body": Markup(_PLACEHOLDER),  # {{p body }}: swapped for the body after docxtpl has rendered
    }
    try:
        tpl.render(context, jinja_env=sandbox([], autoescape=True), autoescape=True)
    except jinja2.TemplateError as exc:
        raise _template_problem(path, f"Word 模板的标记有误：{exc}") from exc

    if not _splice_body(tpl, builder.xml()):
        raise _template_problem(path, "Word 模板中的 {{p body }} 应恰好生成一处正文（不要放进条件或循环里）")
    _fill_footers(tpl, fmt.typography.footer.text, pages.total if pages is not None else None)
    out_docx = tpl.docx
    if ends_landscape:
        _apply_page(out_docx.element.find(qn("w:body")).find(qn("w:sectPr")), builder.landscape, True)
    props = out_docx.core_properties
    # python-docx refuses core properties longer than 255 characters (a very long department name)
    props.title = _clean(doc.title)[:255]
    props.subject = _clean(doc.title)[:255]
    props.author = _clean(doc.author or doc.department)[:255]
    props.keywords = _clean(f"部门预算公开, {doc.department}, {doc.year}")[:255]
    props.language = _clean(doc.lang)[:255]
    buf = io.BytesIO()
    try:
        tpl.save(buf)
    except ValueError as exc:  # lxml refused something: a bug here, not the user's
        raise RenderError(problems=[Problem("render.docx", f"DOCX 生成失败：{exc}", Location(doc.title or fmt.name))])
    return deterministic_zip(buf.getvalue())
