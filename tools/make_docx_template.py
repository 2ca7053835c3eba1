#!/usr/bin/env python3
"""Generate the shared Word template skeleton (``templates/_base/template.docx``).

    python tools/make_docx_template.py            # writes templates/_base/template.docx

The skeleton holds the structure every generated DOCX shares: an optional cover
(``{%p if cover %}`` … ``{{ cover.title }}``, ``{{ cover.subtitle }}``,
``{{ cover.org }}``, ``{{ cover.date }}`` … ``{%p endif %}``) in its own section
without a footer and numbered 0 (the page after it is 第 1 页, as in the PDF),
the ``{{p body }}`` paragraph the renderer replaces with the document body, and
a footer paragraph ``{{ 页脚 }}`` where the renderer puts the format's footer.

Styles, page margins and the footer's words are *not* fixed here: the DOCX
renderer makes them at render time from the format's ``typography.yaml``
(generator/renderers/docx_styles.py), the same statement the PDF stylesheet is
made from. The styles written into the skeleton are those of the shared base
typography, so the file also looks right when opened on its own.

A bureau that needs its own letterhead or header can save a copy of this file
in its format folder, edit it in Word (keeping the tags above) and name it in
the manifest (``Word模板``).
"""

from __future__ import annotations

import argparse
import copy
import datetime as _dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from lxml import etree

from generator.formats.typography import Typography, _base_data
from generator.renderers.docx import deterministic_zip  # one zip normaliser for template and output
from generator.renderers.docx_styles import build_styles_part, variant

W = nsdecls("w")
FIXED_DATE = _dt.datetime(2020, 1, 1, 0, 0, 0)


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
    footer_p.add_run("{{ 页脚 }}")  # the renderer puts the format's footer (typography.yaml) here

    cp = document.core_properties
    cp.title = "部门预算公开"
    cp.subject = "部门预算公开"
    cp.author = "disclose"
    cp.last_modified_by = "disclose"
    cp.comments = "由 tools/make_docx_template.py 生成。样式、页边距和页脚在生成时由格式的 typography.yaml 决定。"
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
    ap.add_argument("--output", type=Path, default=Path(__file__).resolve().parent.parent / "templates" / "_base" / "template.docx")
    args = ap.parse_args(argv)
    document = build_document(variant(Typography.model_validate(_base_data())))
    buf = io.BytesIO()
    document.save(buf)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(deterministic_zip(buf.getvalue()))
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
