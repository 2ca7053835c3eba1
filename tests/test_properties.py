"""Random budgets: every printed total equals the sum of its printed parts; printed shares add to 100."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from generator.catalogs import economic_catalog, function_catalog
from generator.document.build import build_document
from generator.figures import derive
from generator.formats import get_format
from generator.model import Department
from generator.money import largest_remainder

FUNCTIONS = ["2010101", "2010102", "2010199", "2013101", "2013199", "2080501", "2080505", "2101101", "2101103", "2210201"]
ECONOMICS = ["30101", "30102", "30103", "30108", "30113", "30201", "30202", "30211", "30231", "30302", "31002"]
SOURCES = ["一般公共预算拨款", "政府性基金预算拨款"]

amount = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)


@st.composite
def budgets(draw):
    groups = {}
    for _ in range(draw(st.integers(1, 6))):
        key = (draw(st.sampled_from(FUNCTIONS)), draw(st.sampled_from(SOURCES)))
        econ = draw(st.dictionaries(st.sampled_from(ECONOMICS), amount, min_size=1, max_size=5))
        groups.setdefault(key, {}).update(econ)
    basic = [{"功能分类": f, "资金来源": s, "经济分类": e} for (f, s), e in groups.items()]
    projects = []
    for i in range(draw(st.integers(0, 4))):
        a = draw(amount)
        projects.append({"名称": f"项目{i}", "功能分类": draw(st.sampled_from(FUNCTIONS)), "金额": a,
                         "资金来源": draw(st.sampled_from(SOURCES)), "经济分类": {"30299": a}})
    income = {s: Decimal(0) for s in SOURCES}
    for g in basic:
        income[g["资金来源"]] += sum(g["经济分类"].values())
    for p in projects:
        income[p["资金来源"]] += p["金额"]
    data = {"部门": "随机局", "年度": 2020, "概况": {"主要职能": "x"}, "收入": income, "基本支出": basic, "项目": projects}
    return Department.model_validate(data)


def num(cell) -> Decimal:
    return Decimal(cell.text) if cell.text else Decimal(0)


def check_tree_table(table, code_cols: int, name_col: int):
    """Rows are 类/款/项 nodes with codes in the first columns; the last row is 合计."""
    rows, total = table.body[:-1], table.body[-1]
    amount_cols = range(len(rows[0]) - (name_col + 1)) if rows else []
    codes = ["".join(c.text for c in r[:code_cols]) for r in rows]
    for col in amount_cols:
        idx = name_col + 1 + col
        classes = [num(r[idx]) for r, c in zip(rows, codes) if len(c) == 3]
        assert sum(classes) == num(total[1 + col]), table.title
        for i, c in enumerate(codes):
            kids = [num(r[idx]) for r, k in zip(rows, codes) if len(k) == len(c) + 2 and k.startswith(c)]
            if kids:
                assert sum(kids) == num(rows[i][idx]), (table.title, c)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_printed_totals_equal_printed_parts(dept):
    fig = derive(dept, function_catalog(2020), economic_catalog(2020))
    fmt = get_format("kezhou-2020")
    doc = build_document(fig, fmt)
    tables = {t.key: t for t in doc.tables()}
    for key in ("支出总表", "一般公共预算支出表", "政府性基金预算支出表", "收入总表"):
        t = tables[key]
        if len(t.body) > 1:
            check_tree_table(t, 3, 3)
    t = tables["一般公共预算基本支出表"]
    if len(t.body) > 1:
        check_tree_table(t, 2, 2)
    # income = spending on every summary table
    summary = tables["收支总表"].body[-1]
    assert summary[1].text == summary[3].text == f"{fig.spending_total:.2f}"
    # 人员经费 + 公用经费 = 基本支出 as printed
    basic_total = tables["一般公共预算基本支出表"].body[-1]
    if basic_total[1].text:
        assert num(basic_total[1]) == num(basic_total[2]) + num(basic_total[3])


@settings(max_examples=40, deadline=None)
@given(budgets())
def test_printed_shares_add_up_to_100(dept):
    fig = derive(dept, function_catalog(2020), economic_catalog(2020))
    shares = [s for _, s in fig.class_shares()]
    if fig.spending_total:
        assert sum(shares) == Decimal("100.00")
    split = fig.basic_split()
    if fig.spending_total:
        assert split["basic"] + split["project"] == Decimal("100.00")
