"""The command line: exit codes, Chinese messages, no tracebacks, schema, new."""

import json
import subprocess
import sys

import yaml
from click.testing import CliRunner

from conftest import KEZHOU
from generator.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_clean_exits_0():
    r = run("check", str(KEZHOU))
    assert r.exit_code == 0, r.output
    assert "0 个错误" in r.output


def test_check_problems_exit_1_with_file_line(write, minimal):
    minimal["概况"]["主要职责"] = "x"
    minimal["基本支出"][0]["经济分类"][30101] = "-1"
    p = write(minimal)
    r = run("check", str(p))
    assert r.exit_code == 1
    assert f"{p}:" in r.output and "未知的键“主要职责”" in r.output and "不能为负数" in r.output
    assert "Traceback" not in r.output


def test_usage_error_exits_2():
    r = run("check", "/nonexistent/x.yaml")
    assert r.exit_code == 2
    assert "找不到文件" in r.output


def test_help_is_chinese():
    r = run("--help")
    assert "部门预算公开" in r.output and r.exit_code == 0


def test_no_traceback_from_a_real_process(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\x00\xff junk")
    proc = subprocess.run([sys.executable, "-m", "generator", "check", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "UTF-8" in proc.stderr


def test_schema_is_json_schema_with_chinese_keys():
    r = run("schema")
    schema = json.loads(r.output)
    assert "部门" in schema["properties"] and "收入" in schema["properties"]
    assert schema["$schema"].startswith("https://json-schema.org/")


def test_new_writes_a_starter_that_parses(tmp_path):
    out = tmp_path / "n.yaml"
    r = run("new", "--name", "新局", "--year", "2025", "-o", str(out))
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["部门"] == "新局" and data["年度"] == 2025
    r2 = run("new", "-o", str(out))
    assert r2.exit_code == 1 and "不会覆盖" in r2.output


def test_new_from_rolls_forward(tmp_path):
    out = tmp_path / "next.yaml"
    r = run("new", "--from", str(KEZHOU), "--year", "2021", "-o", str(out))
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["年度"] == 2021
    assert str(data["上年"]["基本支出"]) == "207.7"  # the example's 基本支出 207.70, as its source prints it
    assert data["上年"]["主要原因"] == {}
    assert data["概况"]["主要职能"].startswith("克州机要保密局")


def test_yaml_reference_is_up_to_date():
    from conftest import ROOT
    from generator.reference import markdown
    committed = (ROOT / "docs" / "YAML字段参考.md").read_text(encoding="utf-8")
    assert committed.strip() == markdown().strip(), "run: disclose schema --markdown -o docs/YAML字段参考.md"
