"""`disclose new`: starters per format and the roll-forward, judged by `disclose check` itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import KEZHOU, SHANHAIGUAN
from generator.cli import main


def run(*args: str):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in r.output
    return r


def comments(text: str) -> list[str]:
    """Every comment of a YAML file (whole-line and end-of-line), as written."""
    out = []
    for line in text.split("\n"):
        m = re.search(r"(?:^|\s)#\s?(.*)$", line)
        if m and m.group(1).strip():
            out.append(m.group(1).strip())
    return out


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if "错误[" in line or "警告[" in line]


def fill_starter(text: str) -> str:
    """What a clerk does with a starter: real texts and amounts."""
    text = re.sub(r"（在此填写([^）]*)）", lambda m: "测试" + str(abs(hash(m.group(1))) % 1000), text)
    text = text.replace("一般公共预算拨款: 0", "一般公共预算拨款: 112.00")
    text = text.replace("30101: 0 ", "30101: 50.00 ").replace("30201: 0 ", "30201: 12.00 ")
    text = text.replace("金额: 0\n", "金额: 50.00\n").replace("{30299: 0}", "{30299: 50.00}")
    text = text.replace("金额: 0}", "金额: 50.00}").replace("12月底: 0}", "12月底: 50.00}")
    text = text.replace("  基本支出: 0\n  项目支出: 0\n  机关运行经费: 0\n", "  基本支出: 60.00\n  项目支出: 50.00\n  机关运行经费: 12.00\n")
    return text


@pytest.mark.parametrize("source", [KEZHOU, SHANHAIGUAN], ids=["kezhou-2020", "national-2024"])
def test_roll_forward_of_an_example_checks_clean_and_keeps_every_comment(tmp_path, source):
    target = tmp_path / "next.yaml"
    r = run("new", "--from", str(source), "-o", str(target))
    assert r.exit_code == 0, r.output
    before = source.read_text(encoding="utf-8")
    after = target.read_text(encoding="utf-8")
    missing = [c for c in comments(before) if c not in after]
    assert missing == []
    assert "&id" not in after and "*id" not in after
    r = run("check", str(target))
    assert r.exit_code == 0, r.output
    # the source's own warnings, and the reminder that this year's amounts still equal last year's
    rules = lambda out: sorted(p.split(" ", 1)[1].split(" ")[0] for p in problems(out))  # noqa: E731
    assert rules(r.output) == sorted(rules(run("check", str(source)).output) + ["警告[last-year.unchanged]"])


def test_roll_forward_moves_per_year_fields(tmp_path):
    target = tmp_path / "2021.yaml"
    assert run("new", "--from", str(KEZHOU), "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "\n年度: 2021\n" in text
    assert '编制日期: "2021-01-25"' in text and '截至日期: "2020-12-31"' in text  # quoting kept
    assert "在职: {人数: 15, 比上年增减: 0}" in text
    assert "  基本支出: 207.70\n" in text and "  项目支出: 63.40\n" in text
    assert "    2013101: 207.70\n" in text and "    2013199: 63.40\n" in text
    assert "  主要原因: {}\n" in text
    # last year's reasons are kept as comments, not as live reasons
    assert "# 2020 年的增减原因（已不适用，供参考）：" in text
    assert "公务接待费:\n    基本支出: 1.60\n    上年: 1.60\n" in text
    # the projects' 上年金额
    assert text.count("上年金额: 13.50") == 1


def test_a_department_made_from_a_starter_rolls_forward(tmp_path):
    first = tmp_path / "局-2025.yaml"
    assert run("new", "--name", "青山县农业农村局", "--year", "2025", "-o", str(first)).exit_code == 0
    first.write_text(fill_starter(first.read_text(encoding="utf-8")), encoding="utf-8")
    r = run("check", str(first))
    assert r.exit_code == 0 and problems(r.output) == [], r.output
    second = tmp_path / "局-2026.yaml"
    r = run("new", "--from", str(first), "-o", str(second))
    assert r.exit_code == 0, r.output
    r = run("check", str(second))
    assert r.exit_code == 0, r.output
    assert [c for c in comments(first.read_text(encoding="utf-8")) if c not in second.read_text(encoding="utf-8")] == []


def _installed_formats() -> list[str]:
    from generator.formats import available_formats
    return sorted(available_formats(None))


@pytest.mark.parametrize("fmt", _installed_formats())
def test_the_starter_has_every_field_its_format_needs(tmp_path, fmt):
    out = tmp_path / "d.yaml"
    assert run("new", "--format", fmt, "--year", "2025", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=disclose.schema.json\n")
    assert (tmp_path / "disclose.schema.json").is_file()
    assert "2010101       # 行政运行" in text  # each code is named
    rules = {p.split("[", 1)[1].split("]")[0] for p in problems(run("check", str(out)).output)}
    # only what the clerk has to fill in: placeholders and the still-empty amounts
    assert rules == {"starter.placeholder", "balance.empty", "project.zero"}
    filled = tmp_path / "filled.yaml"
    filled.write_text(fill_starter(text), encoding="utf-8")
    r = run("check", str(filled))
    assert r.exit_code == 0 and problems(r.output) == [], r.output


def test_a_name_with_a_colon_is_written_as_valid_yaml(tmp_path):
    out = tmp_path / "d.yaml"
    assert run("new", "--name", "某局: 办公室 #1", "--year", "2025", "-o", str(out)).exit_code == 0
    text = fill_starter(out.read_text(encoding="utf-8"))
    out.write_text(text, encoding="utf-8")
    r = run("check", str(out))
    assert r.exit_code == 0, r.output
    from generator.pipeline import check_file
    assert check_file(out).fig.dept.name == "某局: 办公室 #1"


def test_new_into_a_missing_folder_creates_it(tmp_path):
    out = tmp_path / "新建" / "文件夹" / "d.yaml"
    r = run("new", "--year", "2025", "-o", str(out))
    assert r.exit_code == 0 and out.is_file(), r.output
    r = run("new", "--year", "2025", "-o", str(out))
    assert r.exit_code == 1 and f"文件“{out}”已存在，不会覆盖；请换一个文件名" in r.output


def test_new_follows_the_project_configuration(tmp_path, monkeypatch):
    (tmp_path / "disclose.yaml").write_text("格式: national-2024\n", encoding="utf-8")
    (tmp_path / "部门").mkdir()
    out = tmp_path / "部门" / "d.yaml"
    assert run("new", "--year", "2025", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "\n格式:" not in text and "# 格式由 disclose.yaml 统一规定（national-2024）" in text
    assert "部门编码:" in text and "资金支出计划:" in text  # national-2024's own fields
    assert text.startswith("# yaml-language-server: $schema=../disclose.schema.json\n")
    assert (tmp_path / "disclose.schema.json").is_file()


def test_new_brings_a_schema_it_wrote_earlier_up_to_date_and_leaves_another_file_alone(tmp_path):
    import json

    current = json.loads(run("schema").output)
    stale = tmp_path / "disclose.schema.json"  # as an older disclose wrote it
    stale.write_text(json.dumps({"title": current["title"], "properties": {}}, ensure_ascii=False), encoding="utf-8")
    r = run("new", "--year", "2025", "-o", str(tmp_path / "d.yaml"))
    assert r.exit_code == 0 and f"已更新 {stale}" in r.output, r.output
    assert json.loads(stale.read_text(encoding="utf-8")) == current
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    mine = tmp_path / "其他" / "disclose.schema.json"  # somebody else's file of that name
    mine.parent.mkdir()
    mine.write_text('{"title": "我的"}', encoding="utf-8")
    r = run("new", "--year", "2025", "-o", str(mine.parent / "d.yaml"))
    assert r.exit_code == 0 and f"提示：{mine} 不是 disclose 生成的 JSON Schema，未改动" in r.output, r.output
    assert mine.read_text(encoding="utf-8") == '{"title": "我的"}'


def test_new_into_a_missing_folder_of_a_project_follows_the_project(tmp_path):
    (tmp_path / "disclose.yaml").write_text("格式: national-2024\n", encoding="utf-8")
    out = tmp_path / "二级单位" / "新部门.yaml"
    assert run("new", "--year", "2025", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../disclose.schema.json\n")
    assert "# 格式由 disclose.yaml 统一规定（national-2024）" in text
    assert (tmp_path / "disclose.schema.json").is_file() and not (out.parent / "disclose.schema.json").exists()


def test_a_printed_starter_says_how_to_make_the_schema_its_first_line_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["new", "--year", "2025"], catch_exceptions=False)
    assert r.exit_code == 0
    assert r.stdout.startswith("# yaml-language-server: $schema=disclose.schema.json\n")
    assert "提示：第一行指向的 disclose.schema.json 还不存在（编辑器校验用）；用 -o 写文件时会一并写出，" \
           "或运行 disclose schema -o disclose.schema.json" in r.stderr
    assert list(tmp_path.iterdir()) == []  # printing writes no file
