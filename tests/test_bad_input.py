"""Bad input through the front door (`disclose check`): input → the exact Chinese message.

Keyboard slips of a Chinese input method (issue 11) and hostile input bounded at load
(issue 10), each named where it is (file:line:col) without a traceback.
"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from generator.cli import main

GOOD = """\
部门: 测试局
年度: 2025
编制日期: 2025-01-31
概况:
  主要职能: 负责测试工作。
  人员:
    编制数: 10
    在职: {人数: 8, 比上年增减: -1}
收入:
  一般公共预算拨款: 61.00
基本支出:
  - 功能分类: 2010101
    经济分类:
      30101: 50.25
      30201: 10.25
项目:
  - 名称: 测试项目
    功能分类: 2010199
    金额: 0.50
    经济分类: {30299: 0.50}
    政策依据: 依据《测试办法》
    绩效目标: {总体目标: 完成测试。}
国有资产:
  截至日期: 2024-12-31
上年:
  基本支出: 58.00
  项目支出: 0.50
  机关运行经费: 10.25
"""


def check(tmp_path, text: str | bytes, name: str = "部门.yaml"):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    r = CliRunner().invoke(main, ["check", str(p)], catch_exceptions=False)
    assert "Traceback" not in r.output
    lines = [line.split(f"{p}:", 1)[1] if f"{p}:" in line else line
             for line in r.output.splitlines() if not line.startswith("检查了")]
    return r.exit_code, lines


def test_the_base_file_is_clean(tmp_path):
    code, lines = check(tmp_path, GOOD)
    assert code == 0, lines


SLIPS = [
    # (name, text, expected output lines without the file name)
    ("full-width colon", GOOD.replace("年度: 2025", "年度：2025"),
     ["2:3: 错误[yaml.syntax.fullwidth-colon] 第 2 行第 3 列是全角冒号“：”，请改为半角冒号“:”并在其后加空格"]),
    ("full-width colon nested", GOOD.replace("    编制数: 10", "    编制数：10"),
     ["7:8: 错误[yaml.syntax.fullwidth-colon] 第 7 行第 8 列是全角冒号“：”，请改为半角冒号“:”并在其后加空格"]),
    ("no space after colon", GOOD.replace("部门: 测试局", "部门:青山县"),
     ["1:3: 错误[yaml.syntax.colon-space] 第 1 行第 3 列的冒号“:”后面缺少空格：请在冒号后加一个空格（如“部门: 青山县”）"]),
    ("no space in a flow mapping", GOOD.replace("{人数: 8,", "{人数:8,"),
     ["8:12: 错误[yaml.syntax.colon-space] 第 8 行第 12 列的冒号“:”后面缺少空格：请在冒号后加一个空格（如“部门: 青山县”）"]),
    ("full-width comma", GOOD.replace("{人数: 8, 比上年增减", "{人数: 8，比上年增减"),
     ["8:15: 错误[yaml.syntax.fullwidth-comma] 第 8 行第 15 列是全角逗号“，”，请改为半角逗号“,”并在其后加空格"]),
    ("full-width space indentation", GOOD.replace("  主要职能", "\u3000\u3000主要职能"),
     ["5:1: 错误[yaml.syntax.fullwidth-space] 第 5 行第 1 列是全角空格“\u3000”：缩进只能用半角空格，请切换到半角输入后重新缩进"]),
    ("trailing tab from Excel", GOOD.replace("30101: 50.25", "30101: 50.25\t"),
     ["14:19: 错误[yaml.syntax.trailing-tab] 第 14 行第 19 列的行尾有制表符（Tab，多半是从 Excel 复制带来的）：请删除"]),
    ("tab indentation", GOOD.replace("  一般公共预算拨款", "\t一般公共预算拨款"),
     ["10:1: 错误[yaml.syntax.tab-indent] 第 10 行第 1 列用了制表符（Tab）缩进：YAML 不允许用制表符（Tab）缩进，请改用空格"]),
    ("three slips at once", GOOD.replace("年度: 2025", "年度：2025").replace("部门: 测试局", "部门:测试局")
     .replace("30201: 10.25", "30201: 10.25\t"),
     ["1:3: 错误[yaml.syntax.colon-space] 第 1 行第 3 列的冒号“:”后面缺少空格：请在冒号后加一个空格（如“部门: 青山县”）",
      "2:3: 错误[yaml.syntax.fullwidth-colon] 第 2 行第 3 列是全角冒号“：”，请改为半角冒号“:”并在其后加空格",
      "15:19: 错误[yaml.syntax.trailing-tab] 第 15 行第 19 列的行尾有制表符（Tab，多半是从 Excel 复制带来的）：请删除"]),
    ("quoted number", GOOD.replace("一般公共预算拨款: 61.00", '一般公共预算拨款: "61.00"'),
     ["10:3: 错误[amount.type] 应为数字，实际是加了引号的文字“61.00”：请去掉引号，直接写 61.00"]),
    ("full-width digits", GOOD.replace("年度: 2025", "年度: ２０２５"),
     ["2:1: 错误[schema.type] 应为整数，实际是“２０２５”（含全角数字，请切换到半角输入，写成 2025）"]),
    ("full-width digits in an amount", GOOD.replace("30101: 50.25", "30101: ５０.２５"),
     ["14:7: 错误[amount.type] 金额应为数字，实际是文字“５０.２５”（请使用半角数字）"]),
    ("full-width colon read as a key", GOOD.replace("    在职: {人数: 8, 比上年增减: -1}", "    在职: {人数: 8, 比上年增减: -1}\n    退休：{人数: 1}"),
     ["9:7: 错误[yaml.syntax.fullwidth-colon] 第 9 行第 7 列是全角冒号“：”，请改为半角冒号“:”并在其后加空格"]),
]


@pytest.mark.parametrize("name, text, expected", SLIPS, ids=[s[0] for s in SLIPS])
def test_keyboard_slips_are_named_where_they_are(tmp_path, name, text, expected):
    code, lines = check(tmp_path, text)
    assert code == 1
    assert lines == expected


def test_legitimate_full_width_punctuation_is_not_a_slip(tmp_path):
    text = GOOD.replace("负责测试工作。", "克州机要保密局主要职责：一是测试，二是核对。") + "其他需说明的事项: 网址 http://example.cn：见附件\n"
    code, lines = check(tmp_path, text)
    assert code == 0, lines


HOSTILE = [
    ("exponent overflow", GOOD.replace("30101: 50.25", "30101: 1.0e+999999999"),
     ["14:14: 错误[yaml.number-range] 数字“1.0e+999999999”超出范围：应为直接写出的普通数字（如 271.11），指数不能超过 1000"]),
    ("exponent in a name", GOOD.replace("部门: 测试局", "部门: 1.0e+99999999999"),
     ["1:5: 错误[yaml.number-range] 数字“1.0e+99999999999”超出范围：应为直接写出的普通数字（如 271.11），指数不能超过 1000"]),
    ("tiny exponent", GOOD.replace("部门: 测试局", "部门: 0.0e-999999999"),
     ["1:5: 错误[yaml.number-range] 数字“0.0e-999999999”超出范围：应为直接写出的普通数字（如 271.11），指数不能超过 1000"]),
    ("huge text", GOOD.replace("负责测试工作。", "测" * 20_001),
     ["5:9: 错误[yaml.text-too-long] 文字过长：一项内容应不超过 20000 个字符，实际 20001 个字符（多半是误粘贴了大量内容）"]),
    ("quoted duplicate code", GOOD.replace("      30201: 10.25", '      30201: 10.25\n      "30101": 10.00'),
     ['16:7: 错误[yaml.duplicate-key] 键“30101”重复：第 14 行已经写过；应只写一次，否则前一个值会被悄悄丢掉']),
    ("UTF-16 with BOM", GOOD.encode("utf-16"),
     ["1:1: 错误[yaml.encoding] 文件是 UTF-16 编码：应为 UTF-8。请在编辑器中“另存为”并选择 UTF-8 编码（记事本：编码选“UTF-8”；WPS/Excel 导出时选“UTF-8”）"]),
    ("UTF-16 without BOM", GOOD.encode("utf-16-le"),
     ["1:1: 错误[yaml.encoding] 文件是 UTF-16 编码：应为 UTF-8。请在编辑器中“另存为”并选择 UTF-8 编码（记事本：编码选“UTF-8”；WPS/Excel 导出时选“UTF-8”）"]),
]


@pytest.mark.parametrize("name, text, expected", HOSTILE, ids=[s[0] for s in HOSTILE])
def test_hostile_input_is_bounded_at_load(tmp_path, name, text, expected):
    code, lines = check(tmp_path, text)
    assert code == 1
    assert lines == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "部门.yaml"
    os.mkfifo(fifo)
    r = CliRunner().invoke(main, ["check", str(fifo)], catch_exceptions=False)
    assert r.exit_code == 1
    assert f"{fifo}: 错误[file.read] 文件“{fifo}”不是普通文件（是设备、管道或套接字）：应为普通文件" in r.output
