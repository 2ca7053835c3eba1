"""Word styles made from a format's typography (the same statement the stylesheet is made from).

The DOCX renderer replaces the styles part of the Word template with these at
render time, and sets the page margins and the footer from the typography too,
so a format states its fonts, sizes, spacing and margins once, in
``typography.yaml``. ``tools/make_docx_template.py`` uses the same functions to
write the shared skeleton template (``templates/_base/template.docx``).
"""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from ..formats.typography import Style, Typography

W = nsdecls("w")


def _pt(size: str | None, default: float) -> float:
    """A typography length in points (pt, mm, or em of ``default``)."""
    if not size:
        return default
    number = float(size[:-2])
    unit = size[-2:]
    return number if unit == "pt" else number * 72 / 25.4 if unit == "mm" else number * default


def _mm(length: str) -> float:
    number, unit = float(length[:-2]), length[-2:]
    return number if unit == "mm" else number * 25.4 / 72


def _line(style: Style, size: float, default: float) -> float:
    """Exact line height in points: a multiple of the size, or a fixed value."""
    if not style.line:
        return round(size * default, 1)
    if style.line.endswith(("pt", "mm")):
        return round(_pt(style.line, size), 1)
    return round(size * float(style.line), 1)


def variant(t: Typography) -> dict:
    """The style parameters of the Word template, from the typography."""
    def first(key: str, fallback: str) -> str:
        fams = t.families(t.style(key).font or t.style(fallback).font)
        return fams[0] if fams else "宋体"

    def size(key: str, default: float) -> float:
        return _pt(t.style(key).size, default)

    body = t.style("正文")
    bs = size("正文", 14)
    headings = [t.style(f"标题{i}") for i in (1, 2, 3, 4)]
    table = t.style("表格")
    ts = size("表格", 10.5)
    m, lm, f = t.margins, t.landscape_margins, t.footer
    fsize = _pt(f.size, 10.5)

    def margins(mm) -> dict:
        bottom = _mm(mm.bottom)
        return {"top": _mm(mm.top), "right": _mm(mm.right), "bottom": bottom, "left": _mm(mm.left),
                "header": 12.0, "footer": max(round(bottom - _mm(f.gap) - fsize * 25.4 / 72, 1), 4.0)}

    return {
        "latin": t.latin,
        "body_font": first("正文", "正文"),
        "body_size": bs,
        "body_line": _line(body, bs, 1.65),
        "heading_fonts": tuple(first(f"标题{i}", "正文") for i in (1, 2, 3, 4)),
        "heading_sizes": tuple(size(f"标题{i}", bs) for i in (1, 2, 3, 4)),
        "heading_bold": tuple(bool(h.bold) for h in headings),
        "heading_center": tuple(h.align == "中" for h in headings),
        "title_font": first("封面标题", "标题1"),
        "title_size": size("封面标题", 26),
        "subtitle_size": size("封面标题", 26),
        "cover_size": size("封面落款", 16),
        "toc_title_size": size("目录标题", 18),
        "toc_size": size("目录", bs),
        "toc_title_font": first("目录标题", "标题1"),
        "toc1_font": first("目录一级", "正文"),
        "table_number_font": first("表号", "表格"),
        "table_number_size": size("表号", 12),
        "table_title_font": first("表格标题", "表格"),
        "table_title_bold": bool(t.style("表格标题").bold),
        "table_title_size": size("表格标题", 16),
        "table_font": first("表格", "表格"),
        "table_header_font": first("表头", "表格"),
        "table_size": ts,
        "table_small_size": size("小表格", 9),
        "table_line": _line(table, 1.0, 1.2),
        "note_size": size("表注", ts),
        "footer_font": t.families(f.font)[0] if t.families(f.font) else "宋体",
        "footer_size": fsize,
        "inline_title_size": size("内嵌表格标题", 16),
        "table_new_page": False,  # where a table starts is the renderer's (公开表起页), not the style's
        "margins": margins(m),
        "landscape_margins": margins(lm),
    }


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
    for level in (1, 2, 3, 4):
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
                   rpr(v, v["toc_title_font"], v["toc_title_size"]), next_id="TOC1", ui=39),
        para_style("TOC1", "toc 1", ppr(tabs=dots, line=toc_line), rpr(v, v["toc1_font"], v["toc_size"]),
                   next_id="TOC1", ui=39, qformat=False),
        para_style("TOC2", "toc 2", ppr(tabs=dots, line=toc_line, left=toc_two), rpr(v, bf, v["toc_size"]),
                   next_id="TOC2", ui=39, qformat=False),
        para_style("TOC3", "toc 3", ppr(tabs=dots, line=toc_line, left=toc_two * 2), rpr(v, bf, v["toc_size"]),
                   next_id="TOC3", ui=39, qformat=False),
        para_style("TableNumber", "Table Number",
                   ppr(keep_next=True, page_break=v["table_new_page"], before=0, after=0,
                       line=round(v["table_number_size"] * v["table_line"], 1), jc="left"),
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
        para_style("TableCaption", "Table Caption",
                   ppr(keep_next=True, after=4, line=round(v["table_size"] * v["table_line"], 1), jc="left"),
                   rpr(v, tf, v["table_size"]), next_id="TableCaption"),
        para_style("TableCaptionSmall", "Table Caption Small",
                   ppr(keep_next=True, after=4, line=round(v["table_small_size"] * v["table_line"], 1), jc="left"),
                   rpr(v, tf, v["table_small_size"]), based_on="TableCaption", next_id="TableCaptionSmall"),
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


