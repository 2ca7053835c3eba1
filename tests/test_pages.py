"""Every page of every example PDF, as a reviewer reads it (issue 13).

Both examples are built through the front door (``disclose build``), each in its own
format and in classic-2016, once per test session; every page is read back with
pdfplumber (tests/pagecheck.py) and must show:

- no code or amount broken across lines;
- on every page that continues a table, the table's identity above it
  (“表三 部门支出总体情况表（续）” in the running head, the header rows repeated);
- no page more than half empty, except the page before a part title (第二部分 …),
  the last page, and the page before a page of the other orientation (a landscape
  table needs a page of its own: the content before it cannot be moved after it
  without changing the format's order).

The DOCX of one example is also laid out by LibreOffice (``soffice --headless``) and
checked for broken codes and amounts.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import pytest

from generator.document.build import build_document
from generator.document.model import Heading
from generator.formats import get_format
from generator.pipeline import check_file

from pagecheck import read

ROOT = Path(__file__).resolve().parent.parent
from pagecheck import CASES  # noqa: E402


@pytest.fixture(scope="session")
def built(built_examples):
    return built_examples


_PAGES: dict = {}


def pages_of(built, name: str, fmt: str):
    key = (name, fmt)
    if key not in _PAGES:
        _PAGES[key] = read(built[key][0], get_format(fmt).typography)
    return _PAGES[key]


@functools.lru_cache(maxsize=None)
def _document(name: str, fmt: str):
    checked = check_file(ROOT / "departments" / f"{name}.yaml", format_name=fmt)
    return build_document(checked.fig, checked.fmt)


def _part_titles(name: str, fmt: str) -> list[str]:
    return [b.text for b in _document(name, fmt).blocks if isinstance(b, Heading) and b.level == 1]


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("name,fmt", CASES)
def test_no_code_or_amount_breaks_across_lines(built, name, fmt):
    pages = pages_of(built, name, fmt)
    broken = [(p.number, pair) for p in pages for pair in p.split_numbers]
    assert not broken, f"codes/amounts split across lines (page, (upper, lower)): {broken}"


@pytest.mark.parametrize("name,fmt", CASES)
def test_continuation_pages_name_their_table(built, name, fmt):
    doc = _document(name, fmt)
    pages = pages_of(built, name, fmt)
    continued = [p for p in pages if p.starts_with_table]
    assert continued, "the examples have tables longer than a page: some page must continue one"
    titles = {_squash(f"{t.number}{t.title}") for t in doc.tables()}
    for p in continued:
        assert p.head.endswith("（续）"), f"page {p.number} continues a table but its head says {p.head!r}"
        assert _squash(p.head[:-3]) in titles, f"page {p.number}: {p.head!r} names no table"
        # the table named is the one printed last before this page
        before = "".join(_squash(q.text) for q in pages[:p.number - 1])
        last = max(titles, key=lambda t: before.rfind(t))
        assert _squash(p.head[:-3]) == last, f"page {p.number}: head {p.head!r}, last table before it {last!r}"
    for p in pages:
        if not p.starts_with_table:
            assert "（续）" not in p.head, f"page {p.number} starts no continued table but says {p.head!r}"


@pytest.mark.parametrize("name,fmt", CASES)
def test_no_page_ends_with_a_table_number_or_title(built, name, fmt):
    """“表六” or a table's title alone at the foot of a page, its table on the next: the number,
    title and captions go with the table."""
    labels = set()
    for t in _document(name, fmt).tables():
        labels |= {_squash(t.number), _squash(t.title), _squash(f"{t.number}{t.title}")} - {""}
    pages = pages_of(built, name, fmt)
    orphans = [(p.number, p.last_line) for p in pages[:-1] if _squash(p.last_line) in labels]
    assert not orphans, f"pages ending with a table's label (page, last line): {orphans}"


@pytest.mark.parametrize("name,fmt", CASES)
def test_no_page_is_more_than_half_empty(built, name, fmt):
    pages = pages_of(built, name, fmt)
    parts = {_squash(t) for t in _part_titles(name, fmt)}
    half_empty = []
    for p, nxt in zip(pages[:-1], pages[1:]):
        if p.fill >= 0.5:
            continue
        if _squash(nxt.first_line) in parts or any(_squash(nxt.text).startswith(t) for t in parts):
            continue  # the page before a part title
        if nxt.landscape != p.landscape:
            continue  # the page before the other orientation
        half_empty.append((p.number, p.fill, p.first_line[:20]))
    assert not half_empty, f"pages more than half empty (page, fill, first line): {half_empty}"


def test_docx_as_libreoffice_lays_it_out_breaks_no_code_or_amount(built, tmp_path):
    name, fmt = "山海关区委办公室-2024", "national-2024"
    pages = _libreoffice_pages(built[(name, fmt)][1], fmt, tmp_path)
    assert len(pages) > 20
    broken = [(p.number, pair) for p in pages for pair in p.split_numbers]
    assert not broken, f"codes/amounts split across lines in LibreOffice (page, (upper, lower)): {broken}"
    # continuation pages repeat the table's identity rows (number/title/captions) and header
    for p in pages:
        if p.starts_with_table:
            pytest.fail(f"page {p.number} starts with a bare grid: the identity rows did not repeat")


def _libreoffice_pages(docx: Path, fmt: str, tmp_path: Path):
    env = {**os.environ, "FONTCONFIG_FILE": str(ROOT / "generator" / "fonts" / "fonts.conf"),
           "HOME": str(tmp_path)}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], capture_output=True, env=env, timeout=300, check=True)
    return read(tmp_path / (docx.stem + ".pdf"), get_format(fmt).typography)


@pytest.mark.parametrize("name,fmt", [("克州机要保密局-2020", "kezhou-2020"), ("山海关区委办公室-2024", "national-2024")])
def test_a_table_on_one_pdf_page_is_on_one_page_of_the_docx_too(built, name, fmt, tmp_path):
    """The DOCX as LibreOffice lays it out keeps whole every table the PDF prints on one page
    (the 2020 表一 once spilled its last two rows onto a page of their own there)."""
    pdf_pages = pages_of(built, name, fmt)
    docx_pages = _libreoffice_pages(built[(name, fmt)][1], fmt, tmp_path)
    spilled = []
    for t in _document(name, fmt).tables():
        label = _squash(f"{t.number}{t.title}") if t.number else _squash(t.title)
        on = lambda pages: [p.number for p in pages if label in _squash(p.text)]  # noqa: E731
        if len(on(pdf_pages)) == 1 and len(on(docx_pages)) > 1:
            spilled.append((label, on(docx_pages)))
    assert not spilled, f"tables on one PDF page but on several in LibreOffice (table, pages): {spilled}"


LONG_NAME = "新疆维吾尔自治区克孜勒苏柯尔克孜自治州党委机要保密工作领导小组办公室"


def test_a_long_cover_title_breaks_between_words(minimal, write, tmp_path):
    """The cover title of a long department name breaks after its units (自治区 / 自治州 /
    领导小组办公室), never inside a word (领导小/组办公室), in the PDF and in the DOCX."""
    import zipfile

    import pdfplumber

    minimal["部门"] = LONG_NAME
    source = write(minimal)
    exe = ROOT / ".venv" / "bin" / "disclose"
    run = subprocess.run([str(exe) if exe.exists() else "disclose", "build", str(source), "-o", str(tmp_path / "out"),
                          "-j", "1"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = next((tmp_path / "out").rglob("*.pdf"))
    with pdfplumber.open(pdf) as doc:
        lines = [_squash(line) for line in (doc.pages[0].extract_text() or "").splitlines()]
    title = lines[:3]
    assert title == ["新疆维吾尔自治区", "克孜勒苏柯尔克孜自治州", "党委机要保密工作领导小组办公室"], lines
    with zipfile.ZipFile(pdf.with_suffix(".docx")) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    for line in title:
        assert f">{line}<" in xml, line  # each line its own text run, separated by <w:br/>
