"""上年 from last year's YAML file; 科目 names from a finance bureau's override file."""

import copy
from decimal import Decimal

from conftest import dump
from generator.document.build import build_document
from generator.document.model import Paragraph
from generator.pipeline import check_file


def test_last_year_figures_come_from_last_years_file(tmp_path, minimal):
    prev = copy.deepcopy(minimal)
    prev["年度"] = 2019
    prev["项目"][0].update({"金额": 40, "经济分类": {30299: 40}, "资金分配": [{"名称": "购买服务", "金额": 40}]})
    prev["收入"]["一般公共预算拨款"] = "100.50"
    prev["三公经费"] = {"公务接待费": {"基本支出": 2}}
    del prev["上年"]
    (tmp_path / "2019.yaml").write_text(dump(prev), encoding="utf-8")
    cur = copy.deepcopy(minimal)
    cur["上年"] = {"文件": "2019.yaml", "主要原因": {"项目支出": "新增测试任务"}}
    cur["三公经费"] = {"公务接待费": {"基本支出": 1, "主要原因": "压减接待"}}
    (tmp_path / "2020.yaml").write_text(dump(cur), encoding="utf-8")
    checked = check_file(tmp_path / "2020.yaml")
    assert checked.ok, [p.format() for p in checked.problems]
    fig = checked.fig
    assert fig.last["项目支出"] == Decimal("40")
    assert fig.last["基本支出"] == Decimal("60.50")
    assert fig.three_public_items()["公务接待费"].last_year == Decimal("2")
    assert fig.dept.three_public.reception.last_year is None  # the authored model is not changed
    text = "\n".join(b.text for b in build_document(fig, checked.fmt).blocks if isinstance(b, Paragraph))
    assert "项目支出50.00万元" in text and "比上年预算数增加10.00万元，增长25.00%" in text
    assert "新增测试任务" in text


def test_last_year_file_problems_are_reported(tmp_path, minimal):
    cur = copy.deepcopy(minimal)
    cur["上年"] = {"文件": "missing.yaml"}
    (tmp_path / "2020.yaml").write_text(dump(cur), encoding="utf-8")
    checked = check_file(tmp_path / "2020.yaml")
    assert [p.rule for p in checked.errors] == ["last-year.file"]
    (tmp_path / "bad.yaml").write_text("部门: [\n", encoding="utf-8")
    cur["上年"] = {"文件": "bad.yaml"}
    (tmp_path / "2020.yaml").write_text(dump(cur), encoding="utf-8")
    assert [p.rule for p in check_file(tmp_path / "2020.yaml").errors] == ["last-year.invalid"]


def test_bureau_override_file_names_a_local_code(tmp_path, minimal):
    (tmp_path / "财政局科目补充.yaml").write_text("部门预算支出经济分类:\n  30242: 办公用品及设备采购\n", encoding="utf-8")
    minimal["基本支出"][0]["经济分类"][30242] = 1
    minimal["收入"]["一般公共预算拨款"] = "111.50"
    minimal["设置"] = {"科目补充文件": ["财政局科目补充.yaml"]}
    (tmp_path / "d.yaml").write_text(dump(minimal), encoding="utf-8")
    checked = check_file(tmp_path / "d.yaml")
    assert checked.ok and not checked.warnings, [p.format() for p in checked.problems]
    assert checked.fig.ecat.name("30242") == "办公用品及设备采购"
    # without the file the code is unknown
    minimal["设置"] = {}
    (tmp_path / "e.yaml").write_text(dump(minimal), encoding="utf-8")
    assert [p.rule for p in check_file(tmp_path / "e.yaml").errors] == ["code.unknown"]


def test_old_budget_gets_old_class_names(write, minimal):
    minimal["年度"] = 2018
    minimal["基本支出"][0]["功能分类"] = 2100101  # 210 卫生健康支出 was 医疗卫生与计划生育支出 before 2019
    minimal["项目"][0]["功能分类"] = 2100199
    checked = check_file(write(minimal))
    assert checked.fig.fcat.name("210") == "医疗卫生与计划生育支出"
    minimal["年度"] = 2020
    assert check_file(write(minimal, "n.yaml")).fig.fcat.name("210") == "卫生健康支出"
