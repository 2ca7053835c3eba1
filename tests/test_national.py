"""The national-2024 format: tables, sections, derived figures, required fields, and a
format changed only by editing its folder's manifest (tables reordered, renamed, removed)."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import KEZHOU, ROOT, SHANHAIGUAN
from generator.cli import main
from generator.document.build import build_document
from generator.document.model import Cell, Heading, Table, Toc
from generator.model import FISCAL_SOURCES
from generator.pipeline import check_file

NATIONAL = ROOT / "templates" / "national-2024"

TABLE_TITLES = [
    "部门预算收支总表",
    "部门预算收入总表",
    "部门预算支出总表",
    "部门预算财政拨款收支总表",
    "部门预算一般公共预算财政拨款支出表",
    "部门预算一般公共预算财政拨款基本支出表",
    "部门预算政府性基金预算财政拨款支出表",
    "部门预算国有资本经营预算财政拨款支出表",
    "部门预算财政拨款“三公”经费支出表",
]
SECTIONS = [
    "一、部门职责及机构设置情况",
    "二、部门预算安排的总体情况",
    "三、机关运行经费安排情况",
    "四、财政拨款“三公”经费预算情况及增减变化原因",
    "五、部门整体绩效目标",
    "六、部门主管专项资金预算安排情况及绩效目标",
    "七、部门项目预算安排情况及绩效目标",
    "八、政府采购预算情况",
    "九、国有资产信息",
    "十、名词解释",
    "十一、其他需要说明的事项",
]
Z = Decimal(0)


@pytest.fixture(scope="module")
def built():
    checked = check_file(SHANHAIGUAN)
    assert checked.ok, [p.format() for p in checked.errors]
    assert checked.fmt is not None and checked.fmt.name == "national-2024"
    return checked.fig, build_document(checked.fig, checked.fmt)


def public_tables(doc) -> dict[str, Table]:
    return {t.title: t for t in doc.tables() if t.toc}


def v(cell: Cell) -> Decimal:
    return cell.value if cell.value is not None else Z


def code_rows(t: Table) -> list[tuple[str, list[Decimal]]]:
    """(科目编码, amounts) for every body row with a code (序号 | 编码 | 名称 | amounts…)."""
    return [(r[1].text, [v(c) for c in r[3:]]) for r in t.body if r[1].text]


def total_row(t: Table) -> list[Decimal]:
    first = t.body[0]
    assert first[2].text == "合计"
    return [v(c) for c in first[3:]]


def assert_rolled_up(t: Table, levels: tuple[int, ...]) -> None:
    rows = code_rows(t)
    assert rows
    for parent_len, child_len in zip(levels, levels[1:]):
        for code, amounts in rows:
            if len(code) != parent_len:
                continue
            children = [a for c, a in rows if len(c) == child_len and c.startswith(code)]
            assert children, code
            sums = [sum((a[i] for a in children), Z) for i in range(len(amounts))]
            assert amounts == sums, f"{t.title} {code}"
    classes = [a for c, a in rows if len(c) == levels[0]]
    assert total_row(t) == [sum((a[i] for a in classes), Z) for i in range(len(classes[0]))]


# ------------------------------------------------------------------ structure
def test_nine_tables_in_order_with_their_titles(built):
    _, doc = built
    tables = [t for t in doc.tables() if t.toc]
    assert [t.title for t in tables] == TABLE_TITLES
    for t in tables:
        assert t.caption_left == "201 中共秦皇岛市山海关区委办公室"
        assert t.caption_lines == ["预算年度：2024"]
        assert t.caption_right == "单位：万元"
        assert t.header[0][0].text == "序号"
        last = t.header[-1]
        assert last[0].text == "栏次"
        assert [c.text for c in last[1:]] == [str(i) for i in range(1, t.ncols)]
        for i, row in enumerate(t.body, 1):
            assert row[0].text == str(i)


def test_eleven_sections_and_two_toc_groups(built):
    _, doc = built
    assert [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 2] == SECTIONS
    toc = doc.toc()
    assert isinstance(toc, Toc)
    groups = [e.text for e in toc.entries if e.level == 1]
    assert groups == ["部门预算公开表", "部门预算信息公开情况说明"]
    texts = [e.text for e in toc.entries]
    i, j = texts.index("部门预算公开表"), texts.index("部门预算信息公开情况说明")
    assert texts[i + 1:j] == TABLE_TITLES
    assert texts[j + 1:] == SECTIONS


def test_empty_fund_tables_have_their_notes(built):
    _, doc = built
    t = public_tables(doc)
    gf, soe = t["部门预算政府性基金预算财政拨款支出表"], t["部门预算国有资本经营预算财政拨款支出表"]
    assert gf.empty and not gf.body and gf.notes == ["注：无政府基金预算财政拨款预算，空表列示。"]
    assert soe.empty and not soe.body and soe.notes == ["注：无国有资本经营预算财政拨款预算，空表列示。"]


# ------------------------------------------------------------------ figures
def test_income_table_total_is_the_models_income(built):
    fig, doc = built
    t = public_tables(doc)["部门预算收入总表"]
    totals = total_row(t)
    assert totals[0] == fig.income_total == Decimal("717.53")
    assert totals[1] == fig.income_total - fig.income["上年结转结余"]
    assert_rolled_up(t, (3, 5, 7))


@pytest.mark.parametrize("title", ["部门预算支出总表", "部门预算一般公共预算财政拨款支出表"])
def test_function_tables_roll_up(built, title):
    fig, doc = built
    t = public_tables(doc)[title]
    assert_rolled_up(t, (3, 5, 7))
    total, basic, project = total_row(t)[:3]
    assert (total, basic, project) == (fig.spending_total, fig.basic_total, fig.project_total)
    assert t.body[1][1].text == "201"  # 合计 first, then the first 类


def test_basic_table_is_personnel_plus_public(built):
    fig, doc = built
    t = public_tables(doc)["部门预算一般公共预算财政拨款基本支出表"]
    total, personnel, public = total_row(t)
    gpb = ("一般公共预算拨款",)
    assert total == personnel + public == fig.spending("basic", gpb)
    assert (personnel, public) == (fig.personnel(gpb), fig.public(gpb)) == (Decimal("447.40"), Decimal("48.73"))
    codes = [c for c, _ in code_rows(t)]
    # 类 rows above their 款 rows
    assert codes.index("301") < codes.index("30101") < codes.index("302") < codes.index("30201") < codes.index("303")
    assert_rolled_up(t, (3, 5))


def summary_rows(t: Table) -> dict[str, list[Cell]]:
    return {r[1].text: r for r in t.body if r[1].text} | {r[3].text: r for r in t.body if r[3].text}


def test_summary_lists_every_class_and_totals_its_rows(built):
    fig, doc = built
    t = public_tables(doc)["部门预算收支总表"]
    classes = sorted(c for c in fig.fcat if len(c) == 3)
    right = [r[3].text for r in t.body][:len(classes)]
    assert right[0] == "一、一般公共服务支出" and right[7] == "八、社会保障和就业支出"
    assert len(right) == len(classes)
    rows = summary_rows(t)
    spent = sum((v(r[4]) for r in t.body[:len(classes)]), Z)
    received = sum((v(r[2]) for r in t.body[:5]), Z)
    assert v(rows["本年支出合计"][4]) == spent == fig.spending_total
    assert v(rows["本年收入合计"][2]) == received == fig.income_total
    assert v(rows["收入总计"][2]) == v(rows["支出总计"][4]) == fig.income_total


def test_fiscal_summary_has_carry_over_rows(built):
    fig, doc = built
    t = public_tables(doc)["部门预算财政拨款收支总表"]
    left = [r[1].text for r in t.body]
    i = left.index("年初财政拨款结转和结余")
    assert left[i + 1:i + 4] == ["一、一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款"]
    rows = summary_rows(t)
    this_year = rows["本年支出合计"]
    assert v(this_year[4]) == sum((v(this_year[k]) for k in (5, 6, 7)), Z) == fig.spending(sources=FISCAL_SOURCES)
    assert v(rows["收入总计"][2]) == v(rows["支出总计"][4])


def three_public_rows(t: Table) -> dict[str, list[Decimal]]:
    return {r[1].text: [v(c) for c in r[2:]] for r in t.body}


def test_three_public_table(built):
    fig, doc = built
    rows = three_public_rows(public_tables(doc)["部门预算财政拨款“三公”经费支出表"])
    assert list(rows) == ["合计", "“三公”经费小计", "一、因公出国（境）费", "其中：教学科研人员因公出国（境）费",
                          "其他因公出国（境）费", "二、公务用车购置及运维费", "其中：公务用车购置费", "公务用车运行维护费",
                          "三、公务接待费", "四、会议费", "其中：省属高校业务性会议费", "其他会议费", "五、培训费"]
    assert rows["“三公”经费小计"][0] == fig.three_public_total() == Decimal("56.32")
    assert rows["合计"][0] == Decimal("68.59")
    for r in rows.values():
        assert r[0] == sum(r[1:], Z)


def test_three_public_other_rows_are_item_less_of_which(tmp_path):
    text = SHANHAIGUAN.read_text(encoding="utf-8")
    text = text.replace("  因公出国（境）费:\n    上年: 0", "  因公出国（境）费:\n    项目支出: 5.00\n    其中: 2.00\n    上年: 0")
    text = re.sub(r"(\n  会议费:\n    项目支出: 7.00\n(?:    #.*\n)*)    其中: 0", r"\1    其中: 3.00", text)
    p = tmp_path / "dept.yaml"
    p.write_text(text, encoding="utf-8")
    checked = check_file(p)
    assert checked.fig is not None and checked.fmt is not None
    items = checked.fig.three_public_items()
    assert items["因公出国（境）费"].of_which == Decimal("2.00") and items["会议费"].of_which == Decimal("3.00")
    doc = build_document(checked.fig, checked.fmt)
    rows = three_public_rows(public_tables(doc)["部门预算财政拨款“三公”经费支出表"])
    assert rows["一、因公出国（境）费"][0] == Decimal("5.00")
    assert rows["其中：教学科研人员因公出国（境）费"][0] == Decimal("2.00")
    assert rows["其他因公出国（境）费"][0] == Decimal("3.00")
    assert rows["其中：省属高校业务性会议费"][0] == Decimal("3.00")
    assert rows["其他会议费"][0] == Decimal("4.00")
    assert rows["“三公”经费小计"][0] == Decimal("61.32")


# ------------------------------------------------------------------ prose
def test_prose_sections(built):
    fig, doc = built
    text = "\n".join(b.text for b in doc.blocks if hasattr(b, "text") and not isinstance(b, Table))
    assert "（十五）完成区委交办的其他工作任务。" in text
    assert "其中基本支出496.13万元，包括人员经费447.40万元和日常公用经费48.73万元" in text
    for p in fig.dept.projects:  # every project with its amount
        assert f"{p.name}安排{p.amount:.2f}万元" in text
    assert "较2023年预算减少5.13万元，其中：基本支出减少21.97万元，主要为公务员医疗补助缴费减少。" in text
    assert "公务接待费22.32万元，较上年减少0.05万元" in text
    assert "公务用车运行维护费34.00万元，与上年持平，无增减变化" in text
    assert "上年末固定资产金额为507.09万元" in text
    assert "10、机关运行经费：" in text
    inline = {t.title: t for t in doc.tables() if not t.toc}
    assets = inline["部门固定资产占用情况表"]
    values = [v(r[2]) for r in assets.body]
    assert values[0] == sum(values[1:], Z) == Decimal("507.09")
    assert assets.body[0][1].text == "3640"
    assert inline["部门政府采购预算"].notes[-1] == "注：无政府采购预算，空表列示。"
    perf = [t for t in doc.tables() if t.key == "表单"]
    assert len(perf) == len(fig.dept.projects)
    first = perf[0]
    assert first.title == "1、车辆保险费绩效目标表"
    # every row before the indicators repeats on a page the table continues onto
    assert len(first.header) == 7
    assert first.header[0][1].text == "13030324P00397010048U"
    assert [c.text for c in first.header[4]] == ["1.00", "1.50", "2.00", "2.80"]
    header = [c.text for c in first.header[6]]
    assert header == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    assert first.body[0][0].text == "产出指标" and first.body[0][0].rowspan == 4


# ------------------------------------------------------------------ required fields
def test_2020_department_lacks_what_national_needs():
    checked = check_file(KEZHOU, "national-2024")
    missing = [p for p in checked.problems if p.rule == "format.missing-field"]
    lines = KEZHOU.read_text(encoding="utf-8").splitlines()
    start = lines.index("项目:")
    project_lines = [i + 1 for i, line in enumerate(lines) if i > start and line.startswith("  - 名称:")][:3]
    for field in ("项目编码", "资金支出计划"):
        hits = [p for p in missing if f"的“{field}”" in p.message]
        assert sorted(p.location.line for p in hits) == project_lines, field
        assert all("项目“" in p.message for p in hits)
    fields = {re.sub(r"项目“[^”]*”的“(.*)”", r"项目[].\1", re.search(r"需要(.*)，用于", p.message).group(1)).strip("“”")
              for p in missing}
    # exactly what the 2020 file lacks (it has 绩效目标, 国有资产 and the 上年 figures)
    assert fields == {"部门编码", "部门整体绩效目标", "概况.机构设置", "项目[].项目编码", "项目[].资金用途",
                      "项目[].资金支出计划"}


def test_check_all_departments_is_clean():
    r = CliRunner().invoke(main, ["check", str(ROOT / "departments")], catch_exceptions=False)
    assert r.exit_code == 0, r.output


# ------------------------------------------------------------------ a format is a folder
@pytest.fixture
def reordered(tmp_path) -> Path:
    """national-2024 copied and changed by editing its manifest only: two tables numbered,
    reordered and renamed, one removed, an 空表说明 reworded. No Python involved."""
    import yaml

    base = tmp_path / "formats"
    shutil.copytree(NATIONAL, base / "reordered")
    manifest = base / "reordered" / "manifest.yaml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["名称"] = "reordered"
    tables = data["公开表"]
    summary, three = tables[0], tables[-1]
    summary.update({"编号": "表二", "标题": "部门收支预算总表（重排后改名）"})
    three["编号"] = "表一"
    rest = [t for t in tables[1:-1] if "国有资本" not in t["标题"]]
    for t in rest:
        if "政府性基金" in t["标题"]:
            t["空表说明"] = "注：无政府性基金预算，空表列示。"
    data["公开表"] = [three, summary, *rest]
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return base


def test_third_format_from_a_folder_only(reordered):
    checked = check_file(SHANHAIGUAN, "reordered", templates=reordered)
    assert checked.ok and checked.fmt is not None and checked.fmt.name == "reordered"
    doc = build_document(checked.fig, checked.fmt)
    tables = [t for t in doc.tables() if t.toc]
    assert [t.title for t in tables] == ["部门预算财政拨款“三公”经费支出表", "部门收支预算总表（重排后改名）",
                                         *[t for t in TABLE_TITLES[1:-1] if "国有资本" not in t]]
    assert [t.number for t in tables[:2]] == ["表一", "表二"]
    gf = next(t for t in tables if "政府性基金" in t.title)
    assert gf.notes == ["注：无政府性基金预算，空表列示。"]
    assert len([t for t in doc.tables() if t.key == "表单"]) == len(checked.fig.dept.projects)


def test_third_format_builds_files(reordered, tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(SHANHAIGUAN), "--format", "reordered", "--templates", str(reordered),
                                  "-o", str(out), "-j", "1"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    pdfs = list(out.rglob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    assert len(list(out.rglob("*.docx"))) == 1
