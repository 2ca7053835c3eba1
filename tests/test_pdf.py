"""The PDF renderer: fonts, escaping, landscape pages, repeated headers, 目录 page numbers, determinism.

Two renders in total (module-scoped), of the sample document with a long table.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import fonts
from generator.document.model import Document, Paragraph
from generator.errors import RenderError
from generator.formats import Format, get_format
from generator.renderers import render

from sample_document import sample_document

FORMAT_DIR = Path(__file__).resolve().parent.parent / "templates" / "kezhou-2020"
ROWS = 80

pytestmark = [
    pytest.mark.skipif(any(p.is_error for p in fonts.environment_problems()), reason="CJK fonts not installed"),
    pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdffonts")), reason="poppler-utils missing"),
]


def kezhou() -> Format:
    return get_format("kezhou-2020")


def render_pdf(doc, fmt):
    from generator.renderers.pagination import paginate

    pages = paginate(doc, fmt)
    return render(("pdf",), doc, fmt)["pdf"], pages


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    doc = sample_document(rows=ROWS)
    data, numbers = render_pdf(doc, kezhou())
    again, _ = render_pdf(sample_document(rows=ROWS), kezhou())
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(data)
    return SimpleNamespace(doc=doc, data=data, again=again, path=path, numbers=numbers)


@pytest.fixture(scope="module")
def pages(rendered) -> list[str]:
    """pdftotext per page, whitespace removed (pdftotext's spacing between CJK glyphs varies)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(rendered.path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f")[:-1]]


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_only_allow_listed_fonts_are_embedded(rendered):
    out = subprocess.run(["pdffonts", str(rendered.path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    names = [row.split()[0] for row in rows if row.strip()]
    assert names, out
    assert all(fonts.font_allowed(name) for name in names), out
    assert all(" yes " in row for row in rows if row.strip()), out  # embedded


def test_text_is_escaped_not_markup(pages):
    text = "".join(pages)
    assert squash("A & B <c>") in text
    assert squash("{{ x }}") in text
    assert squash("{% if %}") in text
    assert squash("行政运行 & <测试> 第0行") in text
    assert "&amp;" not in text and "&lt;" not in text


def test_landscape_table_is_on_a_landscape_page(rendered, pages):
    from pypdf import PdfReader

    reader = PdfReader(rendered.path)
    assert len(reader.pages) == len(pages)
    for i, text in enumerate(pages):
        box = reader.pages[i].mediabox
        if "部门收入总体情况表" in text and "目录" not in text:
            assert box.width > box.height  # 表一 (landscape=True)
        if "政府性基金预算支出情况表" in text and "目录" not in text:
            assert box.width < box.height  # 表二 stays portrait
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height


def test_header_row_repeats_on_continued_pages(pages):
    table_pages = [i for i, t in enumerate(pages) if "第0行" in t or re.search(r"第\d+行", t)]
    assert len(table_pages) >= 2, "the long table should span pages"
    for i in table_pages:
        assert "功能分类科目名称" in pages[i] and "一般公共预算拨款" in pages[i], f"page {i + 1} lacks the header"
    # the 合计 row is the last row, once, on the last page of the table (tbody, not tfoot)
    assert [i for i in table_pages if "合计" in pages[i]] == [table_pages[-1]]
    assert f"第{ROWS - 1}行" in pages[table_pages[-1]]


def test_footer_numbers_pages_after_the_cover(pages):
    assert "第1页共" in pages[1]  # the 目录 is page 1
    assert not re.search(r"第\d+页共", pages[0])  # the cover has no number
    total = len(pages) - 1
    for n, text in enumerate(pages[1:], start=1):
        assert f"第{n}页共{total}页" in text


def test_toc_entries_get_the_printed_page_numbers(rendered, pages):
    """The pagination stage's page of every 目录 entry is the page the PDF prints it on."""
    entries = rendered.doc.toc().entries
    numbers = rendered.numbers
    assert all(numbers.page_of(e.anchor) for e in entries), [(e.text, numbers.page_of(e.anchor)) for e in entries]
    assert numbers.total == len(pages) - 1  # the cover is not counted
    toc_page = pages[1]
    for entry in entries:
        page = numbers.page_of(entry.anchor)
        title = squash(entry.text.split("：")[-1])
        found = next(i for i, t in enumerate(pages) if i > 1 and title in t)
        assert f"第{page}页共" in pages[found], (entry.text, page, found)
        assert re.search(re.escape(squash(entry.text)) + r"\.+" + str(page), toc_page), entry.text
    assert not any(hasattr(e, "page") for e in entries)  # page numbers live in the pagination result, not the model


def test_same_document_gives_identical_bytes(rendered):
    assert rendered.data == rendered.again
    assert b"/CreationDate" not in rendered.data and b"/ModDate" not in rendered.data


def test_pdf_metadata(rendered):
    from pypdf import PdfReader

    reader = PdfReader(rendered.path)
    meta = reader.metadata
    assert meta.title == "测试局2020年部门预算公开"
    assert meta.author == "测试局"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


# --- no render needed -------------------------------------------------------------

def test_font_allow_list_names():
    assert fonts.font_allowed("ABCDEF+Noto-Serif-CJK-SC-Bold")
    assert fonts.font_allowed("Noto Sans CJK SC")
    assert fonts.font_allowed("SimSun") and fonts.font_allowed("宋体") and fonts.font_allowed("FangSong_GB2312")
    assert not fonts.font_allowed("DejaVu Sans")
    assert not fonts.font_allowed("ABCDEF+DejaVuSerif-Bold")
    assert not fonts.font_allowed("Noto Sans CJK JP")


def test_a_fallback_font_is_a_render_error():
    from generator.renderers.pdf import _check_fonts

    fake = SimpleNamespace(fonts={"a": SimpleNamespace(family="Noto Serif CJK SC"),
                                  "b": SimpleNamespace(family="DejaVu Sans")})
    doc = Document(title="t", department="d", year=2020, format_name="kezhou-2020")
    with pytest.raises(RenderError, match="DejaVu Sans"):
        _check_fonts(fake, doc, kezhou())


def test_missing_glyphs():
    assert fonts.missing_glyphs("克州机要保密局 2020年 1,234.56 万元（）“”、。\n\t") == set()
    assert fonts.missing_glyphs("收入😀增长") == {"😀"}
    assert "ⱥ" in fonts.missing_glyphs("ⱥ")  # DejaVu has it, the CJK fonts do not


def test_a_character_no_font_has_stops_the_render():
    doc = sample_document(rows=1)
    doc.blocks.append(Paragraph("预算增长😀"))
    with pytest.raises(RenderError, match="U\\+1F600"):
        render_pdf(doc, kezhou())


def test_check_environment_reports_nothing_here():
    assert not [m for m in fonts.check_environment() if m.startswith("错误")]


def test_missing_fonts_and_harfbuzz_subset_are_reported(monkeypatch):
    from generator.errors import EnvironmentProblem

    monkeypatch.setattr(fonts, "font_installed", lambda family: False)
    monkeypatch.setattr(fonts, "harfbuzz_subset_available", lambda: False)
    monkeypatch.setattr(fonts, "_fonts_ok", False)
    messages = fonts.check_environment()
    assert any(m.startswith("错误") and "fonts-noto-cjk" in m for m in messages)
    assert any(m.startswith("警告") and "libharfbuzz-subset0" in m and "15–20 秒" in m for m in messages)
    with pytest.raises(EnvironmentProblem, match="fonts-noto-cjk"):
        fonts.require_fonts()


def _free_font_file() -> Path:
    """A real font file on this machine with CJK glyphs, installed by scripts/setup.sh."""
    for family in ("LXGW WenKai Mono", "LXGW WenKai", "Noto Sans CJK SC"):
        for file, index, _style in fonts.font_files(family):
            if index == 0 and file.lower().endswith((".ttf", ".otf")):
                return Path(file)
    raise AssertionError("scripts/setup.sh installs fonts-lxgw-wenkai: no .ttf/.otf CJK font found")


def test_a_format_own_font_file_is_embedded_in_the_pdf_and_named_in_the_docx(tmp_path):
    """A bureau's licensed font (here a free file under another family name, 机关标宋) in
    the format folder: the build uses it for the titles, the PDF embeds it, the DOCX names it."""
    from fontTools.ttLib import TTFont

    source = _free_font_file()
    folder = tmp_path / "formats" / "kezhou-2020"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates" / "kezhou-2020", folder)
    (folder / "fonts").mkdir()
    shutil.copyfile(source, folder / "fonts" / "biaosong.ttf")
    (folder / "typography.yaml").write_text(
        "字体文件:\n  机关标宋: fonts/biaosong.ttf\n"
        "字体:\n  标宋: [\"机关标宋\", \"Noto Serif CJK SC\"]\n", encoding="utf-8")
    with TTFont(source, lazy=True) as font:
        postscript = font["name"].getDebugName(6)
    department = Path(__file__).resolve().parent.parent / "departments" / "克州机要保密局-2020.yaml"
    out = tmp_path / "out"
    exe = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "disclose"
    run = subprocess.run([str(exe) if exe.exists() else "disclose", "build", str(department), "--templates",
                          str(tmp_path / "formats"), "-f", "kezhou-2020", "-o", str(out), "-j", "1"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = next(out.rglob("*.pdf"))
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = [line.split()[0] for line in listing.splitlines()[2:]]
    # WeasyPrint embeds an @font-face font under the family it was registered as (other
    # versions use the file's PostScript name): either way the format's file, subset
    assert any(name.split("+", 1)[-1] in ("机关标宋", postscript) for name in embedded), (postscript, embedded)
    # without the format's file the same build embeds no such font
    assert not any("机关标宋" in name or postscript in name for name in _fonts_of_builtin_build())
    assert all(line.split()[-5] == "yes" for line in listing.splitlines()[2:]), listing  # every font embedded
    import zipfile
    with zipfile.ZipFile(pdf.with_suffix(".docx")) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="机关标宋"' in styles


def _fonts_of_builtin_build() -> list[str]:
    from generator.formats import get_format as _get
    from generator.pipeline import check_file as _check
    from generator.document.build import build_document as _build

    department = Path(__file__).resolve().parent.parent / "departments" / "克州机要保密局-2020.yaml"
    checked = _check(department)
    doc = _build(checked.fig, checked.fmt)
    from generator.renderers.pagination import paginate
    rendered = paginate(doc, _get("kezhou-2020")).layout
    return sorted({font.family for font in rendered.fonts.values()})


@pytest.mark.parametrize("start", ["接排", "另起一页"])
def test_where_a_table_starts_is_the_typography_choice(tmp_path, start):
    """公开表起页: 接排 lets small tables share a page; 另起一页 starts each on a new page
    (but never leaves the part heading alone: the first table follows it)."""
    from generator.document.model import Cell, Heading, Table
    from generator.formats import load_format
    from generator.renderers.pagination import paginate

    folder = tmp_path / "kezhou-2020"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates" / "kezhou-2020", folder)
    (folder / "typography.yaml").write_text(f"公开表起页: {start}\n", encoding="utf-8")

    def table(anchor):
        return Table(anchor=anchor, key="k", number="", title=f"表{anchor}", caption_left="编制部门：测试局",
                     header=[[Cell("项目", bold=True), Cell("金额", bold=True)]],
                     body=[[Cell("合计"), Cell.amount(None, "1.00")]], widths=[3, 1])

    doc = Document(title="t", department="d", year=2024, format_name="kezhou-2020", blocks=[
        Heading("第二部分 公开表", 1, "p2"), table("a"), table("b"), table("c"), Paragraph("说明。")])
    pages = paginate(doc, load_format(folder))
    numbers = [pages.page_of(a) for a in ("p2", "a", "b", "c")]
    if start == "接排":
        assert numbers == [1, 1, 1, 1]
    else:
        assert numbers == [1, 1, 2, 3]


@pytest.mark.parametrize("name", ["kezhou-2020", "national-2024", "classic-2016"])
def test_shipped_formats_use_the_lighter_user_agent_stylesheet(name):
    """A word such as “marker” in a stylesheet comment must not bring back WeasyPrint's universal
    pseudo-element rules (they made the cascade several times slower); a real rule does."""
    from generator.renderers import pdf as P
    from generator.renderers.html import stylesheet_text

    css = stylesheet_text(get_format(name))
    light = P._html_class("")
    assert P._html_class(css) is light
    assert P._html_class(css + "\n/* ::marker, footnote, list-item */") is light
    assert P._html_class(css + "\nli::marker { color: red; }") is not light
    assert P._html_class("p { display: list-item; }") is not light
    # an unclosed comment runs to the end of the stylesheet (and a hostile one costs linear time)
    assert P._html_class("p {}\n" + "/*a" * 50_000 + " li::marker { color: red; }") is light
