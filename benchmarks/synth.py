"""Realistic synthetic departments for the benchmark (deterministic: same index, same YAML).

    python benchmarks/synth.py OUT_DIR [--n 100] [--scale 1]

``scale=1`` is the size of the 2020 example (克州机要保密局: one 功能分类 项 for
基本支出 with ~22 经济分类 款, 3 projects with ~11 performance indicators
each, one income source). ``scale=5`` is five times that: ten 功能分类 items
across four 类, ~110 经济分类 lines, 15 projects with indicators, three
income sources. Every department passes ``disclose check`` with 0 errors.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# 功能分类 项 used by ordinary departments (all in the 2020 catalog).
BASIC_FUNCTIONS = ["2013101", "2013102", "2101101", "2210201", "2013150", "2013103", "2010301", "2010302",
                   "2011101", "2080101", "2101102", "2012901"]
PROJECT_FUNCTIONS = ["2013199", "2013102", "2010399", "2010302", "2013103", "2013150"]
PERSONNEL = ["30101", "30102", "30103", "30107", "30108", "30109", "30110", "30112", "30113", "30199"]
PUBLIC = ["30201", "30202", "30205", "30206", "30207", "30211", "30213", "30216", "30217", "30226", "30228",
          "30229", "30231", "30239", "30299"]
FAMILY = ["30302", "30305", "30309", "30399"]
PROJECT_ECONOMIC = ["30201", "30202", "30213", "30215", "30216", "30226", "30227", "30299", "31002", "31007"]

DEPARTMENTS = ["机要保密局", "档案馆", "统计局", "审计局", "司法局", "文化馆", "科学技术局", "民族宗教事务委员会",
               "退役军人事务局", "医疗保障局", "地方志编纂办公室", "机关事务管理局", "政务服务中心", "信访局",
               "供销合作社联合社", "气象服务中心", "林业和草原局", "水利局", "商务局", "应急管理局"]
OFFICES = ["办公室", "综合科", "财务科", "人事科", "法规科", "业务一科", "业务二科", "信息中心", "督查室",
           "宣传科", "后勤服务中心", "监督检查科"]
PROJECT_WORDS = ["信息化运行维护", "业务工作专项", "档案数字化", "专项调查", "执法装备购置", "宣传培训",
                 "网络安全保障", "基础数据采集", "应急物资储备", "系统升级改造", "标准化建设", "专家咨询服务",
                 "办公楼维修改造", "公共服务平台", "绩效评价", "课题研究"]
INDICATORS = [
    ("产出指标", "数量指标", "完成工作任务数量", "≥{n}项"),
    ("产出指标", "数量指标", "培训人员人次", "≥{n}人次"),
    ("产出指标", "数量指标", "设备维护次数", "≥{n}次"),
    ("产出指标", "质量指标", "工作任务完成合格率", "≥95%"),
    ("产出指标", "质量指标", "系统正常运行率", "≥98%"),
    ("产出指标", "时效指标", "任务完成及时率", "100%"),
    ("产出指标", "时效指标", "全年工作计划开始至结束日期", "12月底前完成"),
    ("产出指标", "成本指标", "项目预算控制数", "≤{m}万元"),
    ("效益指标", "社会效益指标", "公共服务水平提升情况", "明显提升"),
    ("效益指标", "可持续影响指标", "长效机制建立情况", "逐步完善"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
]
SENTENCES = [
    "贯彻落实党中央、国务院和自治区党委、自治州党委的决策部署，依法履行本部门职责。",
    "负责拟订本行业发展规划和政策措施，并组织实施和监督检查。",
    "负责本部门预算编制与执行、资产管理和内部审计工作，接受社会监督。",
    "组织开展本领域的调查研究、信息发布和宣传教育工作。",
    "完成州党委、州人民政府交办的其他任务。",
]


def _money(rng: random.Random, lo: float, hi: float) -> Decimal:
    return Decimal(rng.randint(int(lo * 100), int(hi * 100))) / 100


def _pick(rng: random.Random, pool: list[str], k: int) -> list[str]:
    return sorted(rng.sample(pool, min(k, len(pool))))


def department(index: int, scale: int = 1, year: int = 2020) -> dict:
    """One department as YAML-ready data (amounts as Decimal; see ``dump``)."""
    rng = random.Random(index * 1000 + scale)
    prefix = "克州" if scale == 1 else f"克州{scale}倍"
    name = f"{prefix}{DEPARTMENTS[index % len(DEPARTMENTS)]}第{index + 1}分局"
    sources = ["一般公共预算拨款"] + (["政府性基金预算拨款", "事业收入"] if scale > 1 else [])

    basic: list[dict] = []
    functions = BASIC_FUNCTIONS[:max(1, 2 * scale)] if scale > 1 else ["2013101"]
    lines_per_group = 22 if scale == 1 else 11
    for fi, code in enumerate(functions):
        source = sources[fi % len(sources)]
        econ_pool = PERSONNEL + PUBLIC + FAMILY
        picks = _pick(rng, econ_pool, lines_per_group)
        economic = {c: _money(rng, 0.1, 5) if c[:3] == "302" else _money(rng, 1, 80) for c in picks}
        basic.append({"功能分类": int(code), "资金来源": source, "经济分类": economic})

    projects: list[dict] = []
    for pi in range(3 * scale):
        amount_parts = {c: _money(rng, 1, 40) for c in _pick(rng, PROJECT_ECONOMIC, rng.randint(1, 3))}
        amount = sum(amount_parts.values(), Decimal(0))
        pname = f"{PROJECT_WORDS[pi % len(PROJECT_WORDS)]}经费" + (f"（{pi // len(PROJECT_WORDS) + 1}）" if pi >= len(PROJECT_WORDS) else "")
        indicators = []
        for l1, l2, l3, value in INDICATORS:
            indicators.append({"一级指标": l1, "二级指标": l2, "三级指标": l3,
                               "指标值": value.format(n=rng.randint(5, 200), m=amount)})
        projects.append({
            "名称": pname,
            "功能分类": int(PROJECT_FUNCTIONS[pi % len(PROJECT_FUNCTIONS)]),
            "资金来源": sources[pi % len(sources)],
            "金额": amount,
            "经济分类": amount_parts,
            "政策依据": f"根据《关于做好{PROJECT_WORDS[pi % len(PROJECT_WORDS)]}工作的通知》，经州人民政府批准后执行",
            "承担单位": name,
            "资金分配": [{"名称": pname, "金额": amount}],
            "执行时间": "全年",
            "绩效目标": {"总体目标": f"保障{PROJECT_WORDS[pi % len(PROJECT_WORDS)]}工作顺利开展，按期完成年度目标任务，"
                                     "提升公共服务质量和效率。", "指标": indicators},
        })

    spent = {s: Decimal(0) for s in sources}
    basic_total = project_total = Decimal(0)
    for g in basic:
        v = sum(g["经济分类"].values(), Decimal(0))
        spent[g["资金来源"]] += v
        basic_total += v
    for p in projects:
        spent[p["资金来源"]] += p["金额"]
        project_total += p["金额"]
    reception = sum((g["经济分类"].get("30217", Decimal(0)) for g in basic), Decimal(0))
    car = sum((g["经济分类"].get("30231", Decimal(0)) for g in basic), Decimal(0))
    last_basic, last_project = basic_total * Decimal("1.05"), project_total * Decimal("0.9")
    last_basic, last_project = last_basic.quantize(Decimal("0.01")), last_project.quantize(Decimal("0.01"))
    public = sum((v for g in basic for c, v in g["经济分类"].items()
                  if c[:3] == "302" and g["资金来源"] == "一般公共预算拨款"), Decimal(0))
    last_operating = (public * Decimal("1.02")).quantize(Decimal("0.01"))
    reason = "主要是人员变动和项目调整"
    return {
        "部门": name,
        "年度": year,
        "格式": "kezhou-2020",
        "金额单位": "万元",
        "编制日期": f"{year}-01-25",
        "概况": {
            "主要职能": "".join(rng.sample(SENTENCES, 4)),
            "内设机构": _pick(rng, OFFICES, 4 + scale),
            "下属预算单位": [],
            "人员": {"编制数": 20 * scale + 10, "在职": {"人数": 15 * scale, "比上年增减": rng.randint(-2, 2)},
                     "退休": {"人数": rng.randint(0, 5), "比上年增减": 0}, "离休": {"人数": 0, "比上年增减": 0}},
        },
        "收入": dict(spent),
        "基本支出": basic,
        "项目": projects,
        "三公经费": {
            "因公出国（境）费": {"上年": 0, "主要原因": "未安排预算"},
            "公务用车购置费": {"上年": 0, "主要原因": "未安排预算"},
            "公务用车运行维护费": {"基本支出": car, "上年": car, "主要原因": reason},
            "公务接待费": {"基本支出": reception, "上年": reception, "主要原因": reason},
        },
        "机关运行经费": {"下属行政单位数": 0, "下属事业单位数": 0},
        "政府采购": {"货物": _money(rng, 0, 30), "工程": 0, "服务": _money(rng, 0, 10),
                     "面向中小企业预留": 0, "其中面向小微企业预留": 0},
        "国有资产": {
            "截至日期": f"{year - 1}-12-31",
            "房屋": {"说明": "办公用房由机关事务管理局统一管理，本单位无房屋固定资产。"},
            "车辆": [{"种类": "一般公务用车", "数量": 2, "价值": _money(rng, 20, 60)},
                     {"种类": "执法执勤用车", "数量": 0, "价值": 0}, {"种类": "其他车辆", "数量": 0, "价值": 0}],
            "办公家具": {"价值": _money(rng, 1, 20)},
            "其他资产": {"价值": _money(rng, 10, 500)},
            "50万元以上大型设备": 0,
            "100万元以上大型设备": 0,
            "拟购置": {"车辆": 0, "50万元以上设备": 0, "100万元以上设备": 0},
        },
        "其他需说明的事项": "无其他说明事项。",
        "上年": {
            "口径": "上年执行数",
            "基本支出": last_basic,
            "项目支出": last_project,
            "机关运行经费": last_operating,
            "主要原因": {"基本支出": reason, "项目支出": reason, "机关运行经费": reason,
                         "收入合计": reason, "支出合计": reason},
        },
    }


def dump(data: dict) -> str:
    """YAML text with amounts as plain numbers (Decimal → 12.30)."""
    def conv(x):
        if isinstance(x, dict):
            return {str(k) if not isinstance(k, int) else k: conv(v) for k, v in x.items()}
        if isinstance(x, list):
            return [conv(v) for v in x]
        if isinstance(x, Decimal):
            return f"@@{x:.2f}@@"
        return x
    text = yaml.safe_dump(conv(data), allow_unicode=True, sort_keys=False, width=1000)
    text = re.sub(r"'@@(-?\d+\.\d\d)@@'", r"\1", text)
    return re.sub(r"'(\d{5,7})':", r"\1:", text)  # codes as YAML numbers, like the examples


def write(out: Path, n: int, scale: int = 1, start: int = 0) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = out / f"synth-s{scale}-{i:03d}.yaml"
        p.write_text(dump(department(i, scale)), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--scale", type=int, default=1)
    args = ap.parse_args()
    for p in write(args.out, args.n, args.scale):
        print(p)


if __name__ == "__main__":
    main()
