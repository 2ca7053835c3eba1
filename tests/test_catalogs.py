"""Catalogs of 政府收支分类科目: editions, hierarchy, the two real disclosures, overrides."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from generator import catalogs
from generator.catalogs import BUILTIN, economic_catalog, editions, function_catalog
from generator.errors import UserError

CJK = re.compile(r"[\u4e00-\u9fff]")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


# -- editions ----------------------------------------------------------------------


def test_shipped_editions():
    assert editions("function") == (2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026)
    assert editions("economic") == (2018,)  # no change to the 部门预算 economic catalog established since


@pytest.mark.parametrize("year, edition", [(2010, 2018), (2018, 2018), (2019, 2019), (2020, 2020),
                                           (2021, 2021), (2022, 2022), (2023, 2023), (2024, 2024),
                                           (2025, 2025), (2026, 2026), (2027, 2026), (2099, 2026)])
def test_function_edition_is_latest_not_after_year(year, edition):
    assert function_catalog(year).edition == edition


@pytest.mark.parametrize("year", [2000, 2018, 2020, 2022, 2024, 2026])
def test_economic_edition(year):
    assert economic_catalog(year).edition == 2018


def test_2018_names_are_before_the_2019_reform():
    old = function_catalog(2018)
    assert old.name("207") == "文化体育与传媒支出"
    assert old.name("210") == "医疗卫生与计划生育支出"
    assert old.name("220") == "国土海洋气象等支出"
    assert old.name("215") == "资源勘探信息等支出"
    assert "224" not in old  # not sure it existed in 2018: left out
    assert "234" not in old


def test_2020_names_are_after_the_2019_reform():
    new = function_catalog(2020)
    assert new.name("207") == "文化旅游体育与传媒支出"
    assert new.name("210") == "卫生健康支出"
    assert new.name("220") == "自然资源海洋气象等支出"
    assert new.name("224") == "灾害防治及应急管理支出"
    assert new.name("215") == "资源勘探工业信息等支出"
    assert "234" not in new  # set up mid-2020, after 2020 budgets were compiled


def test_234_from_2021():
    assert function_catalog(2021).name("234") == "抗疫特别国债安排的支出"
    assert function_catalog(2024).name("234") == "抗疫特别国债安排的支出"


def test_titles_and_sources():
    f = function_catalog(2019)
    assert f.kind == "function"
    assert f.title == "政府收支分类科目·支出功能分类"
    assert f.source == "财政部《2019年政府收支分类科目》"
    e = economic_catalog(2020)
    assert e.kind == "economic"
    assert e.title == "部门预算支出经济分类科目"
    assert "财政部" in e.source


# -- hierarchy ---------------------------------------------------------------------


def test_function_levels_and_parents():
    c = function_catalog(2024)
    assert c.level("201") == "类"
    assert c.level("20131") == "款"
    assert c.level("2013101") == "项"
    assert c.parent("2013101") == "20131"
    assert c.parent("20131") == "201"
    assert c.parent("201") is None
    assert c.parent(2013101) == "20131"  # ints are accepted
    for bad in ("20", "2013", "201310", "20131011", "2O131", "", "２０１"):
        with pytest.raises(ValueError):
            c.level(bad)
    with pytest.raises(ValueError):
        c.parent("2013")


def test_economic_levels_and_parents():
    c = economic_catalog(2024)
    assert c.level("301") == "类"
    assert c.level("30101") == "款"
    assert c.parent("30101") == "301"
    assert c.parent("301") is None
    with pytest.raises(ValueError):
        c.level("3010101")  # economic codes have no 项
    with pytest.raises(ValueError):
        c.level("3010")


def test_children():
    c = function_catalog(2024)
    assert c.children("20131") == ["2013101", "2013102", "2013103", "2013150", "2013199"]
    assert "20131" in c.children("201")


# Codes whose parent is deliberately missing from an edition (see the YAML headers).
KNOWN_GAPS = {("function", 2020): {"20805"}}


@pytest.mark.parametrize("kind, year", [("function", y) for y in editions("function")]
                         + [("economic", y) for y in editions("economic")])
def test_builtin_data_is_consistent(kind, year):
    c = function_catalog(year) if kind == "function" else economic_catalog(year)
    assert len(c) > 100
    for code in c:
        c.level(code)  # right length, digits only
        name = c.name(code)
        assert name and name == name.strip()
        assert "(" not in name and ")" not in name, f"{code} {name}: official names use full-width parentheses"
        assert c.origin(code) == BUILTIN
        parent = c.parent(code)
        if parent is not None and parent not in c:
            assert parent in KNOWN_GAPS.get((kind, year), set()), f"{code}: parent {parent} missing"


def test_every_function_class():
    expected = {
        "201": "一般公共服务支出", "202": "外交支出", "203": "国防支出", "204": "公共安全支出",
        "205": "教育支出", "206": "科学技术支出", "207": "文化旅游体育与传媒支出", "208": "社会保障和就业支出",
        "209": "社会保险基金支出", "210": "卫生健康支出", "211": "节能环保支出", "212": "城乡社区支出",
        "213": "农林水支出", "214": "交通运输支出", "215": "资源勘探工业信息等支出", "216": "商业服务业等支出",
        "217": "金融支出", "219": "援助其他地区支出", "220": "自然资源海洋气象等支出", "221": "住房保障支出",
        "222": "粮油物资储备支出", "223": "国有资本经营预算支出", "224": "灾害防治及应急管理支出",
        "227": "预备费", "229": "其他支出", "230": "转移性支出", "231": "债务还本支出", "232": "债务付息支出",
        "233": "债务发行费用支出", "234": "抗疫特别国债安排的支出",
    }
    c = function_catalog(2024)
    assert {code: c.name(code) for code in c if len(code) == 3} == expected


def test_every_economic_class():
    expected = {
        "301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "307": "债务利息及费用支出",
        "309": "资本性支出（基本建设）", "310": "资本性支出", "311": "对企业补助（基本建设）", "312": "对企业补助",
        "313": "对社会保障基金补助", "399": "其他支出",
    }
    c = economic_catalog(2024)
    assert {code: c.name(code) for code in c if len(code) == 3} == expected


# -- the two real disclosures in ../shared/examples --------------------------------

# 克州机要保密局 2020 年部门预算 (kezhou-jiyao-baomi-2020.txt).
KEZHOU_FUNCTION = {
    "201": "一般公共服务支出",
    "20131": "党委办公厅（室）及相关机构事务",
    "2013101": "行政运行",
    "2013199": "其他党委办公厅（室）及相关机构事务支出",
}
# Classes listed (by code and name) in its 收支总表 and 财政拨款收支总表.
KEZHOU_FUNCTION_CLASSES = {
    "201": "一般公共服务支出", "202": "外交支出", "203": "国防支出", "204": "公共安全支出", "205": "教育支出",
    "206": "科学技术支出", "207": "文化旅游体育与传媒支出", "208": "社会保障和就业支出", "209": "社会保险基金支出",
    "210": "卫生健康支出", "211": "节能环保支出", "212": "城乡社区支出", "213": "农林水支出", "214": "交通运输支出",
    "215": "资源勘探工业信息等支出", "216": "商业服务业等支出", "217": "金融支出", "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出", "221": "住房保障支出", "222": "粮油物资储备支出", "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出", "227": "预备费", "229": "其他支出", "230": "转移性支出", "231": "债务还本支出",
    "232": "债务付息支出", "233": "债务发行费用支出",
}
KEZHOU_ECONOMIC = {
    "301": "工资福利支出", "30101": "基本工资", "30102": "津贴补贴", "30103": "奖金",
    "30108": "机关事业单位基本养老保险缴费", "30112": "其他社会保障缴费", "30113": "住房公积金",
    "302": "商品和服务支出", "30201": "办公费", "30202": "印刷费", "30205": "水费", "30206": "电费",
    "30207": "邮电费", "30211": "差旅费", "30213": "维修（护）费",  # printed as 维修(护)费
    "30216": "培训费", "30217": "公务接待费", "30226": "劳务费", "30228": "工会经费", "30229": "福利费",
    "30231": "公务用车运行维护费",
    "303": "对个人和家庭的补助", "30302": "退休费", "30309": "奖励金",
    # 表七 column heads
    "307": "债务利息及费用支出", "309": "资本性支出（基本建设）", "310": "资本性支出",
    "311": "对企业补助（基本建设）", "312": "对企业补助", "313": "对社会保障基金补助", "399": "其他支出",
}
# 30242 “办公用品及设备采购” is a local (新疆) code, not 财政部's: it comes from an override.
KEZHOU_LOCAL = {"30242": "办公用品及设备采购"}

# 山海关区委部门 2024 年部门预算 (shanhaiguan-quwei-2024.md).
SHANHAIGUAN_FUNCTION = {
    "201": "一般公共服务支出",
    "20131": "党委办公厅（室）及相关机构事务",
    "2013101": "行政运行",
    "2013199": "其他党委办公厅（室）及相关机构事务支出",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080501": "行政单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "2101103": "公务员医疗补助",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
}
# Classes named in its 收支总表 (“三十一、人行科目” is a row label of the form, not a code).
SHANHAIGUAN_FUNCTION_CLASS_NAMES = [
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
    "社会保障和就业支出", "社会保险基金支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出",
    "交通运输支出", "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出",
    "自然资源海洋气象等支出", "住房保障支出", "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出",
    "预备费", "其他支出", "转移性支出", "债务还本支出", "债务付息支出", "债务发行费用支出", "抗疫特别国债安排的支出",
]
SHANHAIGUAN_ECONOMIC = {
    "301": "工资福利支出", "30101": "基本工资", "30102": "津贴补贴", "30103": "奖金", "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费", "30110": "职工基本医疗保险缴费", "30111": "公务员医疗补助缴费",
    "30112": "其他社会保障缴费", "30113": "住房公积金",
    "302": "商品和服务支出", "30201": "办公费", "30202": "印刷费", "30207": "邮电费", "30211": "差旅费",
    "30213": "维修（护）费",  # printed as 维修(护)费
    "30216": "培训费", "30217": "公务接待费", "30228": "工会经费", "30229": "福利费",
    "30231": "公务用车运行维护费", "30239": "其他交通费用", "30299": "其他商品和服务支出",
    "303": "对个人和家庭的补助", "30302": "退休费", "30309": "奖励金", "30399": "其他对个人和家庭的补助",
}


@pytest.mark.parametrize("codes", [KEZHOU_FUNCTION, KEZHOU_FUNCTION_CLASSES])
def test_kezhou_2020_function_codes(codes):
    c = function_catalog(2020)
    for code, name in codes.items():
        assert c.name(code) == name, code


def test_kezhou_2020_economic_codes():
    c = economic_catalog(2020)
    for code, name in KEZHOU_ECONOMIC.items():
        assert c.name(code) == name, code


def test_kezhou_local_code_comes_from_an_override(tmp_path):
    assert "30242" not in economic_catalog(2020)
    path = write(tmp_path, "xinjiang.yaml", """
        部门预算支出经济分类:
          30242: 办公用品及设备采购
    """)
    c = economic_catalog(2020, (path,))
    for code, name in KEZHOU_LOCAL.items():
        assert c.name(code) == name
        assert c.origin(code) == path
    for code in KEZHOU_ECONOMIC:
        assert code in c


def test_shanhaiguan_2024_function_codes():
    c = function_catalog(2024)
    for code, name in SHANHAIGUAN_FUNCTION.items():
        assert c.name(code) == name, code
    classes = [c.name(code) for code in c if len(code) == 3]
    assert classes == SHANHAIGUAN_FUNCTION_CLASS_NAMES


def test_shanhaiguan_2024_economic_codes():
    c = economic_catalog(2024)
    for code, name in SHANHAIGUAN_ECONOMIC.items():
        assert c.name(code) == name, code


def test_codes_named_in_the_brief():
    c = function_catalog(2024)
    for code, name in {
        "2010101": "行政运行", "2010102": "一般行政管理事务", "2010103": "机关服务", "2010150": "事业运行",
        "2013102": "一般行政管理事务", "2013103": "机关服务", "2013150": "事业运行",
        "2080502": "事业单位离退休", "2080506": "机关事业单位职业年金缴费支出",
        "2101102": "事业单位医疗", "2210202": "提租补贴", "2210203": "购房补贴",
    }.items():
        assert c.name(code) == name, code
    e = economic_catalog(2024)
    for code, name in {"30106": "伙食补助费", "30109": "职业年金缴费", "30114": "医疗费",
                       "30199": "其他工资福利支出"}.items():
        assert e.name(code) == name, code


def test_20805_name_by_edition():
    assert function_catalog(2018).name("20805") == "行政事业单位离退休"
    assert function_catalog(2019).name("20805") == "行政事业单位离退休"
    assert "20805" not in function_catalog(2020)  # rename year unverified: supplied by override
    assert "2080505" in function_catalog(2020)
    assert function_catalog(2021).name("20805") == "行政事业单位养老支出"


# -- the 2022-2026 editions --------------------------------------------------------

NEW_EDITIONS = (2022, 2023, 2024, 2025, 2026)

# Shanghai district department budgets 2024 and 2025 (GitHub zxj6827111-blip/tianbaoxitong,
# backups/govbudget_before_restore_20260223_154736.sql, table org_dept_line_items): every 功能分类
# code and name printed in them; both years print the same names.
SHANGHAI_2024_2025 = {
    "201": "一般公共服务支出", "20105": "统计信息事务", "2010507": "专项普查活动", "20129": "群众团体事务",
    "2012902": "一般行政管理事务", "20132": "组织事务", "2013202": "一般行政管理事务", "20133": "宣传事务",
    "2013302": "一般行政管理事务", "20134": "统战事务", "2013402": "一般行政管理事务", "20138": "市场监督管理事务",
    "2013802": "一般行政管理事务", "204": "公共安全支出", "20406": "司法", "2040607": "公共法律服务",
    "20499": "其他公共安全支出", "2049999": "其他公共安全支出", "205": "教育支出", "20599": "其他教育支出",
    "2059999": "其他教育支出", "206": "科学技术支出", "20607": "科学技术普及", "2060702": "科普活动",
    "207": "文化旅游体育与传媒支出", "20703": "体育", "2070308": "群众体育", "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出", "2080501": "行政单位离退休", "2080502": "事业单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出", "2080506": "机关事业单位职业年金缴费支出",
    "2080599": "其他行政事业单位养老支出", "20807": "就业补助", "2080705": "公益性岗位补贴", "20816": "红十字事业",
    "2081602": "一般行政管理事务", "20825": "其他生活救助", "2082501": "其他城市生活救助",
    "20899": "其他社会保障和就业支出", "2089999": "其他社会保障和就业支出", "210": "卫生健康支出",
    "21007": "计划生育事务", "2100717": "计划生育服务", "21011": "行政事业单位医疗", "2101101": "行政单位医疗",
    "2101102": "事业单位医疗", "212": "城乡社区支出", "21201": "城乡社区管理事务", "2120101": "行政运行",
    "2120102": "一般行政管理事务", "2120104": "城管执法", "2120199": "其他城乡社区管理事务支出",
    "21203": "城乡社区公共设施", "2120399": "其他城乡社区公共设施支出", "21205": "城乡社区环境卫生",
    "2120501": "城乡社区环境卫生", "21299": "其他城乡社区支出", "2129999": "其他城乡社区支出", "221": "住房保障支出",
    "22102": "住房改革支出", "2210201": "住房公积金", "2210203": "购房补贴", "22103": "城乡社区住宅",
    "2210399": "其他城乡社区住宅支出",
}
SHANGHAI_2024_2025_ECONOMIC = {
    "301": "工资福利支出", "30101": "基本工资", "30102": "津贴补贴", "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费", "30109": "职业年金缴费", "30110": "职工基本医疗保险缴费",
    "30112": "其他社会保障缴费", "30113": "住房公积金", "30199": "其他工资福利支出", "302": "商品和服务支出",
    "30201": "办公费", "30204": "手续费", "30205": "水费", "30206": "电费", "30207": "邮电费", "30209": "物业管理费",
    "30211": "差旅费", "30213": "维修（护）费",  # printed as 维修(护)费
    "30214": "租赁费", "30215": "会议费", "30216": "培训费", "30217": "公务接待费", "30227": "委托业务费",
    "30228": "工会经费", "30229": "福利费", "30231": "公务用车运行维护费", "30239": "其他交通费用",
    "30299": "其他商品和服务支出", "303": "对个人和家庭的补助", "30302": "退休费",
}
# 财政部《2024年政府收支分类科目》(财预〔2023〕83号), 农林水支出-巩固脱贫攻坚成果衔接乡村振兴
# (https://www.xzcs2022.com/kjfgk/19749.html).
MOF_2024_21305 = {
    "213": "农林水支出", "21305": "巩固脱贫攻坚成果衔接乡村振兴", "2130501": "行政运行", "2130502": "一般行政管理事务",
    "2130503": "机关服务", "2130504": "农村基础设施建设", "2130505": "生产发展", "2130506": "社会发展",
    "2130507": "贷款奖补和贴息", "2130508": "“三西”农业建设专项补助", "2130550": "事业运行",
}


def _classes_and_kuan(codes: dict[str, str]) -> dict[str, str]:
    return {c: n for c, n in codes.items() if len(c) <= 5}


@pytest.mark.parametrize("year", NEW_EDITIONS)
def test_new_editions_have_every_class(year):
    c = function_catalog(year)
    classes = [c.name(code) for code in c if len(code) == 3]
    assert classes == SHANHAIGUAN_FUNCTION_CLASS_NAMES  # the 2024 document's list; later years carry it over
    assert c.edition == year and str(year) in c.source


@pytest.mark.parametrize("year", NEW_EDITIONS)
def test_new_editions_keep_every_2021_code(year):
    """A department file that checked clean against the 2021 edition (used for every later year until now)
    still finds every code, under the same name."""
    old, new = function_catalog(2021), function_catalog(year)
    changed = {code: (old.name(code), new.name(code)) for code in old if new.name(code) != old.name(code)}
    assert changed == {}


@pytest.mark.parametrize("year", [2024, 2025])
def test_shanghai_2024_2025_codes(year):
    """Every 类/款 (and 项) printed in the Shanghai 2024 and 2025 budgets resolves with the printed name."""
    c = function_catalog(year)
    assert {code: c.name(code) for code in _classes_and_kuan(SHANGHAI_2024_2025)} == _classes_and_kuan(SHANGHAI_2024_2025)
    assert {code: c.name(code) for code in SHANGHAI_2024_2025} == SHANGHAI_2024_2025
    e = economic_catalog(year)
    assert {code: e.name(code) for code in SHANGHAI_2024_2025_ECONOMIC} == SHANGHAI_2024_2025_ECONOMIC


@pytest.mark.parametrize("year, present", [(2021, False), (2022, False), (2023, False), (2024, True),
                                           (2025, True), (2026, True)])
def test_21305_by_edition(year, present):
    c = function_catalog(year)
    if present:
        assert {code: c.name(code) for code in MOF_2024_21305} == MOF_2024_21305
        assert c.children("21305") == sorted(code for code in MOF_2024_21305 if len(code) == 7)
    else:
        assert "21305" not in c and "2130501" not in c  # 2021-2023 wording unverified: left out


def test_codes_established_only_for_2024_on_are_not_in_earlier_editions():
    only_new = set(SHANGHAI_2024_2025) - set(function_catalog(2021))
    assert only_new >= {"20825", "2082501", "2040607", "2120104"}
    for year in (2022, 2023):
        assert only_new.isdisjoint(function_catalog(year)), year


def test_later_editions_are_carried_over_explicitly():
    assert function_catalog(2026).items() == function_catalog(2025).items() == function_catalog(2024).items()
    assert function_catalog(2023).items() == function_catalog(2022).items() == function_catalog(2021).items()


def test_new_edition_headers_record_sources_and_omissions():
    from importlib import resources

    folder = resources.files("generator.catalogs") / "data"
    for year in NEW_EDITIONS:
        text = (folder / f"function-{year}.yaml").read_text(encoding="utf-8")
        header = text.split("\n名称:")[0]
        assert "来源" in header and "未收录" in header and "function-2021.yaml" in header, year
        assert "2130101" in header, year  # the 农业农村 项 are named as omitted, with what to do instead
    assert "zxj6827111-blip/tianbaoxitong" in (folder / "function-2024.yaml").read_text(encoding="utf-8")
    assert "2022～2026" in (folder / "economic-2018.yaml").read_text(encoding="utf-8")


# -- through the front door: disclose check on a 2025 department -------------------


def _department_2025(groups):
    import copy
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import MINIMAL

    data = copy.deepcopy(MINIMAL)
    data["年度"] = 2025
    data["编制日期"] = "2025-01-25"
    data["国有资产"]["截至日期"] = "2024-12-31"
    data["基本支出"] = [{"功能分类": f, "经济分类": e} for f, e in groups]
    return data


# 60.50 basic (10.25 of it 302 公用经费) as in MINIMAL's 上年, so no 比上年 reasons are due.
MANY_CLASSES = [(2010507, {30101: "20.25", 30201: "10.25"}), (2059999, {30101: 5}), (2080505, {30108: 5}),
                (2101102, {30110: 5}), (2120104, {30101: 5}), (2130501, {30101: 5}), (2210201, {30113: 5})]


def test_department_with_codes_of_many_classes_checks_clean(write):
    from click.testing import CliRunner

    from generator.cli import main

    path = write(_department_2025(MANY_CLASSES))
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 0, r.output
    assert "0 个错误，0 个警告" in r.output


def test_agriculture_item_not_established_is_reported_with_the_fix(write):
    """2130101 is not built in (no source for the 农业农村 项 was found): the check says so and where to add it;
    with the name supplied the file checks clean."""
    from click.testing import CliRunner

    from generator.cli import main

    groups = [(2130101 if f == 2130501 else f, e) for f, e in MANY_CLASSES]
    data = _department_2025(groups)
    path = write(data)
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 1
    assert "支出功能分类科目 2130101 不在目录（政府收支分类科目·支出功能分类，财政部《2025年政府收支分类科目》" in r.output
    assert "设置.科目补充" in r.output
    data["设置"] = {"科目补充": {"支出功能分类": {2130101: "行政运行"}}}
    r = CliRunner().invoke(main, ["check", str(write(data))])
    assert r.exit_code == 0, r.output
    assert "2130101" in r.output and "请核实" in r.output  # a warning names the author-supplied code


# -- caching and overrides ---------------------------------------------------------


def test_builtin_data_is_parsed_once_and_copies_do_not_leak():
    function_catalog(2020)
    before = catalogs._builtin_editions.cache_info()
    a = function_catalog(2020)
    b = function_catalog(2020)
    after = catalogs._builtin_editions.cache_info()
    assert after.misses == before.misses
    assert a is not b
    a.add("2013104", "测试项", "手工")
    assert "2013104" in a
    assert "2013104" not in b
    assert "2013104" not in function_catalog(2020)


def test_override_adds_and_renames(tmp_path):
    path = write(tmp_path, "bureau.yaml", """
        支出功能分类:
          2013104: 专项业务
          "20805": 行政事业单位离退休
        部门预算支出经济分类:
          30242: 办公用品及设备采购
          "30201": 办公费（自定）
    """)
    f = function_catalog(2020, (path,))
    assert f.name("2013104") == "专项业务"
    assert f.origin("2013104") == path
    assert f.name("20805") == "行政事业单位离退休"
    assert f.origin("2013101") == BUILTIN
    e = economic_catalog(2020, (path,))
    assert e.name("30242") == "办公用品及设备采购"
    assert e.name("30201") == "办公费（自定）"
    assert e.origin("30201") == path
    # nothing leaks into the next department without overrides
    assert "2013104" not in function_catalog(2020)
    assert economic_catalog(2020).name("30201") == "办公费"
    assert economic_catalog(2020).origin("30201") == BUILTIN


def test_later_override_wins(tmp_path):
    first = write(tmp_path, "bureau.yaml", "部门预算支出经济分类:\n  30242: 办公用品及设备采购\n")
    second = write(tmp_path, "dept.yaml", "部门预算支出经济分类:\n  30242: 办公用品及设备购置\n")
    c = economic_catalog(2020, (first, second))
    assert c.name("30242") == "办公用品及设备购置"
    assert c.origin("30242") == second


def test_override_file_change_is_seen(tmp_path):
    path = write(tmp_path, "o.yaml", "部门预算支出经济分类:\n  30242: 甲\n")
    assert economic_catalog(2020, (path,)).name("30242") == "甲"
    Path(path).write_text("部门预算支出经济分类:\n  30242: 乙乙\n", encoding="utf-8")
    assert economic_catalog(2020, (path,)).name("30242") == "乙乙"


def test_empty_override_file_is_fine(tmp_path):
    path = write(tmp_path, "empty.yaml", "# nothing yet\n")
    assert len(function_catalog(2020, (path,))) == len(function_catalog(2020))


def test_origin_of_unknown_code():
    with pytest.raises(KeyError):
        function_catalog(2020).origin("2019998")


def _problems(exc: pytest.ExceptionInfo) -> list:
    err = exc.value
    assert isinstance(err, UserError)
    assert err.problems
    for p in err.problems:
        assert CJK.search(p.message), p.message
    return err.problems


def test_malformed_override_codes(tmp_path):
    path = write(tmp_path, "bad.yaml", """
        支出功能分类:
          2013104: 专项业务
          201310: 六位编码
          20A31: 字母
        部门预算支出经济分类:
          3010101: 七位编码
          30242: ""
    """)
    with pytest.raises(UserError) as exc:
        function_catalog(2020, (path,))
    problems = _problems(exc)
    assert all(p.rule == "catalog.override" for p in problems)
    by_line = {p.location.line: p for p in problems}
    assert set(by_line) == {3, 4, 6, 7}
    assert all(p.location.file == path and p.location.col == 3 for p in problems)
    assert "201310" in by_line[3].message and "7位（项）" in by_line[3].message
    assert "20A31" in by_line[4].message
    assert "3010101" in by_line[6].message and "5位（款）" in by_line[6].message
    assert "名称" in by_line[7].message
    # the same file fails for the economic catalog too: the whole file is checked
    with pytest.raises(UserError):
        economic_catalog(2020, (path,))


def test_override_top_level_not_a_mapping(tmp_path):
    path = write(tmp_path, "list.yaml", "- 2013104\n- 专项业务\n")
    with pytest.raises(UserError) as exc:
        function_catalog(2020, (path,))
    (p,) = _problems(exc)
    assert p.rule == "catalog.override"
    assert "顶层" in p.message and "映射" in p.message
    assert p.location.file == path and p.location.line == 1


def test_override_unknown_section_and_section_not_a_mapping(tmp_path):
    path = write(tmp_path, "keys.yaml", """
        支出经济分类:
          30242: 办公用品及设备采购
        支出功能分类:
          - 2013104
    """)
    with pytest.raises(UserError) as exc:
        economic_catalog(2020, (path,))
    problems = _problems(exc)
    assert [p.location.line for p in problems] == [1, 3]
    assert "支出经济分类" in problems[0].message and "部门预算支出经济分类" in problems[0].message
    assert "映射" in problems[1].message and "列表" in problems[1].message


def test_override_parent_must_exist(tmp_path):
    path = write(tmp_path, "orphan.yaml", "支出功能分类:\n  2080507: 对机关事业单位基本养老保险基金的补助\n")
    with pytest.raises(UserError) as exc:
        function_catalog(2020, (path,))  # the 2020 edition lacks 20805
    (p,) = _problems(exc)
    assert "20805" in p.message and p.location.line == 2
    fixed = write(tmp_path, "fixed.yaml", """
        支出功能分类:
          20805: 行政事业单位养老支出
          2080507: 对机关事业单位基本养老保险基金的补助
    """)
    assert function_catalog(2020, (fixed,)).name("2080507") == "对机关事业单位基本养老保险基金的补助"


def test_override_bad_yaml_is_a_user_error(tmp_path):
    path = write(tmp_path, "broken.yaml", "支出功能分类:\n  2013104: 专项业务\n  2013104: 重复\n")
    with pytest.raises(UserError) as exc:
        function_catalog(2020, (path,))
    (p,) = _problems(exc)
    assert p.location.line == 3


def test_missing_override_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError) as exc:
        function_catalog(2020, (str(tmp_path / "nope.yaml"),))
    _problems(exc)


def test_builtin_catalog_files_pass_the_strict_loader():
    """Runtime parses the shipped catalogs with libyaml; here they must also pass the strict loader."""
    from importlib import resources

    from generator.load.yamlsafe import load_yaml_text

    folder = resources.files("generator.catalogs") / "data"
    names = [f.name for f in folder.iterdir() if f.name.endswith(".yaml")]
    assert names
    for name in names:
        _, _, problems = load_yaml_text((folder / name).read_text(encoding="utf-8"), name)
        assert problems == [], name
