"""Open data (disclose build --data): one tidy CSV and one JSON, written from the figures.

The CSV and JSON files are read back with the csv and json modules, the JSON is
validated against its published JSON Schema with a real validator (jsonschema),
and the amounts are compared with the document model and with the PDF's own text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import jsonschema
import pytest

from conftest import KEZHOU, SHANHAIGUAN
from generator import fonts
from generator.build import build_department
from generator.document.build import build_document
from generator.opendata import COLUMNS, SCHEMA, export, safe_cell
from generator.pipeline import check_file

AMOUNT = re.compile(r"^-?\d+\.\d\d$")


def model_amounts(table) -> list[str]:
    """The table's printed amount cells in reading order (blank cells of zero → 0.00)."""
    return [f"{c.value:.2f}" for row in (*table.header, *table.body) for c in row if c.value is not None]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def kezhou():
    checked = check_file(KEZHOU)
    doc = build_document(checked.fig, checked.fmt)
    return SimpleNamespace(fig=checked.fig, doc=doc, files=export(doc, checked.fig))


def json_of(files: dict[str, bytes]) -> dict:
    (name,) = [n for n in files if n.endswith(".json")]
    return json.loads(files[name], parse_float=lambda s: pytest.fail(f"a float in the JSON: {s}"))


def csv_of(files: dict[str, bytes]) -> list[list[str]]:
    (name,) = [n for n in files if n.endswith(".csv")]
    return csv_rows(files[name])


def test_one_tidy_csv_and_one_json(kezhou):
    assert sorted(kezhou.files) == ["克州机要保密局2020年部门预算公开数据.csv", "克州机要保密局2020年部门预算公开数据.json"]
    rows = csv_of(kezhou.files)
    assert tuple(rows[0]) == COLUMNS
    assert all(len(r) == len(COLUMNS) for r in rows)
    assert all(r[0] == "克州机要保密局" and r[2] == "2020" and AMOUNT.match(r[8]) for r in rows[1:])


def test_json_validates_against_the_published_schema(kezhou):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    data = json_of(kezhou.files)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    broken = dict(data, 收入=dict(data["收入"], 合计=271.11))  # a float amount is refused
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_tidy_rows_are_every_printed_amount_of_every_table(kezhou):
    rows = csv_of(kezhou.files)[1:]
    at = 0
    for table in kezhou.doc.tables():
        exported = [r[8] for r in rows[at:at + len(table.data)]]
        at += len(table.data)
        assert sorted(exported) == sorted(model_amounts(table)), table.title  # every printed amount, once
    assert at == len(rows)


def test_the_level_column_makes_sums_exact(kezhou):
    """Summing one level of a code tree gives the table's 合计: nothing is counted twice."""
    rows = csv_of(kezhou.files)[1:]
    table = [r for r in rows if r[3] == "表三 部门支出总体情况表" and r[7] == "支出预算/合计"]
    total = next(Decimal(r[8]) for r in table if r[6] == "合计")
    for level in ("类", "款", "项"):
        assert sum(Decimal(r[8]) for r in table if r[6] == level) == total, level
    assert ["克州机要保密局", "", "2020", "表三 部门支出总体情况表", "行政运行", "2013101", "项", "支出预算/基本支出",
            "207.70"] in rows
    # the 其中 rows of the summary are parts of the row above them
    summary = [r for r in rows if r[3] == "表一 部门收支总体情况表" and r[7] == "收入/预算数"]
    assert [r[6] for r in summary if r[4] in ("一般公共预算", "政府性基金预算")] == ["其中", "其中"]


@pytest.mark.parametrize("text, safe", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("行政运行", "行政运行"), ("A=1", "A=1"),
])
def test_formula_like_text_is_neutralised(text, safe):
    assert safe_cell(text) == safe


def test_hostile_project_name_is_text_in_the_csv(write, minimal):
    minimal["项目"][0]["名称"] = '=HYPERLINK("http://evil.invalid/","点击")'
    checked = check_file(write(minimal))
    assert checked.ok, [p.format() for p in checked.errors]
    doc = build_document(checked.fig, checked.fmt)
    rows = csv_of(export(doc, checked.fig))
    names = {r[4] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://evil.invalid/\",\"点击\")" in names
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r)


def test_json_figures(kezhou):
    data = json_of(kezhou.files)
    fig = kezhou.fig
    assert data["部门"] == "克州机要保密局" and data["年度"] == 2020 and data["金额单位"] == "万元"
    assert data["收入"]["合计"] == "271.10"
    assert data["收入"]["按来源"] == [{"来源": "一般公共预算拨款", "金额": "271.10", "占比": "100.00"}]
    assert data["支出"]["基本支出"] == "207.70" and data["支出"]["项目支出"] == "63.40"
    assert Decimal(data["支出"]["基本支出占比"]) + Decimal(data["支出"]["项目支出占比"]) == 100

    def check_tree(nodes, column):
        for n in nodes:
            assert re.fullmatch(r"\d{3}|\d{5}|\d{7}", n["编码"]) and n["名称"]
            if n["下级"]:
                assert sum(Decimal(k[column]) for k in n["下级"]) == Decimal(n[column]), n["编码"]
                check_tree(n["下级"], column)

    (root,) = data["功能分类"]
    assert (root["编码"], root["名称"], root["级次"], root["合计"]) == ("201", "一般公共服务支出", "类", "271.10")
    check_tree(data["功能分类"], "合计")
    leaves = {n["编码"]: n for n in root["下级"][0]["下级"]}
    assert leaves["2013101"]["基本支出"] == "207.70" and leaves["2013199"]["项目支出"] == "63.40"
    basic = data["经济分类"]["基本支出"]
    check_tree(basic, "合计")
    assert sum(Decimal(n["合计"]) for n in basic) == fig.basic_total
    assert sum(Decimal(n["人员经费"]) for n in basic) == Decimal("193.43")
    assert [p["名称"] for p in data["项目"]] == ["密码业务经费", "网络运行评估维护费", "三项工作运行保障费"]
    assert [len(p["绩效目标"]["指标"]) for p in data["项目"]] == [11, 12, 11]
    assert data["三公经费"]["合计"] == "9.00" and data["三公经费"]["上年"] == "4.20"
    assert data["机关运行经费"]["金额"] == "14.27"
    assert data["机关运行经费"]["比上年"]["增减率"] == "-8.41"
    changes = {c["项目"]: c for c in data["比上年"]}
    assert changes["基本支出"]["增减额"] == "-28.30" and changes["基本支出"]["增减率"] == "-11.99"

    # every amount in the JSON is a string with two decimals
    def walk(x, key=""):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        else:
            assert not isinstance(x, float), key
            if key in ("合计", "金额", "基本支出", "项目支出", "本年", "上年", "增减额") and x is not None:
                assert AMOUNT.match(x), (key, x)
    walk(data)


def test_json_tables_are_the_csv_rows(kezhou):
    data = json_of(kezhou.files)
    rows = csv_of(kezhou.files)[1:]
    from_json = [[t["表"], x["行"], x["科目编码"] or "", x["级次"] or "", x["列"], x["金额"]]
                 for t in data["表格"] for x in t["数据"]]
    assert from_json == [[r[3], r[4], r[5], r[6], r[7], r[8]] for r in rows]


def test_the_2024_format_exports_too():
    checked = check_file(SHANHAIGUAN)
    doc = build_document(checked.fig, checked.fmt)
    files = export(doc, checked.fig)
    jsonschema.validate(json_of(files), SCHEMA, cls=jsonschema.Draft202012Validator)
    rows = csv_of(files)[1:]
    income = [r for r in rows if r[3] == "部门预算收入总表"]
    assert ["合计", "", "合计", "合计", "717.53"] in [[r[4], r[5], r[6], r[7], r[8]] for r in income]
    assert any(r[5] == "2013101" and r[6] == "项" and r[7] == "本年收入/财政拨款收入" for r in income)


# --- through the build, against the PDF ---------------------------------------------

@pytest.mark.skipif(any(p.is_error for p in fonts.environment_problems()) or not shutil.which("pdftotext"),
                    reason="CJK fonts or pdftotext missing")
def test_build_with_data_writes_files_matching_the_pdf(tmp_path):
    result = build_department(KEZHOU, tmp_path, data=True)
    assert result.status == "built", [p.format() for p in result.problems]
    folder = tmp_path / "克州机要保密局"
    data_dir = folder / "data"
    written = sorted(p.name for p in data_dir.iterdir())
    assert len(written) == 2 and all(p in result.outputs for p in data_dir.iterdir())
    (pdf,) = folder.glob("*.pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    printed = set(re.findall(r"\d+\.\d\d", text))
    for name in written:
        if name.endswith(".csv"):
            amounts = {v for row in csv_rows((data_dir / name).read_bytes()) for v in row if AMOUNT.match(v)}
            assert amounts - {"0.00"} <= printed, name  # every non-zero amount is printed in the PDF
    data = json.loads((data_dir / written[-1]).read_text(encoding="utf-8"))
    assert data["支出"]["合计"] in printed and data["三公经费"]["合计"] in printed


def test_the_published_schema_file_is_current():
    from conftest import ROOT

    published = json.loads((ROOT / "docs" / "开放数据.schema.json").read_text(encoding="utf-8"))
    assert published == SCHEMA, "regenerate: .venv/bin/python tools/write_data_schema.py"
