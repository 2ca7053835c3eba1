"""`disclose schema` as editors and validators meet it.

Everything here goes through a real validator: check-jsonschema (Python's jsonschema, files read
as YAML 1.2 by ruamel.yaml, as an editor reads them) run as a command, and yaml-language-server
(the checker inside VS Code's YAML extension) driven over LSP. A file that `disclose check` takes
must show no error; each broken file must show one, and `disclose check` must refuse it too.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import KEZHOU, MINIMAL, SHANHAIGUAN, dump
from generator.cli import main

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
EXAMPLES = [KEZHOU, SHANHAIGUAN]


def run(*args: str):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in r.output
    return r


def validate(schema: Path, *files: Path) -> dict[str, list[dict]]:
    """check-jsonschema's errors, by file (every file named gets an entry, empty when valid)."""
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), "-o", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=120)
    result = json.loads(proc.stdout)
    assert proc.returncode == (0 if result["status"] == "ok" else 1), proc.stderr
    errors: dict[str, list[dict]] = {str(f): [] for f in files}
    for err in result.get("errors", []):
        errors[err["filename"]].append(err)
    for err in result.get("parse_errors", []):  # a file the validator could not even read
        errors.setdefault(err.get("filename", "?"), []).append(err)
    return errors


def shown(errors: list[dict]) -> list[str]:
    return [f"{e['path']}: {e['message']}" + (f" ({e['best_match']['message']})" if e.get("best_match") else "")
            for e in errors]


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "disclose.schema.json"
    r = run("schema", "-o", str(path))
    assert r.exit_code == 0, r.output
    return path


def test_schema_is_valid_under_its_metaschema(schema):
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--check-metaschema", str(schema)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------- no false errors
def test_both_examples_validate_without_errors(schema):
    errors = validate(schema, *EXAMPLES)
    assert {f: shown(e) for f, e in errors.items()} == {str(f): [] for f in EXAMPLES}


def _formats() -> list[str]:
    r = run("formats")
    assert r.exit_code == 0, r.output
    names = [line.split("\t")[0] for line in r.output.splitlines() if line and not line[0].isspace()]
    assert "kezhou-2020" in names and "national-2024" in names
    return names


@pytest.mark.parametrize("fmt", _formats())
def test_every_starter_validates_against_the_schema_its_modeline_names(tmp_path, fmt):
    target = tmp_path / "部门" / f"{fmt}.yaml"
    r = run("new", "--format", fmt, "-o", str(target))
    assert r.exit_code == 0, r.output
    first = target.read_text(encoding="utf-8").split("\n", 1)[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert m, first
    named = (target.parent / m.group(1)).resolve()
    assert named == (target.parent / "disclose.schema.json").resolve() and named.is_file()
    assert json.loads(named.read_text(encoding="utf-8")) == json.loads(run("schema").output)
    errors = validate(named, target)
    assert shown(errors[str(target)]) == []


@pytest.mark.parametrize("source", EXAMPLES, ids=["kezhou-2020", "national-2024"])
def test_a_rolled_forward_department_validates(schema, tmp_path, source):
    target = tmp_path / "next.yaml"
    r = run("new", "--from", str(source), "-o", str(target))
    assert r.exit_code == 0, r.output
    assert shown(validate(schema, target)[str(target)]) == []


def mutate(source: str, prefix: str, new: str) -> str:
    """``source`` with its one line that starts with ``prefix`` replaced by ``new`` (lines)."""
    lines = source.split("\n")
    hits = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    assert len(hits) == 1, (prefix, hits)
    lines[hits[0]:hits[0] + 1] = new.split("\n") if new else []
    return "\n".join(lines)


ACCEPTED = [
    # id, the line of the kezhou example that starts so, what it becomes: `disclose check` takes it, so must the schema
    ("date-unquoted", '编制日期: ', "编制日期: 2020-01-25"),  # YAML 1.1: a date; YAML 1.2: text
    ("code-quoted", "  - 功能分类: 2013101", '  - 功能分类: "2013101"'),
    ("code-key-quoted", "      30101: ", '      "30101": 57.91'),
    ("number-as-text", "金额单位: ", "金额单位: 万元\n部门编码: 65300001"),
    ("optional-amount-empty", "  下属行政单位数: ", "  金额:\n  下属行政单位数: 0"),
    ("yes-no-as-text", "  - 名称: 密码业务经费",
     "  - 名称: 密码业务经费\n    部门主管专项资金: no"),  # YAML 1.1: false; YAML 1.2: the text “no”
]


@pytest.fixture(scope="module")
def accepted(schema, tmp_path_factory):
    folder = tmp_path_factory.mktemp("accepted")
    source = KEZHOU.read_text(encoding="utf-8")
    files = {}
    for case_id, old, new in ACCEPTED:
        files[case_id] = folder / f"{case_id}.yaml"
        files[case_id].write_text(mutate(source, old, new), encoding="utf-8")
    # one check per file: the six variants are one department and year, so checked together
    # they would (rightly) be refused as files that overwrite each other's publication
    checked = {case_id: run("check", str(path)) for case_id, path in files.items()}
    return files, validate(schema, *files.values()), checked


@pytest.mark.parametrize("case_id, old, new", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_what_check_accepts_the_schema_accepts(accepted, case_id, old, new):
    files, errors, checked = accepted
    result = checked[case_id]
    assert result.exit_code == 0 and "错误[" not in result.output, result.output
    assert shown(errors[str(files[case_id])]) == []


def test_the_printed_sources_controls_fit_the_schema(schema, tmp_path):
    """核对数 as tests/fixtures/source_controls.yaml copies them from both real documents: lists of
    values printed differently, negative changes, percentages — what a clerk writes there."""
    import io

    from ruamel.yaml import YAML

    y = YAML()
    fixtures = y.load((Path(__file__).parent / "fixtures" / "source_controls.yaml").read_text(encoding="utf-8"))
    files = []
    for source in EXAMPLES:
        controls = fixtures[source.stem]["核对数"]
        assert any(isinstance(v, list) for v in controls.values()) or source is SHANHAIGUAN
        buf = io.StringIO()
        y.dump({"核对数": controls}, buf)
        files.append(tmp_path / source.name)
        files[-1].write_text(source.read_text(encoding="utf-8") + "\n" + buf.getvalue(), encoding="utf-8")
    errors = validate(schema, *files)
    assert {f: shown(e) for f, e in errors.items()} == {str(f): [] for f in files}


# ---------------------------------------------------------------- amounts: at most two decimals
def _two_decimal_amounts() -> list[str]:
    """Every amount from 0.00 to 19.99, the amounts that ``multipleOf: 0.01`` alone wrongly
    refuses in Python (0.07, 0.14, 57.91 …), and amounts of every size up to 10¹²."""
    values = [f"{k // 100}.{k % 100:02d}" for k in range(2_000)]
    values += ["57.91", "1234567.07", "999999999999.99", "271.11", "0.07", "30000", "5"]
    rng = random.Random(20250101)
    for digits in range(3, 15):
        for _ in range(100):
            k = rng.randrange(10 ** (digits - 1), 10**digits)
            values.append(f"{k // 100}.{k % 100:02d}")
    return values


def test_two_decimal_amounts_are_never_refused_and_more_decimals_always_are(schema, tmp_path):
    good = _two_decimal_amounts()
    # the values that make ``multipleOf: 0.01`` unusable in Python's jsonschema are among them
    assert sum(1 for v in good if (float(v) / 0.01) != int(float(v) / 0.01)) > 300
    rng = random.Random(7)
    bad = [f"{rng.randrange(0, 10**9)}.{rng.randrange(0, 100):02d}{rng.randrange(1, 10)}" for _ in range(300)]
    bad += ["0.001", "0.125", "271.115", "57.9100001", "12345678.999"]
    assert all(Decimal(v).as_tuple().exponent < -2 for v in bad)
    files = []
    for name, values in (("good", good), ("bad", bad)):
        path = tmp_path / f"{name}.yaml"
        lines = [f"  项{i}: {v}" for i, v in enumerate(values)]
        path.write_text(dump(MINIMAL) + "核对数:\n" + "\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    errors = validate(schema, *files)
    assert shown(errors[str(files[0])]) == []
    flagged = {e["path"] for e in errors[str(files[1])]}
    assert flagged == {f"$['核对数']['项{i}']" for i in range(len(bad))}


# ---------------------------------------------------------------- broken files: the validator objects
BROKEN = [
    # id, the line of the kezhou example that starts so, what it becomes, the path and the message check-jsonschema gives,
    # the rule `disclose check` reports
    ("amount-with-unit", "  一般公共预算拨款: ", "  一般公共预算拨款: 8.50万元",
     "$['收入']['一般公共预算拨款']", "'8.50万元' is not of type 'number'", "amount.type"),
    ("amount-text", "  一般公共预算拨款: ", "  一般公共预算拨款: abc",
     "$['收入']['一般公共预算拨款']", "'abc' is not of type 'number'", "amount.type"),
    ("amount-quoted", "  一般公共预算拨款: ", '  一般公共预算拨款: "271.11"',
     "$['收入']['一般公共预算拨款']", "'271.11' is not of type 'number'", "amount.type"),
    ("amount-negative", "      30101: ", "      30101: -57.91",
     "$['基本支出'][0]['经济分类']['30101']", "-57.91 is less than the minimum of 0", "amount.negative"),
    ("amount-three-decimals", "      30101: ", "      30101: 57.915",
     "$['基本支出'][0]['经济分类']['30101']", "57.915 is not a multiple of 0.01", "amount.decimals"),
    ("amount-too-large", "      30101: ", "      30101: 1000000000000",
     "$['基本支出'][0]['经济分类']['30101']", "1000000000000 is greater than or equal to the maximum of 1000000000000",
     "amount.too-large"),
    ("code-key-4-digits", "      30101: ", "      3010: 57.91",
     "$['基本支出'][0]['经济分类']", "'3010' does not match", "code.format"),
    ("code-key-not-款", "      30101: ", "      301: 57.91",
     "$['基本支出'][0]['经济分类']", "'301' does not match", "code.level"),
    ("code-value-6-digits", "  - 功能分类: 2013101", "  - 功能分类: 201310",
     "$['基本支出'][0]['功能分类']", "201310 is less than the minimum of 1000000", "code.format"),
    ("code-value-not-项", "  - 功能分类: 2013101", "  - 功能分类: 20131",
     "$['基本支出'][0]['功能分类']", "20131 is less than the minimum of 1000000", "code.level"),
    ("code-value-letters", "  - 功能分类: 2013101", '  - 功能分类: "201310a"',
     "$['基本支出'][0]['功能分类']", "'201310a' does not match", "code.format"),
    ("unknown-key", "部门: ", "部门: 克州机要保密局\n部门名称: 克州机要保密局",
     "$", "Additional properties are not allowed ('部门名称' was unexpected)", "schema.unknown-key"),
    ("unknown-nested-key", "    编制数: ", "    编制数: 27\n    实有人员: 16",
     "$['概况']['人员']", "Additional properties are not allowed ('实有人员' was unexpected)", "schema.unknown-key"),
    ("unknown-source", "  一般公共预算拨款: ", "  财政拨款: 271.10",
     "$['收入']", "Additional properties are not allowed ('财政拨款' was unexpected)", "schema.choice"),
    ("wrong-choice", "金额单位: ", "金额单位: 千元",
     "$['金额单位']", "'千元' is not one of ['万元', '元']", "schema.choice"),
    ("missing-required", "部门: ", "",
     "$", "'部门' is a required property", "schema.missing"),
    ("year-out-of-range", "年度: ", "年度: 1999",
     "$['年度']", "1999 is less than the minimum of 2000", "schema.type"),
    ("list-expected", "  下属预算单位: ", "  下属预算单位: 无",
     "$['概况']['下属预算单位']", "'无' is not of type 'array'", "schema.type"),
    ("glossary-keys", "部门: ", "部门: 克州机要保密局\n名词解释补充:\n  - {名词: 机要, 说明: 机要工作}",
     "$['名词解释补充'][0]", "'解释' is a required property", "glossary.keys"),
]


@pytest.fixture(scope="module")
def broken(schema, tmp_path_factory):
    folder = tmp_path_factory.mktemp("broken")
    source = KEZHOU.read_text(encoding="utf-8")
    files = {}
    for case_id, old, new, *_ in BROKEN:
        path = folder / f"{case_id}.yaml"
        path.write_text(mutate(source, old, new), encoding="utf-8")
        files[case_id] = path
    errors = validate(schema, *files.values())
    checked = run("check", *map(str, files.values()))
    return files, errors, checked.output


@pytest.mark.parametrize("case_id, old, new, path, message, rule", BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_file_is_refused_by_the_validator_and_by_check(broken, case_id, old, new, path, message, rule):
    files, errors, check_output = broken
    found = errors[str(files[case_id])]
    assert any(e["path"] == path and message in (e["message"] + " " + e.get("best_match", {}).get("message", ""))
               for e in found), shown(found)
    # the schema says no more than the tool: the same file is an error for `disclose check`
    rules = re.findall(rf"^{re.escape(str(files[case_id]))}:\d+:\d+: 错误\[([^\]]+)\]", check_output, re.M)
    assert rule in rules, check_output


# ---------------------------------------------------------------- what an editor shows
def _walk(node, where="$"):
    if isinstance(node, dict):
        yield where, node
        for k, v in node.items():
            if k in ("properties", "$defs"):
                for name, sub in v.items():
                    yield from _walk(sub, f"{where}.{name}")
            elif isinstance(v, dict):
                yield from _walk(v, f"{where}/{k}")
            elif isinstance(v, list):
                for i, sub in enumerate(v):
                    yield from _walk(sub, f"{where}/{k}[{i}]")


def test_every_property_has_a_chinese_title_and_description_and_no_class_names():
    import generator.model as model
    from pydantic import BaseModel

    text = run("schema").output
    schema = json.loads(text)
    classes = [n for n, v in vars(model).items() if isinstance(v, type) and issubclass(v, BaseModel)]
    assert "ThreePublic" in classes and "SpendingPlan" in classes
    assert [n for n in classes + ["Decimal", "Annotated"] if n in text] == []
    props = [(w, n) for w, n in _walk(schema) if "properties" in n]
    assert len(props) > 30
    han = re.compile(r"[\u4e00-\u9fff]")
    for where, node in props:
        assert node.get("additionalProperties") is False, where
        for key, sub in node["properties"].items():
            assert han.search(sub.get("title", "")) and han.search(sub.get("description", "")), f"{where}.{key}"


def test_modeline_and_schema_setting_give_zero_diagnostics_in_yaml_language_server(tmp_path):
    """The editor's own checker, set up as the README says, in a bureau's folder: the schema in the
    project folder, department files associated by a ``yaml.schemas`` setting, a starter by its
    modeline. A broken file shows its errors (so the schema is applied); the examples and the starter
    show none, and hovering a key shows its Chinese description."""
    from lsp_client import LanguageServer

    (tmp_path / "disclose.yaml").write_text("格式: national-2024\n", encoding="utf-8")
    starter = tmp_path / "新建" / "新部门.yaml"
    assert run("new", "-o", str(starter)).exit_code == 0  # writes ./disclose.schema.json too
    assert starter.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../disclose.schema.json\n")
    folder = tmp_path / "departments"
    folder.mkdir()
    examples = []
    for source in EXAMPLES:
        examples.append(folder / source.name)
        examples[-1].write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    control = folder / "control.yaml"
    text = mutate(KEZHOU.read_text(encoding="utf-8"), "  一般公共预算拨款: ", "  一般公共预算拨款: 8.50万元")
    control.write_text(mutate(text, "      30101: ", "      3010: 57.915"), encoding="utf-8")
    settings = {"yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False},
                         "schemas": {"./disclose.schema.json": ["departments/*.yaml"]}}}
    server = LanguageServer(tmp_path, settings, locale="zh-cn")  # VS Code in Chinese
    try:
        uri = server.open(control)
        messages = {(d["range"]["start"]["line"], d["message"]) for d in server.wait_diagnostics(uri)}
        lines = control.read_text(encoding="utf-8").split("\n")
        line = lambda text: next(i for i, s in enumerate(lines) if s.startswith(text))  # noqa: E731
        assert (line("  一般公共预算拨款:"), "金额应为数字（不写单位、不加引号），如 271.11") in messages
        # the key 3010 is a number to the editor: below the smallest 5-digit code; 57.915: three decimals
        assert {m for ln, m in messages if ln == line("      3010:")} == {"值低于最小值 10000。", "值不能被 0.01 整除。"}
        for path in [*examples, starter]:
            uri = server.open(path)
            assert server.wait_diagnostics(uri) == [], path
            text = path.read_text(encoding="utf-8").split("\n")
            year = next(i for i, s in enumerate(text) if s.startswith("年度:"))
            assert "预算年度" in server.hover(uri, year, 1), path
    finally:
        server.close()
