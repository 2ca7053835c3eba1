"""核对数 by printed cell (表六.30201.公用经费): the block `disclose controls` writes, checked by
`disclose check` against the cell the document prints — through the CLI, as a finance officer
would: write the block, copy numbers in, check."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from conftest import KEZHOU, ROOT, SHANHAIGUAN


def disclose(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def with_controls(tmp_path, source, block: str, name="dept.yaml"):
    text = source.read_text(encoding="utf-8")
    assert "\n核对数:" not in text
    target = tmp_path / name
    target.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")
    # files the example names (last year's file, catalog supplements) sit next to it
    for extra in source.parent.glob("*.yaml"):
        if extra != source and not (tmp_path / extra.name).exists():
            (tmp_path / extra.name).write_text(extra.read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def kezhou_block():
    r = disclose("controls", KEZHOU)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_the_empty_block_checks_clean_and_lists_every_printed_cell(tmp_path, kezhou_block):
    data = yaml.safe_load(kezhou_block)
    keys = list(data["核对数"])
    assert "表六.30201.公用经费" in keys and "表三.2013101.基本支出" in keys and "表一.财政拨款（补助）.预算数" in keys
    assert len(keys) == len(set(keys))
    target = with_controls(tmp_path, KEZHOU, kezhou_block)
    r = disclose("check", target)
    assert r.returncode == 0, r.stderr  # an empty 核对数 block is not an error: nothing to compare yet


def test_filled_cells_are_compared_with_the_printed_document(tmp_path, kezhou_block):
    # the officer copies numbers from the printout: two right, one wrong
    block = kezhou_block.replace("  表六.30201.公用经费:\n", "  表六.30201.公用经费: 0.25\n") \
        .replace("  表三.2013101.基本支出:\n", "  表三.2013101.基本支出: 207.7\n") \
        .replace("  表一.财政拨款（补助）.预算数:\n", "  表一.财政拨款（补助）.预算数: 271.2\n")
    target = with_controls(tmp_path, KEZHOU, block)
    r = disclose("check", target)
    assert r.returncode == 1
    lines = [l for l in r.stderr.splitlines() if "control.cell" in l]
    assert len(lines) == 1, r.stderr
    assert "表一“部门收支总体情况表”“财政拨款（补助）”行“收入/预算数”列按明细印出 271.10，预算系统核对数为 271.20（差 -0.10 万元）" in lines[0]
    line_no = int(re.match(r".*?\.yaml:(\d+):", lines[0]).group(1))
    assert target.read_text(encoding="utf-8").splitlines()[line_no - 1].strip().startswith("表一.财政拨款（补助）.预算数")


@pytest.mark.parametrize("key, message", [
    ("表十.30201.公用经费", "找不到表格“表十”"),
    ("表六.30299.公用经费", "表格“表六”中没有“30299.公用经费”这一格"),
    ("表六.30201.公用经費", "您是不是想写“表六.30201.公用经费”？"),
])
def test_a_cell_that_is_not_printed_is_named(tmp_path, key, message):
    target = with_controls(tmp_path, KEZHOU, f"核对数:\n  {key}: 1.00\n")
    r = disclose("check", target)
    assert r.returncode == 1
    assert "control.unknown-cell" in r.stderr and message in r.stderr, r.stderr


def test_a_line_item_printed_with_two_amounts_is_caught(tmp_path):
    """A published 表六 printed one line with two different amounts (its 小计 and its 公用经费 column
    disagree): entered as printed, the cell that differs from the document is named."""
    from generator.checks.cells import cells
    from generator.document.build import build_document
    from generator.pipeline import check_file

    checked = check_file(KEZHOU)
    printed = {c.key: c.value for c in cells(build_document(checked.fig, checked.fmt))}
    right = printed["表六.30201.小计"]
    target = with_controls(tmp_path, KEZHOU, f"核对数:\n  表六.30201.小计: {right}\n  表六.30201.公用经费: {right + 1}\n")
    r = disclose("check", target)
    assert r.returncode == 1
    bad = [l for l in r.stderr.splitlines() if "control.cell" in l]
    assert len(bad) == 1 and "“一般公共预算基本支出/公用经费”列" in bad[0] and "差 -1.00 万元" in bad[0], r.stderr


def test_cells_of_a_format_without_numbers_use_titles(tmp_path):
    r = disclose("controls", SHANHAIGUAN)
    assert r.returncode == 0, r.stderr
    keys = list(yaml.safe_load(r.stdout)["核对数"])
    assert "部门预算收支总表.一、一般公共预算拨款收入.预算数" in keys
    assert "部门预算一般公共预算财政拨款基本支出表.30201.公用经费" in keys
    target = with_controls(tmp_path, SHANHAIGUAN,
                           "核对数:\n  部门预算一般公共预算财政拨款基本支出表.合计.合计: 496.13\n"
                           "  部门预算收支总表.一、一般公共预算拨款收入.预算数: 717.53\n")
    r = disclose("check", target)
    assert "control.cell" not in r.stderr, r.stderr


def test_controls_written_to_a_file_through_the_cli(tmp_path):
    out = tmp_path / "sub" / "核对.yaml"
    r = disclose("controls", KEZHOU, "-o", out)
    assert r.returncode == 0 and out.is_file(), r.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["核对数"]
