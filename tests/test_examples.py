"""The two example departments: faithful to their sources, and their sources' contradictions caught.

* Each example checks clean.
* The built PDF (``disclose build``, read with pdfplumber, the way a reader meets it)
  prints the figures of the source document: every figure the source prints and
  does not contradict itself about. The few places where the example must differ
  (the source contradicts itself there) are pinned too, with their reason; they
  are the ones listed at the top of each department YAML.
* The source's own printed figures (tests/fixtures/source_controls.yaml), entered
  as 核对数, make ``disclose check`` report exactly the source's contradictions,
  each by rule id, and nothing else.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from conftest import KEZHOU, ROOT, SHANHAIGUAN
from generator.document.build import build_document
from generator.document.model import Paragraph
from generator.load.yamlsafe import load_yaml_text
from generator.pipeline import check_file

FIXTURE = ROOT / "tests/fixtures/source_controls.yaml"


def _fixture() -> dict:
    data, _, problems = load_yaml_text(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))
    assert not problems, [p.format() for p in problems]
    return data


CONTROLS = _fixture()


@pytest.mark.parametrize("path", [KEZHOU, SHANHAIGUAN], ids=["kezhou", "shanhaiguan"])
def test_example_checks_clean(path):
    checked = check_file(path)
    assert checked.ok, [p.format() for p in checked.errors]


# ------------------------------------------------------------------ the source's contradictions
def with_controls(tmp_path: Path, source: Path, key: str) -> Path:
    """The example with the source's printed figures appended as 核对数."""
    def render(v) -> str:
        return "[" + ", ".join(str(x) for x in v) + "]" if isinstance(v, list) else str(v)
    lines = [f"  {k}: {render(v)}" for k, v in CONTROLS[key]["核对数"].items()]
    text = source.read_text(encoding="utf-8") + "\n核对数:\n" + "\n".join(lines) + "\n"
    target = tmp_path / source.name
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize("path, key", [(KEZHOU, "克州机要保密局-2020"), (SHANHAIGUAN, "山海关区委办公室-2024")],
                         ids=["kezhou", "shanhaiguan"])
def test_every_source_contradiction_is_reported_and_nothing_else(tmp_path, path, key):
    before = {(p.rule, p.field) for p in check_file(path).problems}
    checked = check_file(with_controls(tmp_path, path, key))
    found = sorted((p.rule, p.field) for p in checked.problems if (p.rule, p.field) not in before)
    expected = sorted(tuple(x) for x in CONTROLS[key]["应报告"])
    assert found == expected, [p.format() for p in checked.problems]
    assert all(p.is_error for p in checked.problems if (p.rule, p.field) not in before)


def test_messages_name_what_the_source_got_wrong(tmp_path):
    kezhou = {p.field: p.message for p in check_file(with_controls(tmp_path, KEZHOU, "克州机要保密局-2020")).problems}
    # 表六: items add up to 193.44 where 193.43 is printed
    assert "合计 193.44万元，超过人员经费的核对数 193.43万元" in kezhou["核对数.人员经费"]
    # a percentage divided by this year instead of last year
    assert "除以本年数" in kezhou["核对数.基本支出.增减率"] and "下降13.63%" in kezhou["核对数.基本支出.增减率"]
    assert "207.70万元，预算系统核对数（第 2 个值）为 271.10万元" in kezhou["核对数.功能分类.2013101[2]"]
    (tmp_path / "b").mkdir()
    shanhaiguan = {p.field: p.message for p in
                   check_file(with_controls(tmp_path / "b", SHANHAIGUAN, "山海关区委办公室-2024")).problems}
    assert "（其中 7.00、其他 7.00）合计 14.00万元，超过三公经费.会议费的核对数 7.00万元" in shanhaiguan["核对数.三公经费.会议费"]
    assert "27.85万元，预算系统核对数为 27.86万元" in shanhaiguan["核对数.功能分类.210"]


# ------------------------------------------------------------------ the built PDF prints the source's figures
@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory) -> dict[str, list[str]]:
    """Both examples built by the command line; each PDF's text as lines."""
    out = tmp_path_factory.mktemp("examples")
    disclose = Path(sys.executable).with_name("disclose")
    cmd = [str(disclose)] if disclose.exists() else [sys.executable, "-m", "generator"]
    run = subprocess.run([*cmd, "build", str(KEZHOU), str(SHANHAIGUAN), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    texts = {}
    for pdf in out.rglob("*.pdf"):
        with pdfplumber.open(pdf) as doc:
            texts[pdf.stem] = [line for page in doc.pages for line in (page.extract_text() or "").splitlines()]
    assert sorted(texts) == ["中共秦皇岛市山海关区委办公室2024年部门预算公开", "克州机要保密局2020年部门预算公开"]
    return texts


NUMBER = re.compile(r"^\d+(\.\d+)?$")
FOOTER = re.compile(r"第\d+页共\d+页|—\d+—")


def row(*figures: str) -> tuple[str, tuple[str, ...]]:
    """A table row: its codes and amounts, left to right (a leading 序号 is allowed; names may wrap)."""
    return ("row", figures)


def line(phrase: str) -> tuple[str, str]:
    """Text on one printed line (spaces ignored), such as a labelled table row."""
    return ("line", phrase)


def text(phrase: str) -> tuple[str, str]:
    """Running text (spaces and line breaks ignored)."""
    return ("text", phrase)


def printed(lines: list[str], pin) -> bool:
    kind, what = pin
    if kind == "row":
        for ln in lines:
            numbers = tuple(t for t in ln.split() if NUMBER.match(t))
            if numbers == what or numbers[1:] == what:
                return True
        return False
    if kind == "line":
        return any(what in re.sub(r"\s+", "", ln) for ln in lines)
    body = (ln for ln in lines if not FOOTER.fullmatch(re.sub(r"\s+", "", ln)))  # text runs on across pages
    return what in re.sub(r"\s+", "", "".join(body))


# Source figures the 2020 example reproduces (the source writes 271.1, 28.3; we print two decimals).
KEZHOU_PINS = [
    ("表一/表四 收入与支出", row("271.10", "201", "271.10")),
    ("表三/表五 行政运行", row("201", "31", "01", "207.70", "207.70")),
    ("表三/表五 其他党委办公厅事务", row("201", "31", "99", "63.40", "63.40")),
    ("表三/表五 合计", row("271.10", "207.70", "63.40")),
    ("表六 合计", row("207.70", "193.43", "14.27")),
    *[(f"表六 {c[:3]} {c[3:]}", row(c[:3], c[3:], v, v)) for c, v in [
        ("30101", "57.91"), ("30103", "11.55"), ("30108", "19.54"), ("30112", "10.09"), ("30113", "14.42"),
        ("30201", "0.25"), ("30202", "0.10"), ("30205", "0.10"), ("30206", "0.25"), ("30207", "0.30"),
        ("30211", "0.50"), ("30213", "0.50"), ("30216", "0.60"), ("30217", "1.60"), ("30226", "0.20"),
        ("30228", "0.85"), ("30229", "1.52"), ("30231", "4.10"), ("30242", "3.40"), ("30302", "0.90"),
        ("30309", "0.07")]],
    ("表七 密码业务经费", row("201", "31", "99", "13.50", "13.50")),
    ("表七 网络运行评估维护费", row("201", "31", "99", "14.00", "14.00")),
    ("表七 三项工作运行保障费", row("201", "31", "99", "35.90", "35.90")),
    ("表八 合计", row("9.00", "7.40", "7.40", "1.60")),
    ("表八 基本支出", row("5.70", "4.10", "4.10", "1.60")),
    ("表八 项目支出", row("3.30", "3.30", "3.30")),
    ("概况 人员", text("编制数27人，实有人数16人，其中：在职15人，减少2人；退休1人")),
    ("说明一", text("收支总预算271.10万元")),
    ("说明二 一般公共预算 比上年减少28.3", text("一般公共预算拨款271.10万元，占100.00%，比上年执行数减少28.30万元")),
    ("说明三 基本支出", text("基本支出207.70万元，占76.61%，比上年执行数减少28.30万元")),
    ("说明三 项目支出", text("项目支出63.40万元，占23.39%，比上年执行数减少32.60万元")),
    ("说明四", text("人员经费193.43万元、公用经费14.27万元、项目经费63.40万元")),
    # 五（一）: the reason “减少2人” explains the 28.30 it is attached to
    ("说明五（一）", text("比上年执行数减少28.30万元，下降9.45%。主要原因是：较上年相比，本年减少2人")),
    ("说明五（三） 减少28.3", text("行政运行（项）：2020年预算数为207.70万元，比上年执行数减少28.30万元")),
    ("说明六", text("一般公共预算基本支出207.70万元，其中：人员经费193.43万元，主要包括：基本工资57.91万元")),
    ("说明六 公用经费", text("公用经费14.27万元，主要包括：办公费0.25万元")),
    ("说明七", text("预算安排规模：13.50万元")),
    ("说明八", text("“三公”经费财政拨款预算数为9.00万元")),
    ("说明八 各项", text("公务用车运行维护费7.40万元，公务接待费1.60万元")),
    ("说明八 比上年", text("比上年增加4.80万元")),
    ("说明八 运行费", text("公务用车运行维护费比上年增加4.20万元")),
    ("说明八 接待费", text("公务接待费比上年增加0.60万元")),
    ("说明十（一）", text("机关运行经费财政拨款预算14.27万元，比上年执行数减少1.31万元")),
    ("说明十（二）", text("政府采购预算39.66万元，其中：政府采购货物预算32.26万元，政府采购工程预算0.00万元，政府采购服务预算7.40万元")),
    ("说明十（三） 车辆", text("车辆3辆，价值146.50万元；其中：一般公务用车3辆，价值146.50万元")),
    ("说明十（三） 家具与其他", text("办公家具价值6.91万元。4.其他资产价值468.31万元")),
    ("说明十（三） 设备", text("单位价值50万元以上大型设备2台（套），单位价值100万元以上大型设备0台（套）")),
    ("说明十（四）", text("实行绩效管理的项目3个，涉及预算金额63.40万元")),
]
# Where the source contradicts itself the example must pick one side (see the YAML's header).
KEZHOU_DEPARTURES = [
    ("表六 30102 78.95（原文 78.96）：人员经费 193.43 比各款之和少的 0.01", row("301", "02", "78.95", "78.95")),
    ("表二 行政运行 207.70（原文表二 271.1，表三/表五 207.7）", row("201", "31", "01", "207.70", "207.70")),
    ("五（三） 下降11.99%（原文 10.44% 以本年数作分母）", text("减少28.30万元，下降11.99%")),
    ("十（一） 下降8.41%（原文 9.18% 以本年数作分母）", text("减少1.31万元，下降8.41%")),
]
KEZHOU_NEVER = ["271.11", "207.71", "193.44", "28.29", "60.89"]  # the earlier transcription's figures

SHANHAIGUAN_PINS = [
    ("收支总表 第1行", line("一、一般公共预算拨款收入717.53一、一般公共服务支出595.91")),
    ("收支总表 社会保障和就业", line("八、社会保障和就业支出57.83")),
    ("收支总表 住房保障", line("二十、住房保障支出35.94")),
    ("收支总表 合计", line("本年收入合计717.53本年支出合计717.53")),
    ("收支总表 总计", line("收入总计717.53支出总计717.53")),
    ("收入总表 合计", row("717.53", "717.53", "717.53")),
    *[(f"收入总表 {c}", row(c, v, v, v)) for c, v in [
        ("201", "595.91"), ("20131", "595.91"), ("2013101", "374.51"), ("2013199", "221.40"), ("208", "57.83"),
        ("20805", "57.83"), ("2080501", "11.20"), ("2080505", "46.63"), ("2101101", "20.67"), ("2101103", "7.18"),
        ("221", "35.94"), ("22102", "35.94"), ("2210201", "35.94")]],
    ("支出总表/一般公共预算支出表 合计", row("717.53", "496.13", "221.40")),
    *[(f"支出总表 {c}", row(c, *v)) for c, v in [
        ("201", ("595.91", "374.51", "221.40")), ("20131", ("595.91", "374.51", "221.40")),
        ("2013101", ("374.51", "374.51")), ("2013199", ("221.40", "221.40")), ("208", ("57.83", "57.83")),
        ("20805", ("57.83", "57.83")), ("2080501", ("11.20", "11.20")), ("2080505", ("46.63", "46.63")),
        ("2101101", ("20.67", "20.67")), ("2101103", ("7.18", "7.18")), ("221", ("35.94", "35.94")),
        ("22102", ("35.94", "35.94")), ("2210201", ("35.94", "35.94"))]],
    ("财政拨款收支总表 第1行", line("一、一般公共预算拨款717.53一、一般公共服务支出595.91595.91")),
    ("财政拨款收支总表 合计", line("本年收入合计717.53本年支出合计717.53717.53")),
    ("基本支出表 301", row("301", "436.90", "436.90")),
    ("基本支出表 302", row("302", "48.73", "48.73")),
    ("基本支出表 303", row("303", "10.50", "10.50")),
    *[(f"基本支出表 {c}", row(c, v, v)) for c, v in [
        ("30102", "112.14"), ("30103", "25.76"), ("30107", "45.71"), ("30108", "46.63"), ("30110", "20.67"),
        ("30111", "7.18"), ("30112", "2.03"), ("30113", "35.94"), ("30201", "5.89"), ("30202", "1.00"),
        ("30207", "4.00"), ("30211", "2.00"), ("30213", "0.15"), ("30216", "1.87"), ("30217", "0.32"),
        ("30228", "5.50"), ("30229", "3.52"), ("30231", "4.20"), ("30239", "16.44"), ("30299", "3.84"),
        ("30302", "9.79"), ("30309", "0.06"), ("30399", "0.65")]],
    ("三公表 合计", line("合计68.5968.59")),
    ("三公表 小计", line("“三公”经费小计56.3256.32")),
    ("三公表 公务用车", line("二、公务用车购置及运维费34.0034.00")),
    ("三公表 运行维护费", line("公务用车运行维护费34.0034.00")),
    ("三公表 接待费", line("三、公务接待费22.3222.32")),
    ("三公表 会议费", line("四、会议费7.007.00")),
    ("三公表 其他会议费", line("其他会议费7.007.00")),
    ("三公表 培训费", line("五、培训费5.275.27")),
    ("说明二 1", text("2024年预算收入717.53万元，其中：一般公共预算收入717.53万元")),
    ("说明二 2", text("2024年支出预算717.53万元，其中基本支出496.13万元")),
    ("说明二 2 公用经费与项目", text("日常公用经费48.73万元；项目支出221.40万元")),
    ("说明二 3 比上年", text("2024年预算收支安排717.53万元，较2023年预算减少5.13万元，其中：基本支出减少21.97万元")),
    ("说明二 3 项目支出", text("项目支出增加16.84万元")),
    ("说明三", text("机关运行经费共计安排48.73万元")),
    ("说明四", text("“三公”经费预算安排56.32万元，较上年减少0.05万元")),
    ("说明四 运行维护费", text("公务用车运行维护费34.00万元，与上年持平")),
    ("说明四 接待费", text("公务接待费22.32万元，较上年减少0.05万元")),
    ("说明九", text("上年末固定资产金额为507.09万元")),
    ("说明九 拟购置", text("拟购置固定资产总额为54.00万元")),
    ("固定资产表 合计", line("资产总额3640507.09")),
    ("固定资产表 房屋", line("1、房屋（平方米）300044.15")),
    ("固定资产表 车辆", line("2、车辆（台、辆）9172.87")),
    ("固定资产表 设备", line("单价在20万元以上的设备138.84")),
    ("固定资产表 其他", line("4、其他固定资产630251.23")),
]
SHANHAIGUAN_DEPARTURES = [
    ("基本支出表 30101 140.84（原文 140.83）：301 各款之和比原文小计 436.90 少的 0.01", row("30101", "140.84", "140.84")),
    ("基本支出表 合计 人员经费 447.40（原文 447.41 ≠ 436.90 + 10.50）", row("496.13", "447.40", "48.73")),
    ("210 卫生健康支出 27.85（原文 27.86 ≠ 20.67 + 7.18）", row("210", "27.85", "27.85", "27.85")),
    ("三公表 其中：省属高校业务性会议费 空白（原文 7.00，与其他会议费 7.00 合计超过会议费）",
     line("其中：省属高校业务性会议费")),
]
SHANHAIGUAN_NEVER = ["717.52", "496.12", "375.20", "596.60", "57.13", "447.39", "436.89", "5.14", "21.98"]


@pytest.mark.parametrize("stem, pins, departures, never", [
    ("克州机要保密局2020年部门预算公开", KEZHOU_PINS, KEZHOU_DEPARTURES, KEZHOU_NEVER),
    ("中共秦皇岛市山海关区委办公室2024年部门预算公开", SHANHAIGUAN_PINS, SHANHAIGUAN_DEPARTURES, SHANHAIGUAN_NEVER),
], ids=["kezhou", "shanhaiguan"])
def test_pdf_prints_the_sources_figures(pdf_text, stem, pins, departures, never):
    lines = pdf_text[stem]
    missing = [what for what, pin in pins + departures if not printed(lines, pin)]
    assert not missing, missing
    tokens = {t for ln in lines for t in re.findall(r"\d+\.\d+", ln)}
    assert not tokens & set(never), sorted(tokens & set(never))


def test_shanhaiguan_of_which_row_is_blank_not_seven(pdf_text):
    lines = pdf_text["中共秦皇岛市山海关区委办公室2024年部门预算公开"]
    row_ = next(ln for ln in lines if "省属高校业务性会议费" in ln)
    assert not re.search(r"\d", row_.split("会议费", 1)[1]), row_


# ------------------------------------------------------------------ derived figures
def test_kezhou_prose_uses_last_year_as_base():
    checked = check_file(KEZHOU)
    doc = build_document(checked.fig, checked.fmt)
    prose = "\n".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
    assert "下降11.99%" in prose and "13.63%" not in prose  # 基本支出: 28.30 / 236.0
    assert "下降8.41%" in prose and "9.18%" not in prose  # 机关运行经费: 1.31 / 15.58
    # one project, one name: the table's name, and never the prose's variant alone
    assert "密码业务经费" in prose and "项目名称：业务经费" not in prose
    # 一般公共预算 income, 基本支出, 当年拨款 and 行政运行 all fall by the source's 28.3; 项目支出 by 32.6
    assert prose.count("减少28.30万元") == 4 and prose.count("减少32.60万元") == 1


def test_derived_totals_are_sums_of_printed_parts():
    for path in (KEZHOU, SHANHAIGUAN):
        fig = check_file(path).fig
        classes = [n for n in fig.functions() if len(n.code) == 3]
        assert sum(n.get("total") for n in classes) == fig.spending_total == fig.income_total
        assert fig.personnel() + fig.public() == fig.basic_total
        for n in fig.functions():
            kids = [k for k in fig.functions() if len(k.code) == len(n.code) + 2 and k.code.startswith(n.code)]
            if kids:
                assert sum(k.get("total") for k in kids) == n.get("total")
