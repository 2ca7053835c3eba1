"""Each rule: bad input → expected rule id and Chinese message at file:line; the minimal budget trips none."""

import copy
from decimal import Decimal

import pytest

from generator.checks.rules import RULES
from generator.pipeline import check_file


def mutate(data, path, value):
    d = data
    for k in path[:-1]:
        d = d[k]
    if value is DELETE:
        del d[path[-1]]
    else:
        d[path[-1]] = value


DELETE = object()


def test_minimal_budget_is_clean(write, minimal):
    checked = check_file(write(minimal))
    assert [p.format() for p in checked.problems] == []


CASES = [
    # (id, mutations, expected rule, words in message)
    ("typo-key", [(("概况", "主要职责"), "x")], "schema.unknown-key", "您是不是想写“主要职能”"),
    ("negative", [(("基本支出", 0, "经济分类", 30101), "-5")], "amount.negative", "不能为负数"),
    ("three-decimals", [(("基本支出", 0, "经济分类", 30101), "50.255")], "amount.decimals", "最多保留 2 位小数"),
    ("text-amount", [(("收入", "一般公共预算拨款"), "１１０.５")], "amount.type", "半角数字"),
    ("thousands", [(("项目", 0, "金额"), "1,200")], "amount.type", "千位分隔符"),
    ("nan", [(("项目", 0, "金额"), "NaN")], "amount.type", "不是有限的数"),
    ("bad-code", [(("基本支出", 0, "功能分类"), 2010)], "code.format", "3、5 或 7 位"),
    ("unknown-code", [(("基本支出", 0, "功能分类"), 2017701)], "code.unknown", "不在目录"),
    ("wrong-level", [(("基本支出", 0, "功能分类"), 20101)], "code.level", "“项”级（7 位）"),
    ("economic-level", [(("基本支出", 0, "经济分类"), {301: "60.50"})], "code.level", "“款”级"),
    ("unbalanced", [(("收入", "一般公共预算拨款"), "100")], "balance.income-spending", "收支不平衡"),
    ("allocation", [(("项目", 0, "资金分配"), [{"名称": "a", "金额": 40}])], "project.allocation", "资金分配合计应等于项目金额"),
    ("project-economic", [(("项目", 0, "经济分类"), {30299: 45})], "project.economic", "经济分类合计应等于项目金额"),
    ("duplicate-project", [(("项目", 1), None)], "project.duplicate-name", "重复"),
    ("control", [(("核对数",), {"基本支出": "60.49"})], "control.mismatch", "核对数不符"),
    ("control-key", [(("核对数",), {"基本支岀": "60.50"})], "control.unknown-key", "基本支出"),
    ("staffing", [(("概况", "人员", "在职", "比上年增减"), 9)], "staffing.change", "不能为负数"),
    ("reason", [(("上年", "项目支出"), 20)], "reason.missing", "主要原因"),
    ("three-public-reason", [(("三公经费", "公务接待费", "上年"), 2)], "reason.three-public", "主要原因"),
    ("missing-text", [(("概况", "主要职能"), "  ")], "text.required", "主要职能"),
    ("missing-required", [(("部门",), DELETE)], "schema.missing", "缺少必填项“部门”"),
    ("wrong-type", [(("概况", "内设机构"), "综合科")], "schema.type", "应为列表"),
    ("source-choice", [(("基本支出", 0, "资金来源"), "财政拨款")], "schema.choice", "应为以下之一"),
    ("plan", [(("项目", 0, "资金支出计划"), {"3月底": 20, "6月底": 10, "10月底": 30, "12月底": 50})], "project.plan", "累计"),
    ("sme", [(("政府采购",), {"服务": 5, "面向中小企业预留": 3, "其中面向小微企业预留": 4})], "procurement.sme", "小微企业"),
    ("basic-duplicate", [(("基本支出", 1), None)], "basic.duplicate", "应合并为一组"),
    ("placeholder", [(("概况", "主要职能"), "（在此填写部门主要职能。）")], "starter.placeholder", "仍是模板中的占位文字“（在此填写部门主要职能。）”"),
    ("unchanged", [(("上年", "收入"), {"一般公共预算拨款": "110.50"})], "last-year.unchanged", "与上年数逐项相同"),
]


@pytest.mark.parametrize("case, mutations, rule, words", CASES, ids=[c[0] for c in CASES])
def test_rule_trips(write, minimal, case, mutations, rule, words):
    data = copy.deepcopy(minimal)
    for path, value in mutations:
        if value is None and path[0] == "项目":
            data["项目"].append(copy.deepcopy(data["项目"][0]))
            data["收入"]["一般公共预算拨款"] = "160.50"
            continue
        if value is None and path[0] == "基本支出":
            data["基本支出"].append({"功能分类": 2010101, "经济分类": {30102: 1}})
            data["收入"]["一般公共预算拨款"] = "111.50"
            continue
        mutate(data, path, value)
    path = write(data)
    checked = check_file(path)
    hits = [p for p in checked.problems if p.rule == rule]
    assert hits, f"expected {rule}, got {[p.format() for p in checked.problems]}"
    p = hits[0]
    assert words in p.message
    assert p.location.file == str(path) and p.location.line >= 1
    assert p.format().startswith(f"{path}:{p.location.line}:")


def test_every_rule_has_a_tripping_case():
    tripped = {c[2].split(".")[0] for c in CASES}
    for rule_id in RULES:
        assert rule_id.split(".")[0] in tripped | {"three-public"}, rule_id


def test_all_problems_reported_at_once(write, minimal):
    minimal["收入"]["一般公共预算拨款"] = "1.001"
    minimal["基本支出"][0]["经济分类"][30101] = "-1"
    minimal["概况"]["主要职责"] = "x"
    minimal["项目"][0]["金额"] = "1,000"
    checked = check_file(write(minimal))
    assert len(checked.errors) == 4


def test_warning_becomes_error_with_strict(write, minimal):
    minimal["概况"]["人员"]["在职"]["人数"] = 11  # more than 编制数 10: a warning
    minimal["概况"]["人员"]["在职"]["比上年增减"] = 0
    loose = check_file(write(minimal))
    assert loose.ok and [p.rule for p in loose.warnings] == ["staffing.over"]
    strict = check_file(write(minimal, "s.yaml"), strict=True)
    assert not strict.ok


def test_author_named_code_is_a_warning_not_an_error(write, minimal):
    minimal["基本支出"][0]["经济分类"][30242] = 1
    minimal["收入"]["一般公共预算拨款"] = "111.50"
    minimal["设置"] = {"科目补充": {"部门预算支出经济分类": {30242: "办公用品及设备采购"}}}
    checked = check_file(write(minimal))
    assert checked.ok
    assert [p.rule for p in checked.warnings] == ["code.author-named"]


def test_yuan_entry_is_rounded_per_leaf_with_a_note(write, minimal):
    minimal["金额单位"] = "元"
    minimal["收入"]["一般公共预算拨款"] = 1105049  # 110.5049 → 110.50
    minimal["基本支出"][0]["经济分类"] = {30101: 502549, 30201: 102500}  # 50.25, 10.25
    minimal["项目"][0].update({"金额": 500000, "经济分类": {30299: 500000}, "资金分配": [{"名称": "x", "金额": 500000}]})
    minimal["上年"] = {"基本支出": 605000, "项目支出": 500000, "机关运行经费": 102500}
    minimal["三公经费"] = {"公务接待费": {"基本支出": 10000, "上年": 10000}}
    checked = check_file(write(minimal))
    assert checked.ok, [p.format() for p in checked.problems]
    assert checked.fig.basic_total == Decimal("60.50")
    note = [p for p in checked.warnings if p.rule == "amount.yuan-rounding"]
    assert note and "舍入差额" in note[0].message
