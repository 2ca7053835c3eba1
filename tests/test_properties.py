"""Random budgets, every shipped format, every table kind: a printed total equals the sum of
its printed parts, and printed shares add up to 100.

The parts of each table are read from what it prints (Table.data: every printed amount with
its row, code, level and column), so the check is the same for every format a bureau writes.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from generator.catalogs import economic_catalog, function_catalog
from generator.document.build import build_document
from generator.figures import derive
from generator.figures.derive import THREE_PUBLIC_GROUPS
from generator.formats import get_format
from generator.model import Department

FUNCTIONS = ["2010101", "2010102", "2010199", "2013101", "2013199", "2080501", "2080505", "2101101", "2101103", "2210201"]
ECONOMICS = ["30101", "30102", "30103", "30108", "30113", "30201", "30202", "30211", "30231", "30302", "31002"]
SOURCES = ["一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款", "财政专户管理资金", "事业收入", "其他收入",
           "上年结转结余"]
THREE = ["因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费", "会议费", "培训费"]
FORMATS = ["kezhou-2020", "national-2024", "classic-2016"]
Z = Decimal(0)

amount = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
small = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("50.00"), places=2)


@st.composite
def budgets(draw):
    groups: dict = {}
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
    income = {s: Z for s in SOURCES}
    for g in basic:
        income[g["资金来源"]] += sum(g["经济分类"].values())
    for p in projects:
        income[p["资金来源"]] += p["金额"]
    three = {}
    for name in THREE:
        if draw(st.booleans()):
            b, p = draw(small), draw(small)
            item = {"基本支出": b, "项目支出": p, "资金来源": draw(st.sampled_from(SOURCES[:3]))}
            if name in ("因公出国（境）费", "会议费") and draw(st.booleans()):
                item["其中"] = draw(st.decimals(min_value=Z, max_value=b + p, places=2))
            three[name] = item
    items = [{"项目": draw(st.sampled_from([p["名称"] for p in projects] + ["基本支出"])), "采购物品名称": f"物品{i}",
              "金额": draw(small), "类别": draw(st.sampled_from(["货物", "工程", "服务"])),
              "资金来源": draw(st.sampled_from(SOURCES))} for i in range(draw(st.integers(0, 3)))]
    data = {"部门": "随机局", "部门编码": "999", "年度": 2024, "概况": {"主要职能": "x"}, "收入": income,
            "基本支出": basic, "项目": projects, "三公经费": three, "政府采购": {"明细": items},
            "国有资产": {"截至日期": "2023-12-31", "房屋": {"数量": draw(st.integers(0, 5000)), "价值": draw(small)},
                         "车辆": [{"种类": "一般公务用车", "数量": draw(st.integers(0, 9)), "价值": draw(small)}],
                         "办公家具": {"价值": draw(small)}, "其他资产": {"数量": 3, "价值": draw(small)}}}
    return Department.model_validate(data)


def walk(values: list[tuple[str, Decimal]], where: str) -> None:
    """Parts and totals of one column, in printed order: a total (合计) equals the parts since the
    previous total plus that total; 其中 rows are parts of the row above them, not of the total."""
    running = Z
    for level, value in values:
        if level == "合计":
            assert value == running, (where, values)
            running = value
        elif level in ("", "类"):
            running += value


def check_tree(t, where):
    by_col = defaultdict(list)
    for d in t.data:
        by_col[d.column].append(d)
    for col, data in by_col.items():
        nodes = {d.code: d.value for d in data if d.code}
        total = [d.value for d in data if d.level == "合计"]
        tops = [c for c in nodes if len(c) == min(map(len, nodes))] if nodes else []
        if total:
            assert total[0] == sum((nodes[c] for c in tops), Z), (where, col)
        for code, value in nodes.items():
            kids = [v for c, v in nodes.items() if len(c) == len(code) + 2 and c.startswith(code)]
            if kids:
                assert value == sum(kids, Z), (where, col, code)


def _by_column(t) -> dict:
    """The table's figures by column, in print order: [(level, value), …]."""
    by_col = defaultdict(list)
    for d in t.data:
        by_col[d.column].append((d.level, d.value))
    return by_col


def check_summary(t, where):
    for col, values in _by_column(t).items():
        walk(values, f"{where} {col}")
        # 其中 rows add up to the row they belong to
        for i, (level, value) in enumerate(values):
            if level == "" and i + 1 < len(values) and values[i + 1][0] == "其中":
                kids = []
                for lv, v in values[i + 1:]:
                    if lv != "其中":
                        break
                    kids.append(v)
                assert value == sum(kids, Z), (where, col, i)


def check_list(t, where):
    for col, values in _by_column(t).items():
        records = [v for lv, v in values if lv == ""]
        for lv, v in values:
            if lv == "合计":
                assert v == sum(records, Z), (where, col)


def check_three(t, spec, where):
    """Each printed group equals its printed members; an item equals its 其中 and 其他."""
    label_col = next(i for i, c in enumerate(spec.columns) if c.content == "行标题")
    cols = [c for i, c in enumerate(spec.columns) if i != label_col]
    body = [row[1:] for row in t.body] if spec.seq else t.body  # without the 序号 column
    grid = [[c for j, c in enumerate(row) if j != label_col] for row in body]
    for axis in ("rows", "cols"):
        items = [r.item for r in spec.rows] if axis == "rows" else [c.item for c in cols]
        for i, item in enumerate(items):
            members = THREE_PUBLIC_GROUPS.get(item, ())
            for group_members in ([items.index(m) for m in members if m in items] if all(m in items for m in members) else [],
                                  [items.index(x) for x in (f"{item}.其中", f"{item}.其他") if x in items]):
                if len(group_members) < 2:
                    continue
                if axis == "rows":
                    for j in range(len(cols)):
                        assert grid[i][j].value == sum((grid[k][j].value for k in group_members), Z), (where, item)
                else:
                    for row in grid:
                        assert row[i].value == sum((row[k].value for k in group_members), Z), (where, item)
    # a 合计 column over sources, and rows by spending kind, add up
    sources = [j for j, c in enumerate(cols) if c.source]
    total_col = next((j for j, c in enumerate(cols) if not c.source and not c.item), None)
    if sources and total_col is not None and len(sources) == 3:
        for row in grid:
            assert row[total_col].value == sum((row[j].value for j in sources), Z), where
    kinds = {r.kind: i for i, r in enumerate(spec.rows) if r.kind}
    if {"合计", "基本支出", "项目支出"} <= set(kinds):
        for j in range(len(cols)):
            assert grid[kinds["合计"]][j].value == grid[kinds["基本支出"]][j].value + grid[kinds["项目支出"]][j].value


@pytest.mark.parametrize("format_name", FORMATS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(dept=budgets())
def test_printed_totals_equal_printed_parts(format_name, dept):
    fig = derive(dept, function_catalog(2024), economic_catalog(2024))
    fmt = get_format(format_name)
    doc = build_document(fig, fmt)
    specs = list(fmt.spec.tables) + list(fmt.spec.inline.values())
    kinds = {t.kind for t in specs}
    assert {"科目表", "收支总表", "三公表"} <= kinds
    public = [t for t in doc.tables() if t.toc]
    for t, spec in zip(public, fmt.spec.tables):
        where = f"{format_name} {t.title}"
        if spec.kind == "科目表":
            check_tree(t, where)
        elif spec.kind == "收支总表":
            check_summary(t, where)
        elif spec.kind == "三公表":
            check_three(t, spec, where)
        elif spec.kind == "列表":
            check_list(t, where)
    for t in doc.tables():
        if t.key == "列表":
            check_list(t, f"{format_name} {t.title}")
        if t.key == "表单":
            by = {d.column: d.value for d in t.data}
            if {"金额", "财政资金", "其他资金"} <= set(by):
                assert by["金额"] == by["财政资金"] + by["其他资金"]


@settings(max_examples=40, deadline=None)
@given(budgets())
def test_printed_shares_add_up_to_100(dept):
    fig = derive(dept, function_catalog(2024), economic_catalog(2024))
    shares = [s for _, s in fig.class_shares()]
    if fig.spending_total:
        assert sum(shares) == Decimal("100.00")
        assert sum(s for _, _, s in fig.income_items()) == Decimal("100.00")
    split = fig.basic_split()
    if fig.spending_total:
        assert split["basic"] + split["project"] == Decimal("100.00")
