"""`disclose serve` over HTTP: confinement, live inputs, downloads refused with errors,
Ctrl-C, CLI help; and its two pure parts, the page cut and the problem locator."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import KEZHOU, dump
from serve_support import ROOT, Server

from generator.serve import pages
from generator.serve.locate import Target, locate


def _wait(condition, timeout: float = 30.0, what: str = ""):
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            last = condition()
            if last:
                return last
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or condition}: last {last!r}")


def _view(server: Server, rel: str) -> dict:
    status, _, body = server.get(f"/d/{quote(rel)}/view")
    assert status == 200, body
    return json.loads(body)


def _text(view: dict) -> str:
    return "".join(view["pages"])


# --- confinement ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def confined(tmp_path_factory):
    base = tmp_path_factory.mktemp("confine")
    folder = base / "部门"
    folder.mkdir()
    shutil.copy(KEZHOU, folder / "甲.yaml")
    outside = base / "外面"
    outside.mkdir()
    secret = "秘密内容-不应被提供"
    (outside / "秘密.yaml").write_text(f"部门: {secret}\n年度: 2020\n", encoding="utf-8")
    (outside / "passwd").write_text(secret, encoding="utf-8")
    os.symlink(outside / "秘密.yaml", folder / "链接.yaml")  # a symlinked file pointing out
    os.symlink(outside, folder / "链接目录")  # a symlinked folder pointing out
    (folder / ".隐藏.yaml").write_text(f"部门: {secret}\n", encoding="utf-8")
    with Server(folder) as server:
        server.wait_checked()
        yield server, secret, folder


@pytest.mark.parametrize("path", [
    "/d/../外面/秘密.yaml/",
    "/d/%2e%2e/%E5%A4%96%E9%9D%A2/%E7%A7%98%E5%AF%86.yaml/",
    "/d/..%2f..%2f..%2fetc%2fpasswd/",
    "/d/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/d//etc/passwd/",
    "/d/%2Fetc%2Fpasswd/view",
    "/d/" + str(Path("/etc/passwd")) + "/frame",
    "/d/%E9%93%BE%E6%8E%A5.yaml/",  # 链接.yaml: a symlink out of the folder
    "/d/%E9%93%BE%E6%8E%A5.yaml/pdf",
    "/d/%E9%93%BE%E6%8E%A5%E7%9B%AE%E5%BD%95/%E7%A7%98%E5%AF%86.yaml/view",  # 链接目录/秘密.yaml
    "/d/.%E9%9A%90%E8%97%8F.yaml/view",  # .隐藏.yaml: hidden files are not departments
    "/d/%E7%94%B2.yaml/../../%E5%A4%96%E9%9D%A2/passwd",
    "/d/%E7%94%B2.yaml/%2e%2e%2f%2e%2e%2f%E5%A4%96%E9%9D%A2%2fpasswd",
    "/static/../app.py",
    "/static/%2e%2e%2fapp.py",
    "/static/..%2F..%2Fserve%2Fapp.py",
    "/static/serve.js/../../../etc/passwd",
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
])
def test_nothing_outside_the_folder_is_served(confined, path):
    server, secret, _ = confined
    status, headers, body = server.get(path)
    assert status in (400, 404), (path, status)
    assert secret.encode() not in body and b"root:" not in body
    if status == 404:
        assert "找不到页面" in body.decode("utf-8")


def test_only_the_folder_departments_are_listed(confined):
    server, secret, _ = confined
    status, _, body = server.get("/rows")
    text = body.decode("utf-8")
    assert status == 200 and "甲.yaml" in text
    assert "链接" not in text and "隐藏" not in text and secret not in text
    assert server.get("/d/%E7%94%B2.yaml/")[0] == 200
    assert server.get("/static/serve.js")[0] == 200


@pytest.mark.parametrize("headers, method, status, message", [
    ({"Host": "evil.example"}, "GET", 400, "主机名不被允许"),  # DNS rebinding
    ({"Host": "evil.example:80"}, "GET", 400, "主机名不被允许"),
    ({}, "POST", 405, "只提供查看和下载"),
    ({}, "PUT", 405, "只提供查看和下载"),
    ({}, "DELETE", 405, "只提供查看和下载"),
])
def test_refused_requests(confined, headers, method, status, message):
    server, _, _ = confined
    got, _, body = server.get("/", headers=headers, method=method)
    assert got == status and message in body.decode("utf-8")


def test_security_headers(confined):
    server, _, _ = confined
    _, headers, _ = server.get("/d/%E7%94%B2.yaml/")
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    _, headers, body = server.get("/d/%E7%94%B2.yaml/frame")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]  # the document frame runs no script


# --- live inputs: last-year file, catalog file, format folder ------------------------------------

def test_every_input_is_watched(tmp_path, minimal):
    folder = tmp_path / "部门"
    folder.mkdir()
    formats = tmp_path / "格式"
    shutil.copytree(ROOT / "templates" / "kezhou-2020", formats / "kezhou-2020")
    (folder / "财政局科目补充.yaml").write_text("部门预算支出经济分类:\n  30242: 办公用品及设备采购\n", encoding="utf-8")
    prev = dict(minimal, 年度=2019)
    (folder / "2019.yaml").write_text(dump(prev), encoding="utf-8")
    cur = json.loads(json.dumps(minimal))
    cur["基本支出"][0]["经济分类"]["30242"] = 1
    cur["收入"]["一般公共预算拨款"] = "111.50"
    cur["设置"] = {"科目补充文件": ["财政局科目补充.yaml"]}
    cur["上年"] = {"文件": "2019.yaml", "主要原因": {"收入合计": "测试", "支出合计": "测试", "一般公共预算拨款": "测试", "基本支出": "测试", "项目支出": "测试", "机关运行经费": "测试"}}
    (folder / "2020.yaml").write_text(dump(cur), encoding="utf-8")
    with Server(folder, "--templates", str(formats)) as server:
        server.wait_checked()
        first = _view(server, "2020.yaml")
        assert "办公用品及设备采购" in _text(first), first["problems"]
        assert "错误" not in first["status"], first["problems"]

        # the catalog file: a new name shows
        (folder / "财政局科目补充.yaml").write_text("部门预算支出经济分类:\n  30242: 办公设备更新测试\n", encoding="utf-8")
        _wait(lambda: "办公设备更新测试" in _text(_view(server, "2020.yaml")), what="catalog name")

        # the last-year file: broken, the department using it says so; fixed, it does not
        (folder / "2019.yaml").write_text("部门: [\n", encoding="utf-8")
        _wait(lambda: "last-year.invalid" in _view(server, "2020.yaml")["problems"], what="last-year error")
        (folder / "2019.yaml").write_text(dump(prev), encoding="utf-8")
        _wait(lambda: "last-year.invalid" not in _view(server, "2020.yaml")["problems"], what="last-year fixed")

        # the format folder: its manifest (a table's title) and its body template
        manifest = formats / "kezhou-2020" / "manifest.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(
            "标题: 部门收支总体情况表", "标题: 部门收支总体情况表（测试版式）", 1), encoding="utf-8")
        _wait(lambda: "部门收支总体情况表（测试版式）" in _text(_view(server, "2020.yaml")), what="manifest")
        body = formats / "kezhou-2020" / "body.j2"
        body.write_text(body.read_text(encoding="utf-8").replace("名词解释", "名词解释（测试版式）", 1), encoding="utf-8")
        _wait(lambda: "名词解释（测试版式）" in _text(_view(server, "2020.yaml")), what="body template")
    # nothing was written into the department folder
    assert sorted(p.name for p in folder.iterdir()) == ["2019.yaml", "2020.yaml", "财政局科目补充.yaml"]


def test_downloads_refused_while_the_file_has_errors(tmp_path, minimal):
    minimal["收入"]["一般公共预算拨款"] = 999
    (tmp_path / "d.yaml").write_text(dump(minimal), encoding="utf-8")
    with Server(tmp_path) as server:
        server.wait_checked()
        status, _, body = server.get("/d/d.yaml/pdf")
        text = body.decode("utf-8")
        assert status == 409 and "不能生成" in text and "balance.income-spending" in text
        assert "d.yaml:" in text  # file:line:col
        assert server.get("/d/d.yaml/docx")[0] == 409


# --- the command ---------------------------------------------------------------------------------

def test_ctrl_c_stops_cleanly_with_a_page_open(tmp_path):
    shutil.copy(KEZHOU, tmp_path / "甲.yaml")
    server = Server(tmp_path).start()
    server.wait_checked()
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    stream = http.client.HTTPConnection(host, int(port), timeout=30)
    stream.request("GET", "/events")
    response = stream.getresponse()
    assert response.status == 200 and response.getheader("content-type").startswith("text/event-stream")
    assert response.readline().startswith(b"retry:")
    children = subprocess.run(["pgrep", "-P", str(server.proc.pid)], capture_output=True, text=True).stdout.split()
    assert children, "the layout worker process"
    t = time.monotonic()
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(20) == 0, server.output
    assert time.monotonic() - t < 10
    server.stop()
    assert "已停止" in server.output and "Traceback" not in server.output, server.output
    # the layout worker is stopped with the server; multiprocessing's resource tracker ends when it sees that
    def gone(pid: str) -> bool:
        try:
            return "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        except OSError:
            return True
    _wait(lambda: all(gone(pid) for pid in children), timeout=15, what="the server's child processes to end")
    stream.close()


def test_help_is_in_chinese():
    out = subprocess.run([sys.executable, "-m", "generator", "serve", "--help"], capture_output=True, text=True,
                         cwd=ROOT).stdout
    assert "预览" in out and "端口" in out and "Ctrl-C" in out and "127.0.0.1" in out and "8000" in out


@pytest.mark.parametrize("args, message", [
    (["--port", "70000"], "端口号应在 0 到 65535 之间，实际是 70000"),
    (["--port", "-1"], "端口号应在 0 到 65535 之间，实际是 -1"),
    (["不存在的文件夹"], "找不到文件或文件夹“不存在的文件夹”"),
])
def test_usage_errors(args, message):
    r = subprocess.run([sys.executable, "-m", "generator", "serve", *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    assert r.returncode == 2 and message in r.stderr and "用法错误" in r.stderr and "Traceback" not in r.stderr


def test_busy_port_is_explained(tmp_path):
    import socket

    shutil.copy(KEZHOU, tmp_path / "甲.yaml")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "generator", "serve", str(tmp_path), "--port", str(port)],
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 1 and f"端口 {port} 已被占用" in r.stderr and "Traceback" not in r.stderr


# --- the page cut ---------------------------------------------------------------------------------

def _page_map(paths: list[tuple[tuple[int, ...], int]]) -> pages.PageMap:
    return pages.PageMap([pages.Page(794, 1123, (90, 90, 80, 90), "", start) for start in paths], {})


HTML = """<html><head><title>t</title></head><body>
<h1 id="h1">第一部分</h1>
<p class="p-body">一二三四五六七八九十</p>
<section class="table-block" id="t1"><p class="table-title">表一</p>
<table><colgroup><col/></colgroup><thead><tr><th>项目</th></tr></thead>
<tbody><tr><td>甲</td></tr><tr><td>乙</td></tr><tr><td>丙</td></tr></tbody></table></section>
<p>结束</p>
</body></html>"""


def test_cut_splits_rows_and_text_like_the_layout():
    # page 2 starts at the 6th character of the paragraph, page 3 at the table's second row
    body = pages.body_of(pages.parse_html(HTML))
    paths = [p for p, _ in pages.atoms(body)]
    row2 = next(p for p, el in pages.atoms(body) if el.tag == "tr" and el[0].text == "乙")
    cut = pages.cut(HTML, _page_map([(paths[0], 0), (paths[1], 5), (row2, 0)]), exact=True)
    assert len(cut.pages) == 3 and cut.exact
    one, two, three = cut.pages
    assert "一二三四五" in one and "六" not in one
    assert "六七八九十" in two and "一二三" not in two and "dz-cont" in two
    assert "甲" in two and "乙" not in two and 'id="t1"' in two
    assert "乙" in three and "丙" in three and "甲" not in three and "结束" in three
    assert three.count("项目") == 1 and 'id="t1"' not in three  # the header repeats, the anchor does not
    assert "<col>" in three or "<col " in three


def test_an_old_page_map_still_cuts_a_changed_document():
    body = pages.body_of(pages.parse_html(HTML))
    paths = [p for p, _ in pages.atoms(body)]
    pmap = _page_map([(paths[0], 0), (paths[2], 0), (paths[-1], 0), ((99,), 0)])
    shorter = HTML.replace('<p class="p-body">一二三四五六七八九十</p>', "")
    cut = pages.cut(shorter, pmap, exact=False)
    joined = "".join(cut.pages)
    for word in ("第一部分", "表一", "甲", "乙", "丙", "结束"):
        assert joined.count(word) == 1, word
    assert not cut.exact and all(">" in p for p in cut.pages)


@pytest.mark.parametrize("hostile, gone", [
    ('<p>a<script>alert(1)</script></p>', "alert"),
    ('<p><img src="x" onerror="alert(1)"/></p>', "onerror"),
    ('<p><a href="javascript:alert(1)">x</a></p>', "javascript:"),
    ('<p><a href=" JaVaScRiPt:alert(1)">x</a></p>', "alert"),
    ('<p><a href="java&#115;cript:alert(1)">x</a></p>', "alert"),
    ("<p><a href='&#106;avascript&#58;alert(1)'>x</a></p>", "alert"),
    ('<div><iframe src="http://example.com/"></iframe></div>', "iframe"),
    ('<div><object data="x.swf"></object></div>', "object"),
    ('<p style="x" onclick="alert(1)">y</p>', "onclick"),
    ('<div><form action="http://example.com/"><input name="a"/></form></div>', "form"),
    ('<div><form action="http://example.com/"><p>表单里的字</p></form></div>', "form"),
    ('<div><!-- a comment --><script>alert(1)</script><p>x</p></div>', "alert"),
])
def test_cut_drops_active_content(hostile, gone):
    html = f"<html><body><h1>标题</h1>{hostile}</body></html>"
    out = "".join(pages.cut(html, None, exact=False).pages)
    assert gone not in out.lower() and "标题" in out


# --- where a problem shows ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example():
    from generator.serve import engine

    p = engine.preview(KEZHOU)
    assert p.doc is not None
    return p


@pytest.mark.parametrize("field, rule, kind, texts", [
    ("项目[2].资金分配", "project.allocation", "heading:项目支出情况", ("网络运行评估维护费", "资金分配")),
    ("项目[1].政策依据", "text.required", "heading:项目支出情况", ("密码业务经费", "政策依据")),
    ("项目[3].金额", "amount.decimals", "table:项目支出情况表", ("三项工作运行保障费",)),
    ("项目[2].绩效目标.指标[3].指标值", "schema.type", "perf:2", ()),
    ("收入.一般公共预算拨款", "amount.type", "table:收入总体情况表", ("一般公共预算拨款",)),
    ("收入.一般公共预算拨款", "balance.income-spending", "table:收支总表", ("收入总计",)),
    ("基本支出[1].经济分类.30101", "amount.negative", "table:基本支出情况表", ("基本工资",)),
    ("三公经费.公务接待费.基本支出", "three-public.exceeds", "table:三公", ("公务接待费",)),
    ("概况.主要职能", "text.required", "heading:主要职能", ()),
    ("概况.人员.在职.人数", "staffing.over", "heading:机构设置", ()),
    ("政府采购.面向中小企业预留", "procurement.sme", "heading:政府采购", ()),
    ("国有资产.车辆[1].数量", "schema.type", "heading:国有资产", ()),
    ("机关运行经费.金额", "amount.type", "heading:机关运行经费", ()),
    ("核对数.基本支出", "control.mismatch", "table:基本支出情况表", ()),
    ("上年.主要原因.机关运行经费", "reason.missing", "heading:机关运行经费", ()),
    ("上年.功能分类.2013101", "reason.missing", "heading:具体使用情况", ()),
    ("部门", "text.required", "top", ()),
    ("", "yaml.syntax", None, ()),
    ("未知的键", "schema.unknown-key", None, ()),
])
def test_locate(example, field, rule, kind, texts):
    target = locate(field, rule, example.doc, example.checked.fig)
    if kind is None:
        assert target is None
        return
    assert target is not None
    blocks = {getattr(b, "anchor", None): b for b in example.doc.blocks}
    if kind == "top":
        assert target == Target(None)
        return
    what, _, name = kind.partition(":")
    block = blocks[target.anchor]
    if what == "heading":
        assert name in block.text
    elif what == "table":
        assert name in block.key or name in block.title.replace(" ", "")
    else:  # the n-th performance table: the n-th project's
        perf = [t for t in example.doc.tables() if "绩效目标" in t.title.replace(" ", "")]
        assert block is perf[int(name) - 1]
    assert target.texts == texts


def test_hostile_text_stays_text(tmp_path, minimal):
    hostile = '<img src=x onerror="alert(1)">{{ 7*7 }}</script><script>alert(2)</script>'
    minimal["部门"] = "测试局" + hostile
    minimal["项目"][0]["名称"] = hostile
    minimal["项目"][0]["资金分配"][0]["名称"] = hostile
    (tmp_path / "d.yaml").write_text(dump(minimal), encoding="utf-8")
    (tmp_path / "其他.yaml").write_text("部门: [\n", encoding="utf-8")  # unreadable, listed with its error
    with Server(tmp_path) as server:
        server.wait_checked()
        rows = server.get("/rows")[2].decode("utf-8")
        assert "&lt;img src=x" in rows and "<img" not in rows and "<script>" not in rows
        assert "其他.yaml" in rows and "个错误" in rows
        view = _view(server, "d.yaml")
        markup = _text(view) + view["problems"] + view["status"]  # put into the page as markup
        assert "<img" not in markup and "<script" not in markup
        assert "&lt;img" in _text(view) and "{{ 7*7 }}" in _text(view)
        assert view["title"].startswith("测试局<img")  # plain text: the page sets it with textContent
        assert "textContent = view.title" in server.get("/static/serve.js")[2].decode("utf-8")
        page = server.get("/d/d.yaml/")[2].decode("utf-8")
        assert "<img" not in page and "&lt;img" in page


def test_one_file(tmp_path, minimal):
    (tmp_path / "a.yaml").write_text(dump(minimal), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(dump(minimal), encoding="utf-8")
    with Server(tmp_path / "a.yaml") as server:
        server.wait_checked()
        rows = server.get("/rows")[2].decode("utf-8")
        assert "a.yaml" in rows and "b.yaml" not in rows
        assert server.get("/d/b.yaml/view")[0] == 404
        assert server.get("/d/a.yaml/view")[0] == 200


@pytest.mark.parametrize("yaml_file", ["克州机要保密局-2020.yaml", "山海关区委办公室-2024.yaml"])
def test_each_page_shows_what_the_pdf_page_prints(yaml_file):
    """Page by page, the preview shows exactly the characters of the same PDF page (both formats)."""
    import collections
    import html as html_lib
    import re

    from generator.serve import engine

    path = ROOT / "departments" / yaml_file
    p = engine.preview(path)
    cut = pages.cut(p.html, engine.layout(p.doc, p.fmt), exact=True)
    files, _, problems = engine.build_files(path)
    assert files, problems

    def chars(text: str) -> collections.Counter:
        return collections.Counter(ch for ch in text if not ch.isspace() and ch != ".")  # “.”: the 目录's leaders

    # poppler's pdftotext (installed by scripts/setup.sh): one page per form feed
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=files["pdf"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    pdf_pages = text.split("\f")[:-1]
    assert len(cut.pages) == len(pdf_pages)
    for number, (page_html, pdf_text) in enumerate(zip(cut.pages, pdf_pages), 1):
        shown = html_lib.unescape(re.sub(r"<[^>]+>", "", page_html))
        assert chars(shown) == chars(pdf_text), f"page {number}"


def test_inputs_outside_the_served_folder_are_watched(tmp_path, minimal):
    """A bureau's layout: disclose.yaml above, last year's file in a sibling folder; only 2020/ is served."""
    (tmp_path / "disclose.yaml").write_text("原因阈值: 10\n", encoding="utf-8")
    (tmp_path / "2019").mkdir()
    (tmp_path / "2020").mkdir()
    prev = dict(minimal, 年度=2019)
    (tmp_path / "2019" / "测试局.yaml").write_text(dump(prev), encoding="utf-8")
    cur = json.loads(json.dumps(minimal))
    cur["上年"] = {"文件": "../2019/测试局.yaml", "主要原因": {k: "测试" for k in (
        "收入合计", "支出合计", "一般公共预算拨款", "基本支出", "项目支出", "机关运行经费")}}
    (tmp_path / "2020" / "测试局.yaml").write_text(dump(cur), encoding="utf-8")
    with Server(tmp_path / "2020") as server:
        server.wait_checked()
        first = _view(server, "测试局.yaml")
        assert "个错误" not in first["status"], first["problems"]
        (tmp_path / "2019" / "测试局.yaml").write_text("部门: [\n", encoding="utf-8")
        _wait(lambda: "last-year.invalid" in _view(server, "测试局.yaml")["problems"], what="last-year error")
        (tmp_path / "2019" / "测试局.yaml").write_text(dump(prev), encoding="utf-8")
        _wait(lambda: "last-year.invalid" not in _view(server, "测试局.yaml")["problems"], what="last-year fixed")
        (tmp_path / "disclose.yaml").write_text("原因阈值: 10\n未知设置: 1\n", encoding="utf-8")
        _wait(lambda: "disclose.yaml" in _view(server, "测试局.yaml")["problems"], what="project file error")
        (tmp_path / "disclose.yaml").write_text("原因阈值: 10\n", encoding="utf-8")
        _wait(lambda: "disclose.yaml" not in _view(server, "测试局.yaml")["problems"], what="project file fixed")
