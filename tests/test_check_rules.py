"""Each rule: bad input → expected rule id and Chinese message at file:line; the minimal budget trips none."""

import copy
from decimal import Decimal

import pytest

from conftest import dump
from generator.checks.rules import RULES
from generator.errors import Severity
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
    ("three-public-of-which", [(("三公经费", "公务接待费", "其中"), 2)], "three-public.of-which", "“其中”金额 2.00万元 不能超过公务接待费 1.00万元"),
    ("procurement-item-sme", [(("政府采购",), {"明细": [{"项目": "基本支出", "采购物品名称": "电脑", "金额": 5, "类别": "货物", "预留中小企业份额": 6}]})],
     "procurement.item-sme", "“电脑”的预留中小企业份额 6.00万元 是其采购金额的一部分，不能超过采购金额 5.00万元"),
    ("staffing-actual", [(("概况", "人员", "实有人数"), 11)], "staffing.actual", "实有人数应等于在职 8 + 退休 2 + 离休 0 = 10 人，实际写的是 11 人"),
]

# Rules added for issue 14: each with its exact message and the YAML node it points at
# (a path into the file as written; codes written as numbers are int keys).
EXACT = [
    # 上年 income must equal 上年 spending
    ("last-year-balance", [(("上年", "收入"), {"一般公共预算拨款": 100})], "last-year.balance", ("上年", "收入"),
     "上年收支不平衡：上年收入合计（一般公共预算拨款 100.00）100.00万元应等于上年支出合计 110.50万元（基本支出 60.50 + 项目支出 50.00），"
     "差 -10.50 万元（上年有结转结余安排的支出时，请在“上年.收入”中写明“上年结转结余”）"),
    # a 项 larger than its 款, last year
    ("last-year-item-over-parent", [(("上年", "功能分类"), {2010101: 70, 20101: 60})], "last-year.exceeds", ("上年", "功能分类", 2010101),
     "上年功能分类 2010101 70.00万元超过了它所属的上年功能分类 20101 60.00万元（多 10.00 万元）：部分不能大于整体"),
    # a 类 larger than 支出合计, last year
    ("last-year-class-over-total", [(("上年", "功能分类"), {201: 200})], "last-year.exceeds", ("上年", "功能分类", 201),
     "上年功能分类 201 200.00万元超过了它所属的上年支出合计 110.50万元（多 89.50 万元）：部分不能大于整体"),
    # 人员经费 larger than 基本支出, last year
    ("last-year-personnel-over-basic", [(("上年", "人员经费"), 70)], "last-year.exceeds", ("上年", "人员经费"),
     "上年人员经费 70.00万元超过了它所属的上年基本支出 60.50万元（多 9.50 万元）：部分不能大于整体"),
    # 人员经费 + 公用经费 ≠ 基本支出, last year
    ("last-year-parts", [(("上年", "人员经费"), "50.25"), (("上年", "公用经费"), 10)], "last-year.parts", ("上年", "人员经费"),
     "上年人员经费 50.25 + 上年公用经费 10.00 = 60.25万元，应等于上年基本支出 60.50万元（差 -0.25 万元）"),
    # a printed last-year figure that is not what 上年 says
    ("control-last-year", [(("核对数",), {"基本支出.上年": 60})], "control.mismatch", ("核对数", "基本支出.上年"),
     "核对数不符：基本支出的上年数按明细推导为 60.50万元，预算系统核对数为 60.00万元（差 0.50 万元）"),
    # a printed change
    ("control-change", [(("核对数",), {"基本支出.增减": "-0.01"})], "control.mismatch", ("核对数", "基本支出.增减"),
     "核对数不符：基本支出比上年按明细推导为持平（本年 60.50 − 上年 60.50），核对数为减少0.01万元（差 0.01 万元）"),
    # a percentage on the wrong base (change ÷ this year)
    ("control-percent-base", [(("上年", "基本支出"), 70), (("上年", "主要原因"), {"基本支出": "测试"}),
                              (("核对数",), {"基本支出.增减率": "-15.70"})], "control.mismatch", ("核对数", "基本支出.增减率"),
     "核对数不符：基本支出比上年按明细推导为下降13.57%（减少9.50万元 ÷ 上年 70.00万元），核对数为下降15.70%（差 2.13 个百分点）"
     "：该百分比是增减额除以本年数得出的，增减率应除以上年数"),
    # one figure printed twice with two values: each is checked, the wrong one is named
    ("control-two-values", [(("核对数",), {"基本支出": ["60.50", "60.49"]})], "control.mismatch", ("核对数", "基本支出", 1),
     "核对数不符：基本支出按明细推导为 60.50万元，预算系统核对数（第 2 个值）为 60.49万元（差 0.01 万元）"),
    # a change that needs a last-year figure nobody gave
    ("control-no-last-year", [(("核对数",), {"人员经费.增减": 1})], "control.no-last-year", ("核对数", "人员经费.增减"),
     "核对项“人员经费.增减”需要人员经费的上年数：应在“上年”中填写（或用“上年.文件”），否则无法核对"),
    ("control-negative", [(("核对数",), {"项目支出": -1})], "amount.negative", ("核对数", "项目支出"),
     "金额不能为负数，实际是 -1（只有“.增减”“.增减率”核对项可以写负数）"),
    # a basic-only economic figure (表六) checks against basic spending only
    ("control-basic-economic", [(("核对数",), {"基本支出经济分类.30101": 50})], "control.mismatch", ("核对数", "基本支出经济分类.30101"),
     "核对数不符：基本支出经济分类.30101按明细推导为 50.25万元，预算系统核对数为 50.00万元（差 0.25 万元）"),
    # a printed 其中 and 其他 that together exceed their item (the 2024 source's 会议费)
    ("control-of-which", [(("核对数",), {"三公经费.公务接待费": 1, "三公经费.公务接待费.其中": 1, "三公经费.公务接待费.其他": 1})],
     "control.parts", ("核对数", "三公经费.公务接待费"),
     "核对数自相矛盾：三公经费.公务接待费的组成部分（其中 1.00、其他 1.00）合计 2.00万元，超过三公经费.公务接待费的核对数 1.00万元（多 1.00 万元）"),
    # printed parts that do not add up to their printed whole
    ("control-parts", [(("核对数",), {"基本支出": "60.50", "人员经费": "50.25", "公用经费": "10.26"})], "control.parts", ("核对数", "基本支出"),
     "核对数自相矛盾：基本支出的组成部分（人员经费 50.25、公用经费 10.26）合计 60.51万元，超过基本支出的核对数 60.50万元（多 0.01 万元）"),
    ("control-empty", [(("核对数",), {"基本支出": []})], "control.empty", ("核对数", "基本支出"),
     "核对项“基本支出”是空列表：应写一个数，或印了几次不同的值时写成 [值1, 值2]"),
    ("control-unknown-key", [(("核对数",), {"三公经费.会议": 1})], "control.unknown-key", ("核对数", "三公经费.会议"),
     "未知的核对项“三公经费.会议”；您是不是想写“三公经费.会议费”？（可用的写法见 docs/核对预算数.md）"),
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


def _apply(data, mutations):
    for path, value in mutations:
        mutate(data, path, value)
    return data


@pytest.mark.parametrize("case, mutations, rule, node, message", EXACT, ids=[c[0] for c in EXACT])
def test_rule_message_and_place(write, minimal, case, mutations, rule, node, message):
    path = write(_apply(copy.deepcopy(minimal), mutations))
    checked = check_file(path)
    hits = [p for p in checked.problems if p.rule == rule]
    assert [p.message for p in hits] == [message], [p.format() for p in checked.problems]
    line, col = checked.loaded.marks[node]
    assert (hits[0].location.line, hits[0].location.col) == (line, col)
    assert hits[0].is_error


def test_basic_only_economic_control_is_no_false_alarm(write, minimal):
    """表六 prints basic spending only; a project using the same 款 must not make its control disagree."""
    minimal["项目"][0]["经济分类"] = {30201: 20, 30299: 30}
    minimal["核对数"] = {"基本支出经济分类.30201": "10.25", "经济分类.30201": "30.25", "基本支出经济分类.302": "10.25",
                       "经济分类.302": "60.25", "基本支出经济分类.301": "50.25"}
    checked = check_file(write(minimal))
    assert [p.format() for p in checked.problems] == []


LAST_YEAR_FILE_CASES = [
    # (id, 口径, what the current year writes inline, expected severity, message)
    ("basic-disagrees", "上年预算数", {"基本支出": "60.00"}, Severity.ERROR,
     "上年数不一致：此处写的上年基本支出为 60.00万元，上年文件“2019.yaml”推导为 60.50万元（差 -0.50 万元）：删去此处的上年数，或改正上年文件"),
    ("income-disagrees", "上年预算数", {"收入": {"一般公共预算拨款": 100}}, Severity.ERROR,
     "上年数不一致：此处写的上年一般公共预算拨款为 100.00万元，上年文件“2019.yaml”推导为 100.50万元（差 -0.50 万元）：删去此处的上年数，或改正上年文件"),
    ("function-disagrees", "上年预算数", {"功能分类": {2010199: 50}}, Severity.ERROR,
     "上年数不一致：此处写的上年功能分类 2010199为 50.00万元，上年文件“2019.yaml”推导为 40.00万元（差 10.00 万元）：删去此处的上年数，或改正上年文件"),
    # 上年执行数 may rightly differ from last year's budget file: a warning to verify
    ("executed-differs", "上年执行数", {"项目支出": 45}, Severity.WARNING,
     "上年数不一致：此处写的上年项目支出为 45.00万元，上年文件“2019.yaml”推导为 40.00万元（差 5.00 万元）：删去此处的上年数，或改正上年文件"),
]


@pytest.mark.parametrize("case, basis, inline, severity, message", LAST_YEAR_FILE_CASES, ids=[c[0] for c in LAST_YEAR_FILE_CASES])
def test_inline_last_year_agrees_with_last_years_file(tmp_path, minimal, case, basis, inline, severity, message):
    prev = copy.deepcopy(minimal)
    prev["年度"] = 2019
    prev["项目"][0].update({"金额": 40, "经济分类": {30299: 40}, "资金分配": [{"名称": "购买服务", "金额": 40}]})
    prev["收入"]["一般公共预算拨款"] = "100.50"
    del prev["上年"]
    (tmp_path / "2019.yaml").write_text(dump(prev), encoding="utf-8")
    cur = copy.deepcopy(minimal)
    cur["上年"] = {"口径": basis, "文件": "2019.yaml", "主要原因": {"项目支出": "新增", "收入合计": "新增", "支出合计": "新增",
                                                            "一般公共预算拨款": "新增", "2010199": "新增"}, **inline}
    (tmp_path / "2020.yaml").write_text(dump(cur), encoding="utf-8")
    checked = check_file(tmp_path / "2020.yaml")
    hits = [p for p in checked.problems if p.rule == "last-year.disagrees"]
    assert [(p.severity, p.message) for p in hits] == [(severity, message)], [p.format() for p in checked.problems]
    key = next(iter(inline))
    node = ("上年", key) if not isinstance(inline[key], dict) else ("上年", key, next(iter(inline[key])))
    assert (hits[0].location.line, hits[0].location.col) == checked.loaded.marks[node]


def test_every_rule_has_a_tripping_case():
    tripped = {c[2].split(".")[0] for c in CASES} | {c[2].split(".")[0] for c in EXACT} | {"last-year"}
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
