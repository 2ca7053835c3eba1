"""`disclose serve` in a real browser (Debian's Chromium, driven by Playwright).

One walk through what a user does: open the index, open a department, edit the
YAML on disk and watch the page change, break it and watch the problem list
appear (and its link lead to the place in the document), fix it and watch the
list go, download the PDF and DOCX (byte for byte what `disclose build` writes).
The screenshot in the README (docs/serve.png) is taken on the way
(written there when missing or with UPDATE_SCREENSHOT=1, so a test run leaves the tree clean).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


from serve_support import FRAME_TEXT, ROOT, Server, chromium, edited_example, income_line

EXAMPLE = ROOT / "departments" / "克州机要保密局-2020.yaml"
OTHER = ROOT / "departments" / "山海关区委办公室-2024.yaml"
SCREENSHOT = ROOT / "docs" / "serve.png"


def _wait_text(page, text: str, present: bool = True, timeout: float = 20_000) -> None:
    page.wait_for_function(f"(t) => ({FRAME_TEXT})().includes(t) === {str(present).lower()}", arg=text,
                           timeout=timeout)


def _save(path: Path, text: str, atomic: bool = False) -> None:
    if atomic:  # as many editors save: a temporary file renamed over the old one
        tmp = path.with_name(f".{path.name}.swp.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    else:
        path.write_text(text, encoding="utf-8")


def test_browser_walkthrough(tmp_path):
    folder = tmp_path / "departments"
    folder.mkdir()
    yaml_path = folder / EXAMPLE.name
    shutil.copy(EXAMPLE, yaml_path)
    shutil.copy(OTHER, folder / OTHER.name)
    original = yaml_path.read_text(encoding="utf-8")
    # what `disclose build` writes, made meanwhile, for the byte-for-byte comparison
    build = subprocess.Popen([sys.executable, "-m", "generator", "build", str(yaml_path), "-o", str(tmp_path / "out")],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    before = {p: p.read_bytes() for p in folder.iterdir()}

    with Server(folder) as server, chromium() as browser:
        page = browser.new_page()
        # the index: every department with its status and links
        page.goto(server.url + "/")
        rows = page.locator("#rows tr")
        page.wait_for_function("() => !document.getElementById('rows').textContent.includes('检查中')")
        assert rows.count() == 2
        first = page.locator("tr", has_text="克州机要保密局")
        assert "2020" in first.inner_text() and "kezhou-2020" in first.inner_text()
        assert "1 个警告" in first.inner_text() and "可生成" in first.inner_text()
        assert "national-2024" in page.locator("tr", has_text="山海关区委办公室").inner_text()

        # a department: its pages, as they will print
        first.locator("td.name a").click()
        page.wait_for_url("**/d/**")
        _wait_text(page, "部门收支总体情况表")
        page.wait_for_function("() => document.getElementById('paging').textContent.includes('与 PDF 一致')",
                               timeout=60_000)
        frame = page.frame_locator("#doc")
        assert frame.locator(".dz-page").count() == 21  # the PDF's 21 pages (cover included)
        assert "第 1 页 共 20 页" in frame.locator(".dz-page").nth(1).inner_text()
        landscape = frame.locator(".dz-page.dz-named-landscape")
        assert landscape.count() >= 1
        box = landscape.first.bounding_box()
        assert box["width"] > box["height"]  # a wide table on a landscape page
        toc = frame.locator(".dz-toc-page")
        assert toc.count() > 10 and toc.first.inner_text().strip().isdigit()  # the 目录 with page numbers

        # an edit on disk shows without a reload: 办公费 +1, income +1 (still balanced)
        edited, figure = edited_example(original, "1")  # e.g. 272.10
        assert figure not in page.evaluate(FRAME_TEXT)
        marker = page.evaluate("() => { window.__marker = 1; return 1; }")
        _save(yaml_path, edited)
        _wait_text(page, figure)
        assert page.evaluate("() => window.__marker") == marker  # the same page: not reloaded
        assert page.locator("#problems li.error").count() == 0  # only the example's own warning

        # broken: income no longer equals spending → the problem list appears, linked to the document
        broken, _ = edited_example(edited, "0", income="280.00")
        _save(yaml_path, broken, atomic=True)
        page.wait_for_function("() => document.querySelectorAll('#problems li.error').length > 0")
        problems = page.locator("#problems")
        text = problems.inner_text()
        assert "错误" in text and "balance.income-spending" in text and "收支不平衡" in text
        assert f"{yaml_path.name}:{income_line(original)}:" in text  # file:line:col of 一般公共预算拨款
        assert "1 个错误" in page.locator("#status").inner_text()
        assert page.locator("#pdf.disabled").count() == 1
        problems.locator("li.error a.where").first.click()
        marked = frame.locator(".dz-mark")
        marked.first.wait_for()
        assert "收 入 总 计" in marked.first.inner_text() and "280.00" in marked.first.inner_text()
        page.wait_for_function("() => document.getElementById('paging').textContent.includes('与 PDF 一致')",
                               timeout=60_000)
        problems.locator("li.error a.where").first.click()
        page.wait_for_timeout(300)
        shot = page.screenshot(path=str(tmp_path / "serve.png"))
        assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 50_000
        if os.environ.get("UPDATE_SCREENSHOT") or not SCREENSHOT.exists():  # like UPDATE_GOLDEN
            SCREENSHOT.parent.mkdir(exist_ok=True)
            SCREENSHOT.write_bytes(shot)

        # fixed: the list goes
        _save(yaml_path, original)
        page.wait_for_function("() => document.querySelectorAll('#problems li.error').length === 0")
        _wait_text(page, figure, present=False)
        assert "可生成" in page.locator("#status").inner_text()

        # unreadable YAML: the problem shows, the last good document stays (marked)
        _save(yaml_path, original.replace("部门: 克州机要保密局", "部门: [克州机要保密局"))
        page.wait_for_function("() => !document.getElementById('notice').hidden")
        assert "上一次可以生成时的文档" in page.locator("#notice").inner_text()
        assert "yaml" in page.locator("#problems").inner_text().lower()
        _save(yaml_path, original)
        page.wait_for_function("() => document.getElementById('notice').hidden")

        # downloads, built by the server: byte for byte what `disclose build` writes
        assert build.wait(120) == 0, build.stdout.read().decode()
        (built_pdf,) = (tmp_path / "out").glob("*/*.pdf")
        (built_docx,) = (tmp_path / "out").glob("*/*.docx")
        page.wait_for_function("() => !document.getElementById('pdf').classList.contains('disabled')")
        for selector, built in (("#pdf", built_pdf), ("#docx", built_docx)):
            with page.expect_download(timeout=120_000) as info:
                page.click(selector)
            download = info.value
            assert download.suggested_filename == built.name
            assert Path(download.path()).read_bytes() == built.read_bytes()

        # back to the index, which follows the files too: a new department appears
        page.click("a.back")
        page.wait_for_function("() => document.querySelectorAll('#rows tr').length === 2")
        shutil.copy(EXAMPLE, folder / "副本-2020.yaml")
        page.wait_for_function("() => document.querySelectorAll('#rows tr').length === 3")
        (folder / "副本-2020.yaml").unlink()
        page.wait_for_function("() => document.querySelectorAll('#rows tr').length === 2")

    assert server.proc.returncode == 0, server.output
    assert "已停止" in server.output and "Traceback" not in server.output
    # the server never wrote into the department folder
    assert {p: p.read_bytes() for p in folder.iterdir()} == before
