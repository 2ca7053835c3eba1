"""The project configuration (disclose.yaml) and a bureau's 科目 list as CSV/XLSX, through the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from test_bad_input import GOOD

LOCAL = GOOD.replace("功能分类: 2010101", "功能分类: 2970101")  # a bureau-local 项, in no national catalog


def run(*args: str):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in r.output
    return r


def lines_of(output: str, path: Path) -> list[str]:
    return [line.replace(str(path), "FILE") for line in output.splitlines() if not line.startswith("检查了")]


@pytest.fixture
def bureau(tmp_path):
    """A bureau folder: disclose.yaml at the top, departments in a sub-folder."""
    (tmp_path / "部门").mkdir()
    return tmp_path


def test_an_unknown_code_says_which_line_to_add_where(bureau):
    dept = bureau / "部门" / "农业局.yaml"
    dept.write_text(LOCAL, encoding="utf-8")
    r = run("check", str(dept))
    assert r.exit_code == 1
    [line] = lines_of(r.output, dept)
    assert line.startswith("FILE:12:5: 错误[code.unknown] 支出功能分类科目 2970101 不在目录（")
    assert line.endswith("中：请核对代码；确属本地科目时，在“FILE”的“设置.科目补充.支出功能分类”下加一行：2970101: 科目名称"
                         "（全局统一的补充科目可由财政局写入 disclose.yaml 的“科目补充文件”）")
    # with the bureau's list named once, the hint names that file and the exact line
    (bureau / "disclose.yaml").write_text("科目补充文件: [科目.csv]\n", encoding="utf-8")
    (bureau / "科目.csv").write_text("科目编码,科目名称\n", encoding="utf-8")
    r = run("check", str(dept))
    assert f"在“{(bureau / '科目.csv').resolve()}”末尾加一行：2970101,科目名称" in r.output


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_one_line_in_the_project_configuration_pointing_at_a_csv(bureau, encoding):
    dept = bureau / "部门" / "农业局.yaml"
    dept.write_text(LOCAL, encoding="utf-8")
    (bureau / "disclose.yaml").write_text("科目补充文件: [财政局科目.csv]\n", encoding="utf-8")
    # as exported from a budget system: a title row, Chinese headers, names indented with full-width spaces
    (bureau / "财政局科目.csv").write_bytes(
        "2025年地方科目,,\n科目代码,科目名称,备注\n297,地方专项支出,\n29701,乡村振兴,\n2970101,\u3000\u3000乡村振兴专项,本地\n"
        .encode(encoding))
    r = run("check", str(dept))
    assert r.exit_code == 0, r.output


def test_a_bureau_xlsx_list(bureau):
    openpyxl = pytest.importorskip("openpyxl")
    dept = bureau / "部门" / "农业局.yaml"
    dept.write_text(LOCAL, encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["编码", "名称"], [297, "地方专项支出"], [29701.0, "乡村振兴"], ["2970101", "乡村振兴专项"]):
        sheet.append(row)
    book.save(bureau / "科目.xlsx")
    (bureau / "disclose.yaml").write_text("科目补充文件:\n  - 科目.xlsx\n", encoding="utf-8")
    r = run("check", str(dept))
    assert r.exit_code == 0, r.output


def test_project_defaults_and_department_overrides(bureau):
    dept = bureau / "部门" / "a.yaml"
    dept.write_text(GOOD, encoding="utf-8")
    (bureau / "disclose.yaml").write_text("格式: national-2024\n", encoding="utf-8")
    r = run("check", str(dept))
    assert "格式“national-2024”需要“部门编码”" in r.output  # the project's format applies
    dept.write_text(GOOD.replace("年度: 2025", "年度: 2025\n格式: kezhou-2020"), encoding="utf-8")
    assert run("check", str(dept)).exit_code == 0  # the department's own setting wins


def test_project_reason_threshold(bureau):
    dept = bureau / "部门" / "a.yaml"
    # 基本支出 60.50 vs 上年 58.00: +4.31%, below the default 10% → no reason needed
    dept.write_text(GOOD, encoding="utf-8")
    assert run("check", str(dept)).exit_code == 0
    (bureau / "disclose.yaml").write_text("原因阈值: 3\n", encoding="utf-8")
    r = run("check", str(dept))
    assert r.exit_code == 1 and "应在“上年.主要原因.基本支出”中说明主要原因" in r.output


BAD_PROJECTS = [
    ("格式: national-2024\n科目补充: [x.csv]\n",
     ["PROJECT:2:1: 错误[project.unknown-key] 项目配置：未知的键“科目补充”；您是不是想写“科目补充文件”？（此处可用的键：格式、科目补充文件、原因阈值、输出文件夹）"]),
    ("原因阈值: 十\n", ["PROJECT:1:1: 错误[amount.type] 项目配置：金额应为数字，实际是文字“十”"]),
    ("格式：national-2024\n输出文件夹: x\n",
     ["PROJECT:1:3: 错误[yaml.syntax.fullwidth-colon] 第 1 行第 3 列是全角冒号“：”，请改为半角冒号“:”并在其后加空格"]),
]


@pytest.mark.parametrize("text, expected", BAD_PROJECTS)
def test_the_project_configuration_is_validated_strictly(bureau, text, expected):
    dept = bureau / "部门" / "a.yaml"
    dept.write_text(GOOD, encoding="utf-8")
    (bureau / "disclose.yaml").write_text(text, encoding="utf-8")
    r = run("check", str(dept))
    assert r.exit_code == 1
    assert [line.replace(str(bureau / "disclose.yaml"), "PROJECT") for line in r.output.splitlines()
            if not line.startswith("检查了")] == expected


def test_a_folder_build_skips_the_project_file_and_uses_its_output_folder(bureau, monkeypatch):
    (bureau / "disclose.yaml").write_text("输出文件夹: 公开\n", encoding="utf-8")
    (bureau / "部门" / "a.yaml").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(bureau)
    r = run("check", "部门")
    assert r.exit_code == 0 and "检查了 1 个文件" in r.output
    from generator.commands.common import output_folder
    assert output_folder([Path("部门/a.yaml")], None).resolve() == (bureau / "公开").resolve()


# ---------------------------------------------------------------- hostile paths
def _setup_hostile(bureau: Path, where: str, name: str) -> Path:
    dept = bureau / "部门" / "a.yaml"
    if where == "设置":
        text = GOOD + f"设置:\n  科目补充文件: ['{name}']\n"
    else:
        text = GOOD.replace("上年:\n", f"上年:\n  文件: '{name}'\n")
    dept.write_text(text, encoding="utf-8")
    return dept


HOSTILE_PATHS = [
    ("设置", "/etc/shadow", "path.outside", "科目补充文件“/etc/shadow”在本部门文件所在的文件夹之外：出于安全，只能引用这些文件夹中的文件（请把文件复制到部门文件旁边，并写相对路径）"),
    ("设置", "../../../etc/passwd", "path.outside", "科目补充文件“../../../etc/passwd”在本部门文件所在的文件夹之外：出于安全，只能引用这些文件夹中的文件（请把文件复制到部门文件旁边，并写相对路径）"),
    ("设置", "link.yaml", "path.outside", "科目补充文件“link.yaml”在本部门文件所在的文件夹之外：出于安全，只能引用这些文件夹中的文件（请把文件复制到部门文件旁边，并写相对路径）"),
    ("设置", "zero.yaml", "path.outside", "科目补充文件“zero.yaml”在本部门文件所在的文件夹之外：出于安全，只能引用这些文件夹中的文件（请把文件复制到部门文件旁边，并写相对路径）"),
    ("设置", "fifo.csv", "catalog.override", "科目补充文件“{dir}/fifo.csv”不是普通文件（是设备、管道或套接字）：应为普通文件"),
    ("上年", "/etc/shadow", "last-year.file", "上年文件“/etc/shadow”在本部门文件所在的文件夹之外：出于安全，只能引用这些文件夹中的文件（请把文件复制到部门文件旁边，并写相对路径）"),
    ("上年", "fifo.csv", "last-year.file", "上年文件“fifo.csv”不是普通文件（是文件夹、设备或管道）：应为上年的部门 YAML 文件"),
]


@pytest.mark.parametrize("where, name, rule, message", HOSTILE_PATHS)
def test_named_files_stay_inside_and_are_regular(bureau, where, name, rule, message):
    folder = bureau / "部门"
    (folder / "link.yaml").symlink_to("/etc/passwd")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.csv")
    dept = _setup_hostile(bureau, where, name)
    r = run("check", str(dept))
    assert r.exit_code == 1
    expected = message.format(dir=folder.resolve())
    assert f"错误[{rule}] {expected}" in r.output, r.output
    assert "root:" not in r.output  # nothing of a refused file is ever shown
