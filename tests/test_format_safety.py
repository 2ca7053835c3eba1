"""A format folder may come from anyone: it can never run code, read files outside itself,
or make department text into markup. Each hostile input is a row of a table, with the
Chinese message (or outcome) a user sees.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from conftest import KEZHOU, ROOT, SHANHAIGUAN
from generator.document.build import build_document
from generator.document.model import Heading, Paragraph, Table, TitlePage
from generator.errors import TemplateError
from generator.formats import load_format
from generator.pipeline import check_file
from generator.renderers.docx import render_docx
from generator.renderers.html import render_html
from generator.renderers.pagination import Pages

TEMPLATES = ROOT / "templates"


def copy_format(tmp_path: Path, name: str = "kezhou-2020") -> Path:
    folder = tmp_path / "formats" / name
    shutil.copytree(TEMPLATES / name, folder)
    return folder


def append_manifest(folder: Path, text: str) -> None:
    with open(folder / "manifest.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n" + text + "\n")


def errors_of(folder: Path) -> str:
    with pytest.raises(TemplateError) as exc:
        load_format(folder)
    return "\n".join(p.format() for p in exc.value.problems) or str(exc.value)


# ------------------------------------------------------------------ templates run in a sandbox
PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('touch CANARY') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% set x = lipsum.__globals__['os'].system('touch CANARY') %}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch CANARY').read() }}",
    "{{ namespace.__init__.__globals__.__builtins__.open('/etc/passwd').read() }}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_body_template_cannot_reach_python(tmp_path, payload, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = copy_format(tmp_path)
    body = folder / "body.j2"
    body.write_text(body.read_text(encoding="utf-8").replace("@目录", "@目录\n" + payload), encoding="utf-8")
    checked = check_file(KEZHOU, "kezhou-2020", templates=folder.parent)
    with pytest.raises(TemplateError) as exc:
        build_document(checked.fig, checked.fmt)
    assert "格式模板出错" in str(exc.value) and "body.j2" in exc.value.problems[0].location.file
    assert not (tmp_path / "CANARY").exists()


@pytest.mark.parametrize("payload", PAYLOADS[:2] + [
    "{{ doc.__class__.__init__.__globals__ }}", "{{ doc.blocks[0].__dict__ }}",
    "{{ doc.tables.__func__.__globals__ }}", "{{ doc.blocks.__class__.__base__.__subclasses__() }}"])
def test_html_template_cannot_reach_python(tmp_path, payload, monkeypatch):
    """Also through the document model the template lays out (its fields are read on a fast path)."""
    monkeypatch.chdir(tmp_path)
    folder = copy_format(tmp_path)
    html = (TEMPLATES / "_base" / "document.html.j2").read_text(encoding="utf-8").replace("<body>", "<body>" + payload)
    (folder / "mine.html.j2").write_text(html, encoding="utf-8")
    append_manifest(folder, "HTML模板: mine.html.j2")
    fmt = load_format(folder)
    checked = check_file(KEZHOU)
    doc = build_document(checked.fig, fmt)
    with pytest.raises(TemplateError, match="HTML 模板出错"):
        render_html(doc, fmt)
    assert not (tmp_path / "CANARY").exists()


def test_word_template_tags_run_in_a_sandbox(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = copy_format(tmp_path)
    base = TEMPLATES / "_base" / "template.docx"
    payload = PAYLOADS[0].replace("'", "&apos;")
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(folder / "evil.docx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{p body }}", f"{{{{p body }}}}</w:t></w:r></w:p><w:p><w:r><w:t>{payload}".encode())
            zout.writestr(item, data)
    append_manifest(folder, "Word模板: evil.docx")
    fmt = load_format(folder)
    checked = check_file(KEZHOU)
    doc = build_document(checked.fig, fmt)
    with pytest.raises(TemplateError, match="Word 模板的标记有误"):
        render_docx(doc, fmt, Pages({}, 0))
    assert not (tmp_path / "CANARY").exists()


# ------------------------------------------------------------------ files a format names stay inside it
@pytest.mark.parametrize("line, message", [
    ("样式表: /etc/passwd", "应为格式文件夹内的相对路径"),
    ("名词解释: ../../x.yaml", "应为格式文件夹内的相对路径"),
    ("正文: ../kezhou-2020/body.j2", "应为格式文件夹内的相对路径"),
    ("Word模板: C:\\\\Windows\\\\x.docx", "应为格式文件夹内的相对路径"),
    ("固定文字: missing.yaml", None),  # a missing optional file is fine
])
def test_manifest_paths_are_confined(tmp_path, line, message):
    folder = copy_format(tmp_path)
    text = (folder / "manifest.yaml").read_text(encoding="utf-8")
    key = line.split(":", 1)[0]
    text = re.sub(rf"(?m)^{re.escape(key)}:.*\n", "", text)
    (folder / "manifest.yaml").write_text(text + "\n" + line + "\n", encoding="utf-8")
    if message is None:
        load_format(folder)
        return
    found = errors_of(folder) if key in ("名词解释", "正文") else None
    if found is None:  # read when rendering
        fmt = load_format(folder)
        checked = check_file(KEZHOU)
        doc = build_document(checked.fig, fmt)
        with pytest.raises(TemplateError) as exc:
            render_html(doc, fmt) if key == "样式表" else render_docx(doc, fmt, Pages({}, 0))
        found = str(exc.value) + "".join(p.message for p in exc.value.problems)
    assert message in found, found


def test_a_symlink_in_a_format_folder_is_refused(tmp_path):
    folder = copy_format(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    (folder / "glossary.yaml").unlink()
    (folder / "glossary.yaml").symlink_to(secret)
    found = errors_of(folder)
    assert "是符号链接" in found and "机密内容" not in found


def test_a_fifo_as_body_is_refused_without_hanging(tmp_path):
    folder = copy_format(tmp_path)
    (folder / "body.j2").unlink()
    os.mkfifo(folder / "body.j2")
    found = errors_of(folder)
    assert "不是普通文件" in found


def test_an_oversized_manifest_is_refused(tmp_path):
    folder = copy_format(tmp_path)
    append_manifest(folder, "# " + "x" * (2 << 20))
    assert "过大" in errors_of(folder)


def test_a_symlinked_format_folder_is_not_loaded(tmp_path):
    base = tmp_path / "formats"
    base.mkdir()
    (base / "kezhou-2020").symlink_to(TEMPLATES / "national-2024", target_is_directory=True)
    from generator.formats import get_format
    fmt = get_format("kezhou-2020", base)
    assert fmt.folder == TEMPLATES / "kezhou-2020" or fmt.folder.name == "kezhou-2020" and not fmt.folder.is_symlink()
    assert fmt.spec.tables[0].number == "表一"  # the real kezhou-2020, not what the link points at


def test_css_cannot_fetch_files_outside_the_format(tmp_path):
    """A stylesheet asking for a local file or a web address gets nothing: the fetcher refuses."""
    from generator.renderers.pdf import confined_fetcher

    folder = copy_format(tmp_path)
    (folder / "font.ttf").write_bytes(b"\0\1\0\0fake")
    fetch = confined_fetcher(folder)
    for url in ("file:///etc/passwd", "https://evil.invalid/x.png", "ftp://evil.invalid/x",
                (folder.parent / "outside.css").as_uri(), (folder / ".." / "x").as_uri()):
        with pytest.raises(Exception):
            fetch(url)
    ok = fetch((folder / "font.ttf").resolve().as_uri())
    assert ok.read() == b"\0\1\0\0fake"


def test_css_with_hostile_urls_still_builds_without_reading_them(tmp_path):
    folder = copy_format(tmp_path)
    (folder / "extra.css").write_text(
        '.cover-title { background: url("file:///etc/hostname"); }\n'
        '.toc-title { background-image: url("https://evil.invalid/beacon.png"); }\n', encoding="utf-8")
    append_manifest(folder, "样式表: extra.css")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "generator", "build", str(KEZHOU), "--templates", str(folder.parent),
                        "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    (pdf,) = out.rglob("*.pdf")
    assert b"/Subtype /Image" not in pdf.read_bytes()  # nothing was fetched and embedded


# ------------------------------------------------------------------ strict manifest
@pytest.mark.parametrize("edit, rule, message", [
    (("名称: kezhou-2020", "名称: kezhou-2020\n目录层次: [1]"), "format.unknown-key", "未知的键“目录层次”；您是不是想写“目录”？"),
    (("种类: 科目表", "种类: 科目树"), "format.kind", "未知的表格种类“科目树”"),
    (("系列: 基本支出}", "系列: 基本支岀}"), "format.series", "未知的系列“基本支岀”；您是不是想写“基本支出”？"),
    (("{字段: 金额, 标题: 项目支出合计}", "{字段: 预算金额, 标题: 项目支出合计}"), "format.field", "数据“项目”没有字段“预算金额”"),
    (("{标题: 财政拨款（补助）, 系列: 财政拨款}", "{标题: 财政拨款（补助）, 系列: 基本支出}"), "format.series",
     "“基本支出”不是收入来源"),
    (("标题: 部门收支总体情况表", "标题: 部门收支总体情况表{单位}"), "format.placeholder", "未知的占位符“{单位}”"),
    (("    标题: 部门收支总体情况表\n    横向: 否", "    标题: 部门收支总体情况表\n    横向: 也许"), "format.manifest",
     "应为以下之一：自动、是、否"),
    (("[{文字: 其他资金}, {字段: 其他资金, 跨列: 2}]", "[{文字: 其他资金}, {字段: 其他资金, 跨列: 3}]"), "format.grid",
     "表单各行的列数"),
    (("  项目支出绩效目标表:\n    种类: 表单", "  项目支出绩效目标表:\n    种类: 表单\n    序号: true"), "format.manifest",
     "表单不能有“序号”或“栏次”"),
])
def test_manifest_mistakes_are_named_at_their_line(tmp_path, edit, rule, message):
    folder = copy_format(tmp_path)
    path = folder / "manifest.yaml"
    text = path.read_text(encoding="utf-8")
    old, new = edit
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_format(folder)
    hits = [p for p in exc.value.problems if p.rule == rule and message in p.message]
    assert hits, [p.format() for p in exc.value.problems]
    line = text.splitlines()[hits[0].location.line - 1]
    first_new_line = new.splitlines()[-1].strip()[:6]
    assert hits[0].location.file.endswith("manifest.yaml") and hits[0].location.line > 0
    assert any(part in line for part in (first_new_line, new.strip().split(":")[0].strip())), (line, new)


def test_check_reports_a_broken_format_folder(tmp_path):
    folder = copy_format(tmp_path)
    (folder / "manifest.yaml").write_text((folder / "manifest.yaml").read_text(encoding="utf-8")
                                          .replace("种类: 科目表", "种类: 科目树", 1), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "check", str(KEZHOU), "--templates", str(folder.parent)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1
    assert re.search(r"manifest\.yaml:\d+:\d+: 错误\[format\.kind\] 未知的表格种类“科目树”", r.stderr), r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("file, content, message", [
    ("phrases.yaml", "增减:\n  增加: \"比上年多{多少}万元\"\n", "未知的占位符“{多少}”"),
    ("phrases.yaml", "增减少: {}\n", "未知的固定文字“增减少”"),
    ("typography.yaml", "样式:\n  正文: {字号: 特大号}\n", "应为长度"),
    ("typography.yaml", "样式:\n  正文文字: {字号: 三号}\n", "未知的样式“正文文字”"),
    ("typography.yaml", "字体:\n  仿宋: ['Evil\"}body{x']\n", "含有不允许的字符"),
    ("typography.yaml", "样式:\n  正文: {字体: 魏碑}\n", "未定义的字体“魏碑”"),
    ("glossary.yaml", "名词解释:\n  - {名词: 甲}\n", "每条名词解释应只有“名词”和“解释”两个键"),
])
def test_side_files_are_validated(tmp_path, file, content, message):
    folder = copy_format(tmp_path)
    (folder / file).write_text(content, encoding="utf-8")
    assert message in errors_of(folder)


# ------------------------------------------------------------------ department text is literal
HOSTILE = ["@封面 x", "@分页", "@公开表", "@表 项目支出绩效目标表 1", "# 假标题", "## 假二级", ">>右对齐", "^^居中",
           "||无缩进", "{{ dept }}", "{% if true %}x{% endif %}", "\ue000" + "0" + "\ue001", "@@@"]


@pytest.mark.parametrize("text", HOSTILE)
def test_department_text_never_becomes_markup(write, minimal, text):
    minimal["部门"] = f"{text}局" if not text.startswith(("@", "#", ">", "^", "|")) else text
    minimal["概况"]["主要职能"] = f"{text}\n{text}"
    minimal["其他需说明的事项"] = text
    checked = check_file(write(minimal))
    # private-use characters have no glyph: check refuses them as build does; the document model is what is tested here
    assert not [p for p in checked.errors if p.rule != "text.glyph"], [p.format() for p in checked.errors]
    doc = build_document(checked.fig, checked.fmt)
    baseline_checked = check_file(write(dict(minimal, 部门="测试局", 概况=dict(minimal["概况"], 主要职能="x"),
                                             其他需说明的事项="无"), "baseline.yaml"))
    baseline = build_document(baseline_checked.fig, baseline_checked.fmt)

    def shape(d):
        return [type(b).__name__ + (str(b.level) if isinstance(b, Heading) else "") for b in d.blocks
                if not isinstance(b, Paragraph)]

    assert shape(doc) == shape(baseline)  # no extra heading, table, page break or title page
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs.count(text.strip()) >= 2, paragraphs[:12]  # each line of 主要职能 is a paragraph, verbatim
    assert sum(isinstance(b, TitlePage) for b in doc.blocks) == 1
