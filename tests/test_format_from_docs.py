"""A bureau's IT person writes a format from docs/formats.md alone.

The worked example of the reference (its four files) is copied out of the
Markdown into a temporary folder — nothing else — and both example departments
are built with it through the CLI; the PDF's text shows the format's tables and
sentences. The reference itself is generated from the code and must be current.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import KEZHOU, ROOT, SHANHAIGUAN
from generator.formats.reference import markdown

DOC = ROOT / "docs" / "formats.md"


def test_the_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == markdown(), \
        "docs/formats.md is stale: run  disclose formats --markdown -o docs/formats.md"


def worked_example() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## 完整示例", 1)[1]
    files = dict(re.findall(r"`([\w.]+)`[^\n]*：\n\n```\w*\n(.*?)```", section, flags=re.S))
    assert set(files) == {"manifest.yaml", "body.j2", "phrases.yaml", "typography.yaml"}, set(files)
    return files


@pytest.fixture(scope="module")
def format_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    folder = root / "简表"
    folder.mkdir()
    for name, content in worked_example().items():
        (folder / name).write_text(content, encoding="utf-8")
    return root


def disclose(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT)


def test_the_example_format_is_listed_and_valid(format_folder):
    r = disclose("formats", "--templates", str(format_folder))
    assert r.returncode == 0, r.stderr
    assert "简表\t两张表的简化版式（示例）" in r.stdout


@pytest.mark.parametrize("source", [KEZHOU, SHANHAIGUAN], ids=["2020", "2024"])
def test_both_examples_build_with_the_format_from_the_docs(format_folder, tmp_path, source):
    r = disclose("build", str(source), "--templates", str(format_folder), "--format", "简表", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    (pdf,) = tmp_path.rglob("*.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "表1" in text and "收支预算总表" in text and "表2" in text and "支出预算表" in text
    spending = re.sub(r"\s+", "", text.split("（二）支出", 1)[1].split("（三）", 1)[0])
    # the example's phrases.yaml says “较上年……增幅/降幅” where the default says “比上年……增长/下降”
    assert re.search(r"较上年(预算|执行)数(增加|减少)\d+\.\d\d万元，(增幅|降幅)\d+\.\d\d%", spending), spending
    assert "比上年" not in spending
