"""Open data (disclose build --data): CSV per table and one JSON read back to the printed numbers.

One real build of the 2020 example with --data (PDF, DOCX and data written to
disk); the CSV and JSON files are read back with the csv and json modules and
compared with the document model's tables (whose cells the PDF prints) and with
the PDF's own text.
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

import pytest

from conftest import KEZHOU, SHANHAIGUAN
from generator import fonts
from generator.build import build_department
from generator.document.build import build_document
from generator.opendata import export, table_rows
from generator.output import safe_name
from generator.pipeline import check_file

AMOUNT = re.compile(r"^-?\d+\.\d\d$")


def model_amounts(table) -> list[str]:
    """The table's amount cells in reading order, as the PDF prints them (blank → 0.00)."""
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


def test_one_csv_per_table_and_one_json_with_safe_names(kezhou):
    names = list(kezhou.files)
    tables = kezhou.doc.tables()
    assert len([n for n in names if n.endswith(".csv")]) == len(tables)
    assert names[-1] == "克州机要保密局2020年部门预算公开数据.json"
    assert len(set(names)) == len(names)
    for n in names:
        assert n == safe_name(n) and "/" not in n and not n.startswith(".")
    assert names[0] == "01-表一-部门收支总体情况表.csv"
    assert "10-项目支出绩效目标表-密码业务经费.csv" in names


def test_csv_amounts_are_the_printed_amounts(kezhou):
    csv_names = [n for n in kezhou.files if n.endswith(".csv")]
    for name, table in zip(csv_names, kezhou.doc.tables()):
        rows = csv_rows(kezhou.files[name])
        body = rows[1:] if table.header and "绩效目标" not in table.key else rows
        found = [v for row in body for v in row if AMOUNT.match(v)]
        assert found == model_amounts(table), name
        assert all(len(r) == len(rows[0]) for r in rows), name  # a rectangular grid


def test_csv_header_flattened_and_codes_in_their_own_columns(kezhou):
    rows = csv_rows(kezhou.files["03-表三-部门支出总体情况表.csv"])
    assert rows[0] == ["项目/功能分类科目编码", "项目/功能分类科目名称", "支出预算/合计", "支出预算/基本支出", "支出预算/项目支出"]
    assert ["2013101", "行政运行", "207.70", "207.70", "0.00"] in rows
    assert ["20131", "党委办公厅（室）及相关机构事务", "271.10", "207.70", "63.40"] in rows
    # a "201 一般公共服务支出" cell is split into a code and a name
    rows = csv_rows(kezhou.files["01-表一-部门收支总体情况表.csv"])
    assert rows[0] == ["收入/项目", "收入/预算数", "支出/功能分类/编码", "支出/功能分类/名称", "支出/预算数"]
    assert rows[1] == ["财政拨款（补助）", "271.10", "201", "一般公共服务支出", "271.10"]
    assert rows[-1] == ["收入总计", "271.10", "", "支出总计", "271.10"]  # 收  入  总  计: spreading spaces dropped
    # the 合计 spanning the code columns goes to the name column
    rows = csv_rows(kezhou.files["07-表七-项目支出情况表.csv"])
    assert rows[-1][:4] == ["", "合计", "", "63.40"]
    # a label spanning rows is repeated on each
    rows = csv_rows(kezhou.files["10-项目支出绩效目标表-密码业务经费.csv"])
    assert rows[0][:2] == ["预算单位", "克州机要保密局"]
    assert sum(1 for r in rows if r[0] == "项目完成指标") == 8


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
    for entry in data["表格"]:
        rows = csv_rows(kezhou.files[entry["文件"]])
        assert ([entry["列"]] if entry["列"] else []) + entry["行"] == rows


def test_the_2024_format_exports_too():
    checked = check_file(SHANHAIGUAN)
    doc = build_document(checked.fig, checked.fmt)
    files = export(doc, checked.fig)
    rows = csv_rows(files["02-部门预算收入总表.csv"])
    assert rows[0][:3] == ["序号", "功能分类科目/科目编码", "功能分类科目/科目名称"]  # the 栏次 row is dropped
    assert rows[1][:4] == ["1", "", "合计", "717.53"]
    for table in doc.tables():
        names, body = table_rows(table)
        assert [v for row in body for v in row if AMOUNT.match(v)] == model_amounts(table), table.title


# --- through the build, against the PDF ---------------------------------------------

@pytest.mark.skipif(any(p.is_error for p in fonts.environment_problems()) or not shutil.which("pdftotext"),
                    reason="CJK fonts or pdftotext missing")
def test_build_with_data_writes_files_matching_the_pdf(tmp_path):
    result = build_department(KEZHOU, tmp_path, data=True)
    assert result.status == "built", [p.format() for p in result.problems]
    folder = tmp_path / "克州机要保密局"
    data_dir = folder / "data"
    written = sorted(p.name for p in data_dir.iterdir())
    assert len(written) == 13 and all(p in result.outputs for p in data_dir.iterdir())
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
