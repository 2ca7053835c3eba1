"""End to end: every example department builds to DOCX + PDF that say the same thing and print the model's numbers."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pdfplumber
import pytest
from docx import Document as DocxDocument
from docx.oxml.ns import qn

from conftest import KEZHOU, SHANHAIGUAN
from generator.build import build_department
from generator.document.build import build_document
from generator.document.model import Paragraph
from generator.pipeline import check_file

ALLOWED_FONTS = ("NotoSerifCJKSC", "NotoSansCJKSC", "SimSun", "SimHei", "FangSong", "KaiTi", "LXGWWenKai")
FOOTER = re.compile(r"第\d+页共\d+页|—\d+—")


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module", params=[KEZHOU, SHANHAIGUAN], ids=["kezhou-2020", "shanhaiguan-2024"])
def built(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = build_department(request.param, out)
    assert result.status == "built", [p.format() for p in result.problems]
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    docx = next(p for p in result.outputs if p.suffix == ".docx")
    checked = check_file(request.param)
    doc = build_document(checked.fig, checked.fmt)
    return SimpleNamespace(source=request.param, out=out, pdf=pdf, docx=docx, doc=doc, fig=checked.fig)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def docx_text(path: Path) -> str:
    """Body text in document order: paragraphs and table cells (each merged cell once)."""
    d = DocxDocument(str(path))
    parts: list[str] = []
    for el in d.element.body.iter():
        if el.tag == qn("w:p"):
            in_cell = any(a.tag == qn("w:tc") for a in el.iterancestors())
            if in_cell:
                continue
            parts.append("".join(t.text or "" for t in el.iter(qn("w:t"))))
        elif el.tag == qn("w:tc"):
            vmerge = el.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                continue
            parts.append("".join(t.text or "" for t in el.iter(qn("w:t"))))
    return "\n".join(parts)


def test_paths_and_names(built):
    dept = built.fig.dept
    assert built.pdf.name == f"{dept.name}{dept.year}年部门预算公开.pdf"
    assert built.pdf.parent.name == dept.name


def test_docx_and_pdf_say_the_same_thing(built):
    pdf = squash(FOOTER.sub("", squash(pdf_text(built.pdf))))
    docx = squash(docx_text(built.docx))
    # every paragraph of the model appears, whole, in both
    for b in built.doc.blocks:
        if isinstance(b, Paragraph):
            assert squash(b.text) in pdf, b.text
            assert squash(b.text) in docx, b.text
    # every character the DOCX prints is in the PDF, as often; the PDF adds only what
    # repeats by design: 目录 leader dots and table header rows repeated on continuation pages
    pdf = re.sub(r"\.{3,}", "", pdf)
    docx = re.sub(r"\.{3,}", "", docx)
    # the PDF's running heads of continuation pages (“表三部门支出总体情况表（续）”); the DOCX
    # repeats the table's identity rows instead, which Word lays out (not in the file twice)
    for t in built.doc.tables():
        pdf = pdf.replace(squash(f"{t.number}{t.title}（续）"), "")
    assert not (Counter(docx) - Counter(pdf))
    header_chars = {ch for t in built.doc.tables() for row in t.header for c in row for ch in squash(c.text)}
    extra = Counter(pdf) - Counter(docx)
    assert set(extra) <= header_chars, extra


def test_pdf_tables_read_back_to_the_model(built):
    rows = []
    with pdfplumber.open(built.pdf) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                for row in table:
                    rows.append(tuple(squash(c or "") for c in row))
    assert rows, "no table found in the PDF"
    for table in built.doc.tables():
        if table.empty or not table.body:
            continue
        total = tuple(squash(c.text) for c in table.body[-1] if c.text)
        nonempty = [tuple(c for c in r if c) for r in rows]
        assert total in nonempty, (table.title, total)


def test_pdf_fonts_are_on_the_allow_list(built):
    out = subprocess.run(["pdffonts", str(built.pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0].split("+")[-1].replace("-", "") for line in out.splitlines()[2:] if line.strip()]
    assert names
    for n in names:
        assert n.startswith(ALLOWED_FONTS), n


def test_docx_has_every_public_table_with_repeating_headers(built):
    d = DocxDocument(str(built.docx))
    titles = [t.title for t in built.doc.tables() if t.number or t.toc]
    assert len(titles) == 9
    with_header = 0
    for table in d.tables:
        first = table.rows[0]._tr
        trPr = first.find(qn("w:trPr"))
        if trPr is not None and trPr.find(qn("w:tblHeader")) is not None:
            with_header += 1
    assert with_header >= 9
    text = docx_text(built.docx)
    for t in titles:
        assert t in text


def test_same_yaml_twice_gives_identical_pdf(built, tmp_path):
    again = build_department(built.source, tmp_path)
    pdf2 = next(p for p in again.outputs if p.suffix == ".pdf")
    assert pdf2.read_bytes() == built.pdf.read_bytes()


def test_pdf_size_and_metadata(built):
    # the 公文 faces (仿宋-like Light, 小标宋-like SemiBold, 楷体 LXGW WenKai) add about 250 KB of subsets
    assert built.pdf.stat().st_size < 1_500_000
    with pdfplumber.open(built.pdf) as pdf:
        meta = pdf.metadata
    assert built.fig.dept.name in meta.get("Title", "")
