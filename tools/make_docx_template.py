#!/usr/bin/env python3
"""Generate a format's Word template (``template.docx``) reproducibly with python-docx.

    python tools/make_docx_template.py templates/kezhou-2020
    python tools/make_docx_template.py templates/national-2024 --variant national-2024

The result is an ordinary Word document that a person can open and restyle in
Word (开始 → 样式; 布局 → 页边距).  The DOCX renderer
(generator/renderers/docx.py) refers to the styles by name only, so changing
fonts, sizes, spacing, margins or the footer in Word changes every generated
document.  What the template holds:

* styles: Normal, Body Text (正文, first line indented two characters), List
  Paragraph, Note, Signature (right-aligned), heading 1-3, Title / Subtitle /
  Cover Text (封面), TOC Heading and toc 1-3 (目录: right tab with dot leader),
  Table Number / Table Title (段前分页: every table starts a page), Inline
  Table Title (tables inside the text, e.g. 绩效目标表), Table Caption, Table Header / Table Text (+ Small, for very wide tables), Table
  Note, the table style "Disclosure Table" (single-line borders, rows never
  split), header / footer.  Every style names its East Asian font explicitly
  (w:rFonts w:eastAsia=…, plus ascii/hAnsi/cs): python-docx's ``font.name``
  alone would leave Chinese text to Word's theme font.
* page setup: A4 portrait.  Landscape sections (wide tables) use the margins in
  the custom document property ``LandscapeMarginsMM`` (文件 → 信息 → 属性 →
  高级属性 → 自定义), e.g. ``top=20 right=20 bottom=18 left=20 header=10 footer=8``;
  ``KeepInlineTablesTogether`` = 1 keeps each inline table on one page when it fits.
* footer: "第 {PAGE} 页 共 {= {NUMPAGES} - {{ cover_pages }}} 页" as real Word
  fields; the cover is numbered 0 and not counted, as in the PDF.  (Word and
  WPS evaluate the formula; LibreOffice ignores it and shows NUMPAGES, which
  counts the cover.)
* body: an optional cover (``{%p if cover %}`` … ``{{ cover.title }}``,
  ``{{ cover.subtitle }}``, ``{{ cover.org }}``, ``{{ cover.date }}`` …
  ``{%p endif %}``) in its own section without a footer, then the
  ``{{p body }}`` paragraph the renderer replaces with the document body.
  ``doc.title``, ``doc.department``, ``doc.year`` and ``doc.author`` are also
  available to tags placed in the template by hand.

The kezhou-2020 variant mirrors templates/kezhou-2020/style.css (the PDF
layout); national-2024 mirrors templates/national-2024/style.css (GB/T 9704 版心, 三号仿宋).
"""

from __future__ import annotations

import argparse
import copy
import datetime as _dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from lxml import etree
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from generator.renderers.docx import deterministic_zip  # noqa: E402  (one zip normaliser for template and output)

W = nsdecls("w")

# ---------------------------------------------------------------------------
# Variants: everything that differs between formats' templates.
# Sizes in points; margins in millimetres.
# ---------------------------------------------------------------------------

KEZHOU_2020 = {
    # mirrors templates/kezhou-2020/style.css so the DOCX and the PDF look alike
    "latin": "Times New Roman",
    "body_font": "仿宋_GB2312",
    "heading_fonts": ("黑体", "黑体", "楷体_GB2312"),
    "heading_sizes": (18, 16, 14),  # 小二 / 三号 / 四号
    "heading_bold": (False, False, True),
    "heading_center": (False, False, False),  # the model's Heading.align centres when asked
    "title_font": "黑体",
    "table_font": "宋体",
    "table_header_font": "黑体",
    "footer_font": "宋体",
    "body_size": 14,  # 四号
    "body_line": 23,  # exact line height of body text (1.65 × 14pt)
    "title_size": 26,  # 一号
    "subtitle_size": 26,
    "cover_size": 16,  # 三号
    "toc_title_size": 18,
    "toc_size": 14,
    "table_number_font": "黑体",
    "table_number_size": 12,  # 小四
    "table_title_font": "宋体",
    "table_title_bold": True,
    "table_title_size": 16,  # 三号
    "table_size": 10.5,  # 五号
    "table_small_size": 9,  # 小五
    "table_line": 1.2,  # exact line height of table text (and table titles), × font size
    "note_size": 12,  # 小四
    "footer_size": 10.5,
    "inline_title_size": 16,  # titles of inline tables (绩效目标表 in the 情况说明)
    "keep_inline_tables": False,  # custom property KeepInlineTablesTogether: inline tables never split
    "table_new_page": True,  # each table starts a page (style "Table Number"/"Table Title": 段前分页)
    # millimetres; the landscape margins are stored as the custom property LandscapeMarginsMM
    "margins": {"top": 25, "right": 24, "bottom": 22, "left": 26, "header": 12, "footer": 10},
    "landscape_margins": {"top": 20, "right": 20, "bottom": 18, "left": 20, "header": 10, "footer": 8},
    "footer": ("第 ", "PAGE", " 页 共 ", "TOTAL", " 页"),
}

NATIONAL_2024 = dict(
    KEZHOU_2020,
    # mirrors templates/national-2024/style.css: GB/T 9704 版心, 三号仿宋 on a 28pt line
    body_size=16,  # 三号
    body_line=28,
    heading_fonts=("黑体", "黑体", "楷体_GB2312"),
    heading_sizes=(22, 16, 16),
    heading_bold=(False, False, True),
    title_size=26,
    subtitle_size=26,
    toc_title_size=22,
    toc_size=16,
    table_title_size=18,
    inline_title_size=14,
    keep_inline_tables=True,  # .table-block.inline { break-inside: avoid }
    note_size=12,
    footer_size=14,  # 四号
    margins={"top": 37, "right": 26, "bottom": 35, "left": 28, "header": 15, "footer": 22},
    landscape_margins={"top": 28, "right": 37, "bottom": 26, "left": 35, "header": 12, "footer": 14},
    footer=("— ", "PAGE", " —"),
)

VARIANTS = {"kezhou-2020": KEZHOU_2020, "national-2024": NATIONAL_2024}

FIXED_DATE = _dt.datetime(2020, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------
# Style XML helpers
# ---------------------------------------------------------------------------

def rpr(v: dict, font: str, size: float, bold: bool = False, latin: str | None = None) -> str:
    latin = latin or v["latin"]
    half = int(round(size * 2))
    b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    return (f'<w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{font}" w:cs="{latin}"/>'
            f'{b}<w:color w:val="000000"/><w:kern w:val="2"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
            f'<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>')


def ppr(*, keep_next=False, page_break=False, tabs: str = "", before=0.0, after=0.0, line: float | None = None,
        first_chars: int = 0, first_twips: int = 0, left: int = 0, right: int = 0, jc: str = "",
        outline: int | None = None, widow=True) -> str:
    """Paragraph properties in schema order (Word rejects out-of-order children)."""
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if page_break:
        parts.append("<w:pageBreakBefore/>")
    parts.append("<w:widowControl/>" if widow else '<w:widowControl w:val="0"/>')
    if tabs:
        parts.append(f"<w:tabs>{tabs}</w:tabs>")
    if line is None:  # single
        spacing = f'<w:spacing w:before="{int(before * 20)}" w:after="{int(after * 20)}" w:line="240" w:lineRule="auto"/>'
    else:
        spacing = (f'<w:spacing w:before="{int(before * 20)}" w:after="{int(after * 20)}" '
                   f'w:line="{int(line * 20)}" w:lineRule="exact"/>')
    parts.append(spacing)
    ind = f'<w:ind w:left="{left}" w:right="{right}"'
    if first_chars:
        ind += f' w:firstLineChars="{first_chars}" w:firstLine="{first_twips}"'
    else:
        ind += ' w:firstLineChars="0" w:firstLine="0"'
    parts.append(ind + "/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def para_style(style_id: str, name: str, p: str, r: str, based_on: str | None = "Normal", next_id: str | None = None,
               qformat=True, ui: int | None = None, default=False) -> str:
    attrs = f'w:type="paragraph" w:styleId="{style_id}"' + (' w:default="1"' if default else "")
    parts = [f'<w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_id:
        parts.append(f'<w:next w:val="{next_id}"/>')
    if ui is not None:
        parts.append(f'<w:uiPriority w:val="{ui}"/>')
    if qformat:
        parts.append("<w:qFormat/>")
    return f"<w:style {W} {attrs}>{''.join(parts)}{p}{r}</w:style>"


def build_styles(v: dict, text_width: int) -> list[str]:
    bf, tf = v["body_font"], v["table_font"]
    bs, line = v["body_size"], v["body_line"]
    two_chars = int(bs * 20 * 2)  # twips of two body characters
    dots = f'<w:tab w:val="right" w:leader="dot" w:pos="{text_width}"/>'
    toc_line = v["toc_size"] * 2
    toc_two = int(v["toc_size"] * 40)
    styles = [
        para_style("Normal", "Normal", ppr(line=line, jc="both"), rpr(v, bf, bs), based_on=None, default=True),
        para_style("BodyText", "Body Text", ppr(line=line, jc="both", first_chars=200, first_twips=two_chars),
                   rpr(v, bf, bs), next_id="BodyText"),
        para_style("ListParagraph", "List Paragraph", ppr(line=line, jc="both", first_chars=200, first_twips=two_chars),
                   rpr(v, bf, bs), next_id="ListParagraph", ui=34),
        para_style("Note", "Note", ppr(line=v["note_size"] * 1.65, jc="both", first_chars=200,
                                        first_twips=int(v["note_size"] * 40)),
                   rpr(v, bf, v["note_size"]), next_id="Note"),
        para_style("Signature", "Signature", ppr(line=line, jc="right", right=two_chars),
                   rpr(v, bf, bs), next_id="Signature", ui=99),
    ]
    for level in (1, 2, 3):
        font, size = v["heading_fonts"][level - 1], v["heading_sizes"][level - 1]
        center = v["heading_center"][level - 1]
        indent = {} if (center or level == 1) else {"first_chars": 200, "first_twips": int(size * 40)}
        if level == 1:
            p = ppr(keep_next=True, before=6, after=17, line=size * 1.5, jc="center" if center else "left", outline=0)
        else:
            p = ppr(keep_next=True, before=8 if level == 2 else 0, after=3 if level == 2 else 0,
                    line=max(line, size * 1.5), jc="center" if center else "left", outline=level - 1, **indent)
        styles.append(para_style(f"Heading{level}", f"heading {level}", p,
                                 rpr(v, font, size, bold=v["heading_bold"][level - 1]), next_id="BodyText", ui=9))
    styles += [
        para_style("Title", "Title", ppr(before=0, after=0, line=v["title_size"] * 1.5, jc="center"),
                   rpr(v, v["title_font"], v["title_size"]), next_id="Subtitle", ui=10),
        para_style("Subtitle", "Subtitle", ppr(before=0, after=0, line=v["subtitle_size"] * 1.5, jc="center"),
                   rpr(v, v["title_font"], v["subtitle_size"]), next_id="CoverText", ui=11),
        para_style("CoverText", "Cover Text", ppr(before=0, after=0, line=v["cover_size"] * 1.8, jc="center"),
                   rpr(v, bf, v["cover_size"]), next_id="CoverText"),
        para_style("TOCHeading", "TOC Heading", ppr(before=11, after=23, line=v["toc_title_size"] * 1.5, jc="center"),
                   rpr(v, v["heading_fonts"][0], v["toc_title_size"]), next_id="TOC1", ui=39),
        para_style("TOC1", "toc 1", ppr(tabs=dots, line=toc_line), rpr(v, v["heading_fonts"][1], v["toc_size"]),
                   next_id="TOC1", ui=39, qformat=False),
        para_style("TOC2", "toc 2", ppr(tabs=dots, line=toc_line, left=toc_two), rpr(v, bf, v["toc_size"]),
                   next_id="TOC2", ui=39, qformat=False),
        para_style("TOC3", "toc 3", ppr(tabs=dots, line=toc_line, left=toc_two * 2), rpr(v, bf, v["toc_size"]),
                   next_id="TOC3", ui=39, qformat=False),
        para_style("TableNumber", "Table Number",
                   ppr(keep_next=True, page_break=v["table_new_page"], before=0, after=3, jc="left"),
                   rpr(v, v["table_number_font"], v["table_number_size"]), next_id="TableTitle"),
        para_style("TableTitle", "Table Title",
                   ppr(keep_next=True, page_break=v["table_new_page"], before=3, after=8,
                       line=round(v["table_title_size"] * v["table_line"], 1), jc="center"),
                   rpr(v, v["table_title_font"], v["table_title_size"], bold=v["table_title_bold"]),
                   next_id="TableCaption"),
        para_style("InlineTableTitle", "Inline Table Title",
                   ppr(keep_next=True, before=6, after=4, line=round(v["inline_title_size"] * v["table_line"], 1),
                       jc="center"),
                   rpr(v, v["table_title_font"], v["inline_title_size"], bold=v["table_title_bold"]),
                   next_id="TableCaption"),
        para_style("TableCaption", "Table Caption", ppr(keep_next=True, after=4, jc="left"),
                   rpr(v, tf, v["table_size"]), next_id="TableCaption"),
        para_style("TableHeader", "Table Header", ppr(jc="center", line=round(v["table_size"] * v["table_line"], 1), widow=False),
                   rpr(v, v["table_header_font"], v["table_size"]), next_id="TableHeader"),
        para_style("TableText", "Table Text", ppr(jc="left", line=round(v["table_size"] * v["table_line"], 1), widow=False),
                   rpr(v, tf, v["table_size"]), next_id="TableText"),
        para_style("TableHeaderSmall", "Table Header Small", ppr(jc="center", line=round(v["table_small_size"] * v["table_line"], 1), widow=False),
                   rpr(v, v["table_header_font"], v["table_small_size"]), based_on="TableHeader",
                   next_id="TableHeaderSmall"),
        para_style("TableTextSmall", "Table Text Small", ppr(jc="left", line=round(v["table_small_size"] * v["table_line"], 1), widow=False),
                   rpr(v, tf, v["table_small_size"]), based_on="TableText", next_id="TableTextSmall"),
        para_style("TableNote", "Table Note", ppr(before=6, after=0, jc="both", first_chars=200,
                                                   first_twips=int(v["table_size"] * 40)),
                   rpr(v, tf, v["table_size"]), next_id="TableNote"),
        para_style("Header", "header", ppr(jc="center"), rpr(v, v["footer_font"], v["footer_size"]), ui=99,
                   qformat=False),
        para_style("Footer", "footer", ppr(jc="center"), rpr(v, v["footer_font"], v["footer_size"]), ui=99,
                   qformat=False),
        # character / table / numbering defaults Word expects
        f'<w:style {W} w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        # (stays empty: it means "the paragraph style's font"; properties here would override every style)
        f'<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        f'</w:style>',
        f'<w:style {W} w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        f'<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>{rpr(v, tf, v["table_size"])}'
        f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        f'<w:style {W} w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        f'<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        # the data tables: single-line borders, small cell padding, cells centred vertically
        f'<w:style {W} w:type="table" w:styleId="DisclosureTable"><w:name w:val="Disclosure Table"/>'
        f'<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        f'{ppr(jc="left", widow=False)}{rpr(v, tf, v["table_size"])}'
        f'<w:tblPr><w:jc w:val="center"/><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="68" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="68" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:trPr><w:cantSplit/></w:trPr><w:tcPr><w:vAlign w:val="center"/></w:tcPr></w:style>',
    ]
    return styles


def build_styles_part(document, v: dict, text_width: int) -> None:
    styles_el = document.styles.element
    # Drop python-docx's default styles (theme fonts, blue headings); keep latentStyles.
    for st in styles_el.findall(qn("w:style")):
        styles_el.remove(st)
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is not None:
        styles_el.remove(defaults)
    defaults = parse_xml(
        f'<w:docDefaults {W}><w:rPrDefault>{rpr(v, v["body_font"], v["body_size"])}</w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        f'</w:docDefaults>')
    styles_el.insert(0, defaults)
    for xml in build_styles(v, text_width):
        styles_el.append(parse_xml(xml))


# ---------------------------------------------------------------------------
# Document body
# ---------------------------------------------------------------------------

def _field(instr: str, shown: str = "1") -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + (f'<w:r><w:t>{shown}</w:t></w:r>' if shown else "")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def field_runs(parts) -> str:
    """Footer runs: plain strings, PAGE/NUMPAGES as complex fields.

    TOTAL is the page count without the cover, as the PDF prints it:
    ``{ = { NUMPAGES } - {{ cover_pages }} }`` — a formula around NUMPAGES, the
    number of cover pages filled in by docxtpl (0 without a cover).  Word and WPS
    evaluate it; LibreOffice ignores the formula and shows NUMPAGES itself.
    """
    out = []
    for part in parts:
        if part in ("PAGE", "NUMPAGES"):
            out.append(_field(part))
        elif part == "TOTAL":
            out.append('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                       '<w:r><w:instrText xml:space="preserve"> = </w:instrText></w:r>'
                       + _field("NUMPAGES", "")
                       + '<w:r><w:instrText xml:space="preserve"> - {{ cover_pages }} </w:instrText></w:r>'
                       '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                       '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        else:
            out.append(f'<w:r><w:t xml:space="preserve">{part}</w:t></w:r>')
    return "".join(out)


CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPS_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


def add_custom_properties(document, props: dict[str, str]) -> None:
    """docProps/custom.xml (Word: 文件 → 信息 → 属性 → 高级属性 → 自定义)."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from xml.sax.saxutils import escape, quoteattr

    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name={quoteattr(name)}>'
        f'<vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for i, (name, value) in enumerate(props.items(), start=2))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           f'{items}</Properties>')
    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPS_CT, xml.encode("utf-8"), package)
    package.relate_to(part, CUSTOM_PROPS_RT)


def build_document(v: dict) -> Document:
    document = Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    m = v["margins"]
    section.top_margin, section.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    section.left_margin, section.right_margin = Mm(m["left"]), Mm(m["right"])
    section.header_distance, section.footer_distance = Mm(m["header"]), Mm(m["footer"])
    section.gutter = 0
    text_width = int(section.page_width.twips - section.left_margin.twips - section.right_margin.twips)
    build_styles_part(document, v, text_width)

    def para(text: str, style: str):
        return document.add_paragraph(text, style=style)

    para("{%p if cover %}", "Normal")
    para("{{ cover.title }}", "Title").paragraph_format.space_before = Mm(62)
    para("{{ cover.subtitle }}", "Subtitle")
    para("{{ cover.org }}", "Cover Text").paragraph_format.space_before = Mm(95)
    date = para("{{ cover.date }}", "Cover Text")
    # The cover is its own section (ending with the date paragraph): no footer, and
    # numbered 0 so the page after it (the 目录) is 第 1 页, as in the PDF.
    cover_sectPr = copy.deepcopy(body.find(qn("w:sectPr")))
    for ref in cover_sectPr.findall(qn("w:footerReference")) + cover_sectPr.findall(qn("w:headerReference")):
        cover_sectPr.remove(ref)
    cover_sectPr.find(qn("w:pgMar")).addnext(parse_xml(f'<w:pgNumType {W} w:start="0"/>'))
    date._p.get_or_add_pPr()._insert_sectPr(cover_sectPr)
    para("{%p endif %}", "Normal")
    para("{{p body }}", "Normal")

    main = document.sections[-1]
    main.footer.is_linked_to_previous = False
    footer_p = main.footer.paragraphs[0]
    footer_p.style = document.styles["footer"]  # by name
    for r in parse_xml(f'<w:p {W}>{field_runs(v["footer"])}</w:p>').findall(qn("w:r")):
        footer_p._p.append(r)

    cp = document.core_properties
    cp.title = "部门预算公开"
    cp.subject = "部门预算公开"
    cp.author = "disclose"
    cp.last_modified_by = "disclose"
    cp.comments = "由 tools/make_docx_template.py 生成；可在 Word 中修改样式。"
    cp.language = "zh-CN"
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE

    # python-docx's default package carries parts this template must not inherit: a
    # thumbnail of an unrelated document, Word 2010's stylesWithEffects (theme fonts),
    # an unused numbering part and customXml.
    drop = ("thumbnail", "stylesWithEffects", "/numbering", "/customXml")
    for rels in (document.part.package.rels, document.part.rels):
        for rid, rel in list(rels.items()):
            if any(rel.reltype.endswith(d) for d in drop):
                rels.pop(rid)
    add_fonts(document)
    lm = v["landscape_margins"]
    add_custom_properties(document, {
        # read by generator/renderers/docx.py for the landscape sections of wide tables
        "LandscapeMarginsMM": " ".join(f"{k}={lm[k]}" for k in ("top", "right", "bottom", "left", "header", "footer")),
        "KeepInlineTablesTogether": "1" if v["keep_inline_tables"] else "0",
    })

    settings = document.settings.element
    preview = settings.find(qn("w:savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    return document


FONT_ALIASES = {
    "仿宋_GB2312": ("仿宋", "modern", "fixed"),
    "楷体_GB2312": ("楷体", "modern", "fixed"),
    "方正小标宋简体": ("宋体", "script", "fixed"),
    "仿宋": ("FangSong", "modern", "fixed"),
    "楷体": ("KaiTi", "modern", "fixed"),
    "黑体": ("SimHei", "modern", "fixed"),
    "宋体": ("SimSun", "auto", "variable"),
}


def add_fonts(document) -> None:
    """Declare the CJK fonts (GB2312 charset, with a fallback name) in fontTable.xml."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = parse_xml(part.blob)
    for name, (alt, family, pitch) in FONT_ALIASES.items():
        root.append(parse_xml(f'<w:font {W} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                              f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="format folder, e.g. templates/kezhou-2020")
    ap.add_argument("--variant", choices=sorted(VARIANTS),
                    help="styling variant (default: the folder's name if it is a known variant, else kezhou-2020)")
    ap.add_argument("--output", default="template.docx", help="file name inside the folder (default template.docx)")
    args = ap.parse_args(argv)
    variant = args.variant or (args.folder.name if args.folder.name in VARIANTS else "kezhou-2020")
    document = build_document(VARIANTS[variant])
    buf = io.BytesIO()
    document.save(buf)
    args.folder.mkdir(parents=True, exist_ok=True)
    target = args.folder / args.output
    target.write_bytes(deterministic_zip(buf.getvalue()))
    print(f"{target} ({variant})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
