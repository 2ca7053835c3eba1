"""YAML is loaded safely: no Python objects, no alias bombs, duplicate keys reported, positions kept."""

import pytest

from generator.load.yamlsafe import load_yaml_bytes, load_yaml_text
from generator.pipeline import check_file


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['echo pwned']\n",
    "a: !!python/object:collections.OrderedDict {}\n",
    "a: !!python/name:os.system\n",
    "!!python/object/new:type\nargs: [x, [], {}]\n",
    "a: !custom 1\n",
])
def test_unsafe_tags_are_refused(text):
    data, _, problems = load_yaml_text(text, "x.yaml")
    assert problems, "an unsafe tag must be reported"
    assert problems[0].rule in ("yaml.tag", "yaml.syntax")
    assert "标签" in problems[0].message or "YAML" in problems[0].message
    assert not callable(data) and "os" not in repr(type(data))


def test_billion_laughs_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    data, _, problems = load_yaml_text("\n".join(lines) + "\n", "bomb.yaml")
    assert data is None
    assert problems[0].message.startswith("不支持锚点与别名")
    assert problems[0].location.line == 2


def test_duplicate_keys_are_reported_with_both_lines():
    _, _, problems = load_yaml_text("收入:\n  一般公共预算拨款: 1\n  一般公共预算拨款: 2\n", "d.yaml")
    assert [p.rule for p in problems] == ["yaml.duplicate-key"]
    assert problems[0].location.line == 3 and "第 2 行" in problems[0].message


def test_fractions_become_decimal_never_float():
    from decimal import Decimal
    data, _, _ = load_yaml_text("a: 0.1\nb: 1e2\nc: 7\n", "n.yaml")
    assert data["a"] == Decimal("0.1") and type(data["a"]) is Decimal
    assert type(data["c"]) is int


@pytest.mark.parametrize("raw, expect", [
    (b"\xef\xbb\xbfa: 1\n", {"a": 1}),  # BOM
    (b"a: 1\r\nb: 2\r\n", {"a": 1, "b": 2}),  # CRLF
])
def test_bom_and_crlf_are_accepted(raw, expect):
    data, _, problems = load_yaml_bytes(raw, "x.yaml")
    assert not problems and data == expect


@pytest.mark.parametrize("raw, rule, words", [
    ("部门: 测试".encode("gbk"), "yaml.encoding", "UTF-8"),
    (b"\x00\x01\x02binary", "yaml.encoding", "UTF-8"),
    (b"a:\n\tb: 1\n", "yaml.syntax", "制表符"),
    (b"a: [1, 2\n", "yaml.syntax", ""),
    (b"[" * 5000, "yaml", ""),
])
def test_bad_bytes_give_chinese_errors(raw, rule, words):
    _, _, problems = load_yaml_bytes(raw, "x.yaml")
    assert problems and problems[0].rule.startswith(rule)
    assert words in problems[0].message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problems[0].message)


def test_empty_file_is_an_error(write):
    checked = check_file(write(""))
    assert not checked.ok and checked.errors[0].rule == "schema.empty"


def test_fast_and_strict_paths_agree_on_data_and_positions():
    from conftest import DEPARTMENTS
    from generator.load.yamlsafe import _fast, load_yaml_strict

    for path in DEPARTMENTS.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        fast = _fast(text, str(path))
        assert fast is not None, path
        data, marks, problems = load_yaml_strict(text, str(path))
        assert not problems and fast == (data, marks)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: 1\na: 2\n", "a: !!python/name:os.system\n", "a: [1, 2\n", "[" * 3000 + "]" * 3000,
])
def test_fast_path_defers_to_the_strict_one(text):
    from generator.load.yamlsafe import _fast
    assert _fast(text, "x.yaml") is None


@pytest.mark.parametrize("text", [
    "部门:\t测试局\n",  # libyaml accepts a tab after “key:”, PyYAML does not
    "部门: 测\ufeff试局\n",  # a stray U+FEFF: columns differ between the two
    "a: {b?c: 1}\n",  # “?” inside a flow mapping
    "a: 1\u2028b: 2\n",
])
def test_where_the_parsers_differ_the_strict_one_decides(text):
    from generator.load.yamlsafe import _fast
    assert _fast(text, "x.yaml") is None


def test_fast_and_strict_agree_on_mutated_examples():
    """Validity and positions never depend on which parser ran (10,000 inputs agree: benchmarks/fuzz-results.md)."""
    from fuzzing import reproduce
    from generator.load.yamlsafe import _fast, decode, load_yaml_strict

    checked = 0
    for seed in range(0, 3000, 20):
        _, raw = reproduce(seed, rows=200)
        text, _ = decode(raw, "x.yaml")
        fast = _fast(text, "x.yaml") if text is not None else None
        if fast is None:
            continue
        data, marks, problems = load_yaml_strict(text, "x.yaml")
        assert not problems and (data, marks) == fast, seed
        checked += 1
    assert checked > 20
