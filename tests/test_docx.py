"""The DOCX renderer: styles and fonts, repeating header rows, landscape sections, escaping, footer fields.

Fast: one render of the sample document (module-scoped) plus a few small ones.
The LibreOffice conversion test runs wherever ``soffice`` is installed (the CI
installs it) and is skipped only when it is not.
"""

from __future__ import annotations
import copy

import io
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from docx.text.paragraph import Paragraph as DocxParagraph

import docx
import pytest
from docx.enum.text import WD_TAB_ALIGNMENT
from lxml import etree

from generator.document.model import Cell, Document, Heading, PageBreak, Paragraph, Table, TitlePage, Toc, TocEntry
from generator.errors import TemplateError
from generator.formats import Format, get_format, load_format
from generator.renderers.docx import render_docx as _render_docx
from generator.renderers.pagination import Pages

from sample_document import sample_document

ROOT = Path(__file__).resolve().parent.parent
FORMAT_DIR = ROOT / "templates" / "kezhou-2020"
ROWS = 80
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def kezhou() -> Format:
    return get_format("kezhou-2020")


def render_docx(doc, fmt, pages: Pages | None = None) -> bytes:
    """The DOCX renderer with a pagination result (page numbers only: no layout needed)."""
    return _render_docx(doc, fmt, pages or Pages({}, 0))


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def sections_of(body) -> list[tuple[list, etree._Element]]:
    """Body children grouped by section: [(elements, sectPr)], in order."""
    out, current = [], []
    for child in body:
        if child.tag == W + "sectPr":
            out.append((current, child))
            current = []
            continue
        current.append(child)
        sect = child.find(f"{W}pPr/{W}sectPr")
        if sect is not None:
            out.append((current, sect))
            current = []
    return out


def section_of(body, element) -> etree._Element:
    for elements, sectPr in sections_of(body):
        if any(e is element for e in elements):
            return sectPr
    raise AssertionError("element not in any section")


def is_landscape(sectPr) -> bool:
    sz = sectPr.find(W + "pgSz")
    return int(sz.get(W + "w")) > int(sz.get(W + "h")) and sz.get(W + "orient") == "landscape"


def cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(W + "t"))


@pytest.fixture(scope="module")
def rendered():
    doc = sample_document(rows=ROWS)
    # the pagination stage's result: the page of each 目录 entry (one unknown) and the page total
    pages = Pages({e.anchor: i + 2 for i, e in enumerate(doc.toc().entries) if i != 2}, 7)
    data = render_docx(doc, kezhou(), pages)
    document = open_docx(data)
    body = document.element.body
    tables, identities, originals = {}, {}, {}
    for tbl in body.iter(W + "tbl"):
        # the table's identity (number, title, captions) is its first rows: kept apart here
        grid = copy.deepcopy(tbl)
        ident = [tr for tr in grid.findall(W + "tr") if _style_of(tr) in IDENTITY_STYLES]
        for tr in ident:
            grid.remove(tr)
        key = cell_text(grid.find(f"{W}tr/{W}tc"))
        tables[key], identities[key], originals[key] = grid, [(cell_text(tr), tr) for tr in ident], tbl
    return SimpleNamespace(doc=doc, data=data, document=document, body=body, tables=tables,
                           identities=identities, originals=originals, xml=etree.tostring(body, encoding="unicode"))


IDENTITY_STYLES = {"TableNumber", "TableTitle", "InlineTableTitle", "TableCaption"}


def _style_of(tr) -> str:
    style = tr.find(f"{W}tc/{W}p/{W}pPr/{W}pStyle")
    return "" if style is None else style.get(W + "val")


def test_every_table_repeats_its_identity_on_continuation_pages(rendered):
    """Number, title and captions are the table's first rows, repeated with the header rows
    (w:tblHeader) on every page the table reaches, without rules (they look like the title
    paragraphs above the grid)."""
    for key, ident in rendered.identities.items():
        assert ident, f"table {key} has no identity rows"
        texts = [text for text, _ in ident]
        for _, tr in ident:
            assert tr.find(f"{W}trPr/{W}tblHeader") is not None
            borders = tr.find(f"{W}tc/{W}tcPr/{W}tcBorders")
            assert borders.find(W + "top").get(W + "val") == "nil"
        rows = rendered.tables[key].findall(W + "tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None  # the column headers follow
        assert any("编制部门" in t or "单位" in t for t in texts), texts


def test_python_docx_opens_it_and_the_title_page_is_filled(rendered):
    texts = [p.text for p in rendered.document.paragraphs]
    assert "测试局" in texts and "2020年部门预算公开" in texts and "2020年1月25日" in texts
    assert not any("{{" in t and "cover" in t for t in texts), "a template tag was left unrendered"
    assert not any("{%" in t and "cover" in t for t in texts)
    assert rendered.document.core_properties.title == "测试局2020年部门预算公开"


def test_both_data_tables_repeat_their_header_rows_and_rows_never_split(rendered):
    wide = rendered.tables["功能分类科目编码"]
    narrow = rendered.tables["项目"]
    for tbl, nhead in ((wide, 2), (narrow, 1)):
        rows = tbl.findall(W + "tr")
        for i, tr in enumerate(rows):
            header = tr.find(f"{W}trPr/{W}tblHeader") is not None
            assert header == (i < nhead), f"row {i}: tblHeader={header}"
            assert tr.find(f"{W}trPr/{W}cantSplit") is not None, f"row {i} may split across pages"
    assert len(wide.findall(W + "tr")) == 2 + ROWS + 1


def test_spans_widths_alignment_bold_indent(rendered):
    wide = rendered.tables["功能分类科目编码"]
    grid = [int(g.get(W + "w")) for g in wide.find(W + "tblGrid")]
    assert len(grid) == 12
    assert int(wide.find(f"{W}tblPr/{W}tblW").get(W + "w")) == sum(grid)
    assert grid[3] == pytest.approx(sum(grid) * 24 / 100, abs=2)  # relative widths kept
    first, second = wide.findall(W + "tr")[:2]
    tcs = first.findall(W + "tc")
    assert tcs[0].find(f"{W}tcPr/{W}gridSpan").get(W + "val") == "3"
    assert tcs[1].find(f"{W}tcPr/{W}vMerge").get(W + "val") == "restart"
    # the second header row: 类 款 项, then vMerge continuations for the 9 rowspan=2 cells
    tcs2 = second.findall(W + "tc")
    assert [cell_text(tc) for tc in tcs2[:3]] == ["类", "款", "项"]
    assert all(tc.find(f"{W}tcPr/{W}vMerge") is not None and tc.find(f"{W}tcPr/{W}vMerge").get(W + "val") is None
               for tc in tcs2[3:])
    assert sum(int((tc.find(f"{W}tcPr/{W}gridSpan") is not None and
                    tc.find(f"{W}tcPr/{W}gridSpan").get(W + "val")) or 1) for tc in tcs2) == 12
    body_row = wide.findall(W + "tr")[2].findall(W + "tc")
    assert body_row[4].find(f"{W}p/{W}pPr/{W}jc").get(W + "val") == "right"  # amount
    assert int(body_row[3].find(f"{W}p/{W}pPr/{W}ind").get(W + "left")) > 0  # indent level 2
    total = wide.findall(W + "tr")[-1].findall(W + "tc")
    assert total[0].find(f"{W}tcPr/{W}gridSpan").get(W + "val") == "4"
    assert total[1].find(f"{W}r/{W}rPr/{W}b") is not None or total[1].find(f".//{W}b") is not None


def test_landscape_table_sits_in_a_landscape_section_with_the_footer(rendered):
    wide = rendered.tables["功能分类科目编码"]
    narrow = rendered.tables["项目"]
    sect = section_of(rendered.body, rendered.originals["功能分类科目编码"])
    assert is_landscape(sect)
    assert sect.find(W + "footerReference") is not None
    assert not is_landscape(section_of(rendered.body, rendered.originals["项目"]))
    final = rendered.body.find(W + "sectPr")
    assert not is_landscape(final), "the document returns to portrait"
    # the landscape table is as wide as the landscape text area
    sz, mar = sect.find(W + "pgSz"), sect.find(W + "pgMar")
    text_width = int(sz.get(W + "w")) - int(mar.get(W + "left")) - int(mar.get(W + "right"))
    assert int(wide.find(f"{W}tblPr/{W}tblW").get(W + "w")) == text_width


def test_east_asian_fonts_set_on_every_style(rendered):
    styles = part(rendered.data, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default.get(W + "eastAsia")
    fonts = {}
    for st in styles.findall(W + "style"):
        if st.get(W + "type") not in ("paragraph", "character", "table"):
            continue
        rfonts = st.find(f"{W}rPr/{W}rFonts")
        name = st.find(W + "name").get(W + "val")
        if name == "Default Paragraph Font":  # empty by definition: "the paragraph style's font"
            continue
        assert rfonts is not None, f"style {name} sets no fonts"
        for attr in ("eastAsia", "ascii", "hAnsi"):
            assert rfonts.get(W + attr), f"style {name} lacks w:{attr}"
        assert rfonts.get(W + "eastAsiaTheme") is None
        fonts[name] = rfonts.get(W + "eastAsia")
    assert fonts["Normal"] == "仿宋_GB2312"
    # 公文 (GB/T 9704): 小标宋 titles, 黑体 一、, 楷体 （一）, 仿宋 (bold) 1.
    assert fonts["heading 1"] == "方正小标宋简体" and fonts["heading 2"] == "黑体"
    assert fonts["heading 3"] == "楷体_GB2312" and fonts["heading 4"] == "仿宋_GB2312"
    assert fonts["Table Text"] == "宋体"
    for name in ("Title", "TOC Heading", "toc 1", "toc 2", "Signature", "Table Title", "footer"):
        assert name in fonts


def test_department_text_is_literal_and_never_template_code(rendered):
    texts = "\n".join(p.text for p in rendered.document.paragraphs)
    assert "负责 A & B <c> “引号” 'x' {{ x }} {% if %} 的工作。" in texts
    cells = {cell_text(tc) for tc in rendered.body.iter(W + "tc")}
    assert "行政运行 & <测试> 第0行" in cells


def test_footer_has_a_page_field_and_the_paginated_total(rendered):
    """“第 {PAGE} 页 共 7 页”: the page is a field; the total is the pagination stage's count of
    counted pages, printed as text, so Word, WPS and LibreOffice all show what the PDF shows."""
    with zipfile.ZipFile(io.BytesIO(rendered.data)) as z:
        footers = [n for n in z.namelist() if re.match(r"word/footer\d*\.xml$", n)]
        assert footers
        xml = "".join(z.read(n).decode() for n in footers)
    instr = " ".join(re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml))
    assert re.search(r"\bPAGE\b", instr) and "NUMPAGES" not in instr
    texts = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    assert texts == "第 1 页 共 7 页"  # 1: the PAGE field's shown value
    assert "{{" not in xml and "{%" not in xml and "\ue002" not in xml


def test_footer_follows_the_format_typography():
    data = render_docx(sample_document(rows=1), get_format("national-2024"), Pages({}, 3))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if re.match(r"word/footer\d*\.xml$", n))
    assert "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml)) == "— 1 —"


def test_toc_prints_the_pdf_page_numbers_and_links_to_bookmarks(rendered):
    toc = [p for p in rendered.document.paragraphs if p.style.name.startswith("toc ")]
    texts = ["".join(t.text or "" for t in p._p.iter(W + "t")) for p in toc]
    assert texts == ["第一部分 概况2", "表一：部门收入总体情况表3", "表二：政府性基金预算支出情况表", "第二部分 说明5"]
    # a real Word TOC field around the entries, its result already filled in
    chars = [f.get(W + "fldCharType") for p in toc for f in p._p.iter(W + "fldChar")]
    assert chars == ["begin", "separate", "end"]
    instr = "".join(t.text for t in toc[0]._p.iter(W + "instrText"))
    assert instr.strip() == 'TOC \\h \\z \\t "heading 1,1,Table Title,2"'
    assert all(p._p.find(f"{W}hyperlink/{W}r/{W}tab") is not None for p in toc)
    links = {h.get(W + "anchor") for h in rendered.body.iter(W + "hyperlink")}
    marks = {b.get(W + "name") for b in rendered.body.iter(W + "bookmarkStart")}
    assert links == {"p1", "t1", "t2", "p2"} and links <= marks


def all_paragraphs(document) -> list[DocxParagraph]:
    """Every paragraph of the body, those in table cells too (python-docx lists only the top level)."""
    return [DocxParagraph(p, document._body) for p in document.element.body.iter(W + "p")]


def test_signature_and_table_captions(rendered):
    sig = [p for p in rendered.document.paragraphs if p.style.name == "Signature"]
    assert [p.text for p in sig] == ["测试局", "2020年1月25日"]
    captions = [p for p in all_paragraphs(rendered.document) if p.text == "编制部门：测试局\t单位：万元"]
    assert len(captions) == 2
    assert all(p.paragraph_format.tab_stops[0].position > 0 for p in captions)


def test_deterministic():
    a = render_docx(sample_document(rows=5), kezhou())
    b = render_docx(sample_document(rows=5), kezhou())
    assert a == b


def _wide(anchor: str, text: str) -> Table:
    return Table(anchor=anchor, key="k", number="", title=f"宽表 {text}",
                 header=[[Cell("A", rowspan=2), Cell("B", colspan=2)], [Cell("b1"), Cell("b2")]],
                 body=[[Cell("x", rowspan=2), Cell("1"), Cell("2")], [Cell("3")], [Cell("short")],
                       [Cell("r"), Cell(text), Cell.amount(Decimal(1), "1.00")]],
                 widths=[1, 2, 1], landscape=True)


def test_tricky_text_sections_and_spans():
    tricky = "X {_{ y }_} {_% z %_} ]]> \x07bell\x0c & <b> \"q\" 'a' {{ doc.title }} {%p if x %}"
    doc = Document(title=tricky, department=tricky, year=2024, format_name="kezhou-2020", blocks=[
        TitlePage(tricky, "2024年部门预算公开", tricky, "{{ cover.date }}"),
        Toc(entries=[TocEntry("a", "h1", 1)]),
        PageBreak(),
        _wide("w1", tricky), _wide("w2", tricky),
        Heading("after", 1, "h1", page_break_before=True),
        Paragraph(tricky, style="list", bold=True),
        Table(anchor="e", key="e", number="表三", title="空表"),
        _wide("w3", tricky),
    ])
    data = render_docx(doc, kezhou())
    document = open_docx(data)
    body = document.element.body
    literal = "X {_{ y }_} {_% z %_} ]]> bell & <b> \"q\" 'a' {{ doc.title }} {%p if x %}"
    texts = [p.text for p in document.paragraphs]
    assert texts.count(literal) == 2  # cover org (through docxtpl's Jinja), body paragraph
    # the cover title, longer than a line, is broken between words (line breaks), text intact
    assert literal in [t.replace("\n", "") for t in texts]
    assert "{{ cover.date }}" in texts
    assert document.core_properties.title == literal
    sections = sections_of(body)
    # cover, 目录, landscape w1+w2, portrait, landscape w3 (the document ends landscape)
    assert [is_landscape(s) for _, s in sections] == [False, False, True, False, True]
    for _, s in sections[1:]:
        assert s.find(W + "footerReference") is not None
    assert sections[0][1].find(W + "footerReference") is None  # the cover has no footer
    # no page break at the top of a section: its section break already starts the page
    for elements, _ in sections:
        first = next((e for e in elements if e.tag == W + "p"), None)
        if first is not None:
            pb = first.find(f"{W}pPr/{W}pageBreakBefore")
            assert pb is None or pb.get(W + "val") in ("0", "false")
    tbl = next(body.iter(W + "tbl"))
    rows = tbl.findall(W + "tr")
    widths = [sum(int((tc.find(f"{W}tcPr/{W}gridSpan") is not None and tc.find(f"{W}tcPr/{W}gridSpan").get(W + "val"))
                      or 1) for tc in tr.findall(W + "tc")) for tr in rows]
    assert widths == [3] * len(rows)  # rowspans continued, short rows padded


def _format_copy(tmp_path, name: str = "kezhou-2020", **manifest_lines: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(ROOT / "templates" / name, folder)
    if manifest_lines:
        with open(folder / "manifest.yaml", "a", encoding="utf-8") as fh:
            for key, value in manifest_lines.items():
                fh.write(f"{key}: {value}\n")
    return folder


def test_missing_word_template_is_a_template_error(tmp_path):
    fmt = load_format(_format_copy(tmp_path, Word模板="missing.docx"))
    with pytest.raises(TemplateError, match="missing.docx"):
        render_docx(sample_document(rows=1), fmt)


def test_template_script_writes_the_committed_skeleton(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_docx_template
    finally:
        sys.path.remove(str(ROOT / "tools"))
    out = tmp_path / "template.docx"
    assert make_docx_template.main(["--output", str(out)]) == 0
    assert out.read_bytes() == (ROOT / "templates" / "_base" / "template.docx").read_bytes()  # reproducible, current


def test_word_styles_come_from_the_format_typography():
    """One statement of the typography makes both the PDF stylesheet and the Word styles."""
    def font(fmt, style_id="Normal"):
        styles = part(render_docx(sample_document(rows=1), fmt), "word/styles.xml")
        st = styles.find(f"{W}style[@{W}styleId='{style_id}']/{W}rPr")
        return st.find(W + "rFonts").get(W + "eastAsia"), st.find(W + "sz").get(W + "val")

    # the shared base (公文, GB/T 9704): 仿宋 三号 body in every format
    assert font(kezhou()) == ("仿宋_GB2312", "32")
    assert font(get_format("national-2024")) == ("仿宋_GB2312", "32")
    # a format's own typography.yaml: kezhou-2020's table titles are 三号, the base's 小二
    assert font(kezhou(), "TableTitle") == ("宋体", "32")
    assert font(get_format("national-2024"), "TableTitle") == ("宋体", "36")


@pytest.mark.parametrize("rel", [
    ('http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate', 'http://evil.invalid/t.dotm'),
    ('http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink', 'file://///evil.invalid/share/x'),
])
def test_external_relationships_in_a_word_template_are_refused(tmp_path, rel):
    reltype, target = rel
    folder = _format_copy(tmp_path, Word模板="evil.docx")
    base = ROOT / "templates" / "_base" / "template.docx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(folder / "evil.docx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdEvil" Type="{reltype}" Target="{target}" '
                                    'TargetMode="External"/></Relationships>'.encode())
            zout.writestr(item, data)
    with pytest.raises(TemplateError, match="外部") as exc:
        render_docx(sample_document(rows=1), load_format(folder))
    assert target in str(exc.value)


# ---------------------------------------------------------------------------
# LibreOffice: the DOCX converts to PDF (run wherever soffice is installed)
# ---------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def converted(tmp_path_factory, rendered):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    work = tmp_path_factory.mktemp("docx2pdf")
    profile = tmp_path_factory.mktemp("lo_profile")  # own profile: parallel runs do not clash
    source = work / "sample.docx"
    source.write_bytes(rendered.data)
    env = dict(os.environ)
    fonts_conf = ROOT / "generator" / "fonts" / "fonts.conf"
    if fonts_conf.is_file():
        env.setdefault("FONTCONFIG_FILE", str(fonts_conf))
    proc = subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "pdf", "--outdir", str(work), str(source)],
        capture_output=True, text=True, timeout=240, env=env)
    return SimpleNamespace(proc=proc, pdf=work / "sample.pdf")


def test_libreoffice_converts_it_to_pdf(converted):
    assert converted.proc.returncode == 0, converted.proc.stderr
    assert converted.pdf.is_file() and converted.pdf.stat().st_size > 0
    from pypdf import PdfReader

    reader = PdfReader(str(converted.pdf))
    assert len(reader.pages) >= 5
    shapes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    assert any(w > h for w, h in shapes) and any(w < h for w, h in shapes)
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    assert "A&B<c>" in text and "{{x}}" in text
    assert text.count("功能分类科目名称") >= 2  # the header row repeats on the next page


def test_bookmark_names_are_valid_and_unique():
    doc = Document(title="t", department="d", year=2024, format_name="kezhou-2020", blocks=[
        Toc(entries=[TocEntry("甲", "x第一"), TocEntry("乙", "x第二"), TocEntry("丙", "1-a")]),
        Heading("甲", 1, "x第一"), Heading("乙", 1, "x第二"), Heading("丙", 2, "1-a")])
    body = open_docx(render_docx(doc, kezhou())).element.body
    names = [b.get(W + "name") for b in body.iter(W + "bookmarkStart")]
    assert len(set(names)) == 3 and all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", n) for n in names)
    assert [h.get(W + "anchor") for h in body.iter(W + "hyperlink")] == names


@pytest.mark.parametrize("start", ["接排", "另起一页"])
def test_table_breaks_and_caption_row(tmp_path, start):
    """公开表起页: 接排 lets a table follow the text; 另起一页 starts each 公开表 on a new page,
    except the one right after its part heading. Inline tables (绩效目标表) always flow."""
    def table(anchor, **kw):
        return Table(anchor=anchor, key="k", number="", title=f"表{anchor}", caption_left="编制部门：测试局",
                     header=[[Cell("项目"), Cell("金额")]], body=[[Cell("合计"), Cell("")]], **kw)

    folder = _format_copy(tmp_path)
    (folder / "typography.yaml").write_text(f"公开表起页: {start}\n", encoding="utf-8")
    doc = Document(title="t", department="d", year=2024, format_name="kezhou-2020", blocks=[
        Paragraph("正文。"),
        Heading("第二部分 公开表", 1, "p2"),
        table("a"),  # follows its part heading: same page
        table("b", caption_lines=["预算年度：2024"]),  # 另起一页: starts a page
        Paragraph("说明。"),
        table("c", toc=False),  # inline (绩效目标表): flows with the text
    ])
    document = open_docx(render_docx(doc, load_format(folder)))
    titles = {p.text: p for p in all_paragraphs(document) if p.style.name in ("Table Title", "Inline Table Title")}
    assert titles["表c"].style.name == "Inline Table Title"

    def breaks(title) -> bool:  # the paragraph just before the title's table carries the break
        tbl = title._p.getparent().getparent().getparent()
        before = tbl.getprevious()
        return before is not None and before.find(f"{W}pPr/{W}pageBreakBefore") is not None

    assert not breaks(titles["表a"])
    assert breaks(titles["表b"]) == (start == "另起一页")
    assert not breaks(titles["表c"])
    row = next(p for p in all_paragraphs(document) if "预算年度" in p.text)
    assert row.text == "编制部门：测试局\t预算年度：2024\t单位：万元"
    assert [s.alignment for s in row.paragraph_format.tab_stops] == [WD_TAB_ALIGNMENT.CENTER, WD_TAB_ALIGNMENT.RIGHT]
