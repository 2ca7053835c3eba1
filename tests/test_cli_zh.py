"""The whole command line speaks Chinese: help, click's own texts, usage errors; columns line up."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.clizh import width

# English that help may show on purpose: names of file formats and things, folder names, examples
ALLOWED = {"YAML", "DOCX", "PDF", "JSON", "Schema", "CSV", "XLSX", "Markdown", "disclose", "CPU", "output",
           "docs", "md", "yaml", "kezhou", "national", "N", "Ctrl"}
COMMANDS = ["", "check", "build", "new", "schema", "formats", "controls", "serve"]


def help_of(command: str) -> str:
    r = CliRunner().invoke(main, [*command.split(), "--help"], terminal_width=80, prog_name="disclose")
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_english_but_option_names(command):
    text = help_of(command)
    words = re.findall(r"(?<![-\w])[A-Za-z][A-Za-z]+", re.sub(r"--?[a-z][a-z-]*", " ", text))
    assert [w for w in words if w not in ALLOWED and w not in ("build", "check", "controls", "new", "schema", "formats", "serve")] == []
    for english in ("Usage", "Options", "Commands", "Show this message", "default", "[x"):
        assert english not in text


@pytest.mark.parametrize("command", COMMANDS)
def test_help_columns_line_up_by_display_width(command):
    text = help_of(command)
    for section in text.split("\n\n"):
        rows = [line for line in section.splitlines() if re.match(r"^  (-|[a-z]+ )", line)]
        starts = {width(m.group(1)) for m in (re.match(r"^(  \S.*?\S  +)\S", line) for line in rows) if m}
        assert len(starts) <= 1, rows  # in a section, every description starts in the same column
    assert all(width(line) <= 80 for line in text.splitlines())


USAGE_ERRORS = [
    (["check", "--nope"], "用法错误：没有选项 '--nope'。"),
    (["check"], "用法错误：缺少参数 '文件或文件夹...'."),
    (["frob"], "用法错误：没有命令 'frob'。"),
    (["schema", "a", "b"], "用法错误：多余的参数（a b）"),
    (["new", "-y", "3000"], "用法错误：'--year' / '-y' 的值无效：3000 不在范围 2000～2100 之内。"),
    (["new", "--from", "/nonexistent.yaml"], "用法错误：'--from' 的值无效：文件 '/nonexistent.yaml' 不存在。"),
    (["build", "-j"], "用法错误：选项 '-j' 需要一个值。"),
    (["check", "--strct", "x"], "用法错误：没有选项 '--strct'。 您是不是想写 '--strict'？"),
]


@pytest.mark.parametrize("args, first_line", USAGE_ERRORS)
def test_click_usage_errors_in_chinese(args, first_line):
    r = CliRunner().invoke(main, args, prog_name="disclose")
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert lines[0] == first_line
    assert lines[1].startswith("（运行“disclose")
