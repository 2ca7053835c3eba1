"""Fuzzing: every mutated department is built, or refused with a Chinese message at file:line.

Never a traceback, never an output file from an invalid input. The mutations and
the harness are in ``fuzzing.py``; this suite runs a bounded number of them
plus one explicit case for each kind of bad input. The long run (≥ 10,000
inputs) is ``benchmarks/fuzz_long.py``; ``FUZZ_LONG=1`` runs it from here.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fuzzing
from conftest import KEZHOU, ROOT, SHANHAIGUAN

FAST = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)), deadline=None, derandomize=False,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FAST
@given(rng=st.randoms(use_true_random=False))
def test_mutated_departments_are_built_or_refused_with_a_message(work, rng):
    what, raw = fuzzing.mutate(rng, rows=300)
    outcome = fuzzing.classify_detail(raw, work)
    assert outcome.kind in ("built", "rejected"), f"{what}: {outcome.detail}"


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(rng=st.randoms(use_true_random=False))
def test_mutated_bytes_are_refused_or_built(work, rng):
    """Byte-level damage only (truncation, flipped bytes, tabs, encodings, stray YAML)."""
    raw, _ = rng.choice(fuzzing.bases())
    what, raw = fuzzing.mutate_bytes(rng, raw)
    outcome = fuzzing.classify_detail(raw, work)
    assert outcome.kind in ("built", "rejected"), f"{what}: {outcome.detail}"


# ---------------------------------------------------------------------------- one case of each kind

def _data(path: Path = KEZHOU):
    return copy.deepcopy(fuzzing.load_example(path))


def _edit(fn, path: Path = KEZHOU) -> bytes:
    data = _data(path)
    fn(data)
    return fuzzing.dump(data)


def _set(*keys_value):
    *keys, value = keys_value

    def fn(data):
        d = data
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value
    return fn


def _delete(*keys):
    def fn(data):
        d = data
        for k in keys[:-1]:
            d = d[k]
        del d[keys[-1]]
    return fn


def _rename(old, new, *parent):
    def fn(data):
        d = data
        for k in parent:
            d = d[k]
        items = [(new if k == old else k, v) for k, v in d.items()]
        d.clear()
        d.update(items)
    return fn


def _deep(data):
    v = "x"
    for _ in range(60):
        v = {"k": [v]}
    data["概况"]["下属预算单位"] = v


K = KEZHOU.read_bytes()
S = SHANHAIGUAN.read_bytes()
AMOUNT = ("基本支出", 0, "经济分类", 30101)

CASES = {
    # whole-file damage
    "empty": (b"", "rejected", "文件是空的"),
    "only a comment": (b"# nothing\n", "rejected", "文件是空的"),
    "binary junk": (bytes(range(256)) * 4, "rejected", "UTF-8"),
    "random bytes": (b"\xff\xfe\x00\x01junk\x80\x81", "rejected", "UTF-8"),
    "gbk": (K.decode("utf-8").encode("gb18030"), "rejected", "GBK"),
    "utf-16": (K.decode("utf-8").encode("utf-16"), "rejected", "UTF-8"),
    "a list, not a mapping": (b"- 1\n- 2\n", "rejected", "顶层应为映射"),
    "bom": (b"\xef\xbb\xbf" + K, "built", ""),
    "crlf": (K.replace(b"\n", b"\r\n"), "built", ""),
    "bom + crlf": (b"\xef\xbb\xbf" + S.replace(b"\n", b"\r\n"), "built", ""),
    "old mac line ends": (K.replace(b"\n", b"\r"), "built", ""),
    "tab indentation": (K.replace(b"\n  \xe4\xb8\xbb\xe8\xa6\x81\xe8\x81\x8c\xe8\x83\xbd", b"\n\t\xe4\xb8\xbb\xe8\xa6\x81\xe8\x81\x8c\xe8\x83\xbd", 1), "rejected", "制表符"),
    "truncated mid-character": (K[: K.index("克州".encode()) + 1], "rejected", "UTF-8"),
    "second document": (K + b"\n---\n\xe9\x83\xa8\xe9\x97\xa8: x\n", "rejected", "只能有一份"),
    "python tag": (K.replace(b"2020\n", b"!!python/object/apply:os.system ['echo x']\n", 1), "rejected", "标签"),
    "alias": (b"a: &x 1\n" + K.replace("编制日期: \"2020-01-25\"".encode(), "编制日期: *x".encode()), "rejected", "锚点与别名"),
    "duplicate key": (K.replace(b"\n\xe5\xb9\xb4\xe5\xba\xa6: 2020", b"\n\xe5\xb9\xb4\xe5\xba\xa6: 2020\n\xe5\xb9\xb4\xe5\xba\xa6: 2021", 1), "rejected", "重复"),
    "deep nesting": (_edit(_deep), "rejected", "嵌套层数过深"),
    "deep flow nesting": (b"a: " + b"[" * 5000 + b"]" * 5000, "rejected", ""),
    # keys
    "key deleted": (_edit(_delete("收入")), "rejected", "缺少必填项“收入”"),
    "nested key deleted": (_edit(_delete("概况", "主要职能")), "rejected", "缺少必填项“主要职能”"),
    "key renamed": (_edit(_rename("主要职能", "主要职责", "概况")), "rejected", "您是不是想写“主要职能”"),
    "number as key": (_edit(_set("概况", 12345, "x")), "rejected", "未知的键“12345”"),
    # wrong types
    "list where a mapping belongs": (_edit(_set("收入", ["一般公共预算拨款"])), "rejected", "应为映射"),
    "number where a list belongs": (_edit(_set("概况", "内设机构", 5)), "rejected", "应为列表"),
    "mapping where text belongs": (_edit(_set("概况", "主要职能", {"a": 1})), "rejected", ""),
    "year as words": (_edit(_set("年度", "二〇二〇")), "rejected", "整数"),
    "boolean amount": (_edit(_set(*AMOUNT, True)), "rejected", "金额应为数字"),
    "null amount": (_edit(_set(*AMOUNT, None)), "rejected", "金额应为数字"),
    # numbers
    "huge": (_edit(_set(*AMOUNT, 10 ** 30)), "rejected", "金额过大"),
    "negative": (_edit(_set(*AMOUNT, Decimal("-57.91"))), "rejected", "不能为负数"),
    "three decimals": (_edit(_set(*AMOUNT, Decimal("57.911"))), "rejected", "最多保留 2 位小数"),
    "NaN string": (_edit(_set(*AMOUNT, "NaN")), "rejected", "不是有限的数"),
    "inf string": (_edit(_set(*AMOUNT, "inf")), "rejected", "不是有限的数"),
    ".nan": (_edit(_set(*AMOUNT, fuzzing.Raw(".nan", "tag:yaml.org,2002:float"))), "rejected", "不是有限的数"),
    "-.inf": (_edit(_set(*AMOUNT, fuzzing.Raw("-.inf", "tag:yaml.org,2002:float"))), "rejected", "不是有限的数"),
    "thousands separator": (_edit(_set(*AMOUNT, "1,234.5")), "rejected", "千位分隔符"),
    "full-width digits": (_edit(_set(*AMOUNT, "１２.５")), "rejected", "半角数字"),
    "unit in the amount": (_edit(_set(*AMOUNT, "57.91万元")), "rejected", "只写数字"),
    "hex": (_edit(_set(*AMOUNT, fuzzing.Raw("0x1F", "tag:yaml.org,2002:int"))), "rejected", "金额应为数字"),
    "1e400": (_edit(_set(*AMOUNT, fuzzing.Raw("1e400", "tag:yaml.org,2002:float"))), "rejected", "金额过大"),
    "year 99999": (_edit(_set("年度", 99999)), "rejected", "2100"),
    # texts that print literally
    "markup and template syntax": (_edit(_set("概况", "主要职能", "A & B < C > D \" E ' {{ x }} {% if %} {% if true %}是{% endif %}")), "built", ""),
    "template syntax in a project name": (_edit(_set("项目", 0, "名称", "{{ fig }}<b>")), "built", ""),
    "markdown-like lines": (_edit(_set("其他需说明的事项", "# 标题\n@封面\n@表 项目绩效目标表 1\n>> 右\n|| 无")), "built", ""),
    "CJK Ext B": (_edit(_set("概况", "主要职能", "𠮷野家负责𠮷的工作。")), "built", ""),
    "long unbroken string": (_edit(_set("概况", "主要职能", "A" * 500)), "built", ""),
    "10,000 offices": (_edit(_set("概况", "内设机构", ["科室"] * 10_000)), "built", ""),
    "10,000 junk rows": (_edit(_set("基本支出", [None] * 10_000)), "rejected", "应为映射"),
    # characters no font has
    "emoji": (_edit(_set("概况", "主要职能", "负责😀工作")), "rejected", "“😀”（U+1F600"),
    "emoji in a key": (_edit(_set("上年", "主要原因", "收入合计😀", "x")), "rejected", "U+1F600"),
    "control escape": (K.replace("编制日期: \"2020-01-25\"".encode(), b'\xe7\xbc\x96\xe5\x88\xb6\xe6\x97\xa5\xe6\x9c\x9f: "2020\\x1f"'), "rejected", "U+001F"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_kind_of_bad_input(work, name):
    raw, expected, words = CASES[name]
    outcome = fuzzing.classify_detail(raw, work)
    assert outcome.kind == expected, f"{name}: {outcome.detail}"
    if expected == "rejected":
        assert words in outcome.detail, outcome.detail


def test_a_rejection_points_at_the_right_line(work):
    data = _data()
    data["基本支出"][0]["经济分类"][30102] = "1,234.5"
    raw = fuzzing.dump(data)
    outcome = fuzzing.classify_detail(raw, work)
    lines = raw.decode().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "1,234.5" in text)
    assert re.search(rf"部门\.yaml:{line}:\d+: 错误\[amount.type\]", outcome.detail), outcome.detail


# ---------------------------------------------------------------------------- through the CLI

def test_the_cli_never_prints_a_traceback_for_many_bad_files(tmp_path):
    """One ``check`` and one ``build`` over a folder of invalid mutants: exit 1, messages only, no output."""
    import random

    src = tmp_path / "src"
    src.mkdir()
    rng = random.Random(1234)
    n = 0
    while n < 12:
        what, raw = fuzzing.mutate(rng, rows=50)
        (src / f"d{n:02d}.yaml").write_bytes(raw)
        n += 1
    for name, (raw, expected, _) in CASES.items():
        if expected == "rejected" and len(raw) < 200_000:
            (src / f"case-{len(list(src.iterdir())):02d}.yaml").write_bytes(raw)
    env = dict(os.environ, COLUMNS="200")
    check = subprocess.run([sys.executable, "-m", "generator", "check", str(src)], capture_output=True, text=True,
                           cwd=ROOT, env=env, timeout=300)
    assert check.returncode == 1
    assert "Traceback" not in check.stderr + check.stdout
    for line in (check.stderr + check.stdout).splitlines():
        if line.startswith(str(src)):
            assert fuzzing.PROBLEM_AT_LINE.match(line) or fuzzing.PROBLEM_AT_FILE.match(line), line

    bad = tmp_path / "bad"
    bad.mkdir()
    for f in sorted(src.iterdir()):
        if f.name.startswith("case-"):
            f.rename(bad / f.name)
    out = tmp_path / "out"
    build = subprocess.run([sys.executable, "-m", "generator", "build", str(bad), "-o", str(out), "-j", "2"],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert build.returncode == 1
    assert "Traceback" not in build.stderr + build.stdout and "内部错误" not in build.stderr + build.stdout
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


# The long run (≥ 10,000 inputs) is benchmarks/fuzz_long.py; its counts are in benchmarks/fuzz-results.md.
