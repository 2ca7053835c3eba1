import copy
import os
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
DEPARTMENTS = ROOT / "departments"
KEZHOU = DEPARTMENTS / "克州机要保密局-2020.yaml"
SHANHAIGUAN = DEPARTMENTS / "山海关区委办公室-2024.yaml"

MINIMAL = {
    "部门": "测试局",
    "年度": 2020,
    "格式": "kezhou-2020",
    "编制日期": "2020-01-25",
    "概况": {"主要职能": "负责测试工作。", "内设机构": ["综合科", "业务科"],
             "人员": {"编制数": 10, "在职": {"人数": 8, "比上年增减": -1}, "退休": {"人数": 2}}},
    "收入": {"一般公共预算拨款": "110.50"},
    "基本支出": [{"功能分类": 2010101, "经济分类": {30101: "50.25", 30201: "10.25"}}],
    "项目": [{"名称": "测试项目", "功能分类": 2010199, "金额": 50, "经济分类": {30299: 50},
              "政策依据": "依据《测试办法》", "资金分配": [{"名称": "购买服务", "金额": 50}],
              "绩效目标": {"总体目标": "完成测试。", "指标": [
                  {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "测试次数", "指标值": "≥10次"}]}}],
    "三公经费": {"公务接待费": {"基本支出": 1, "上年": 1}},
    "国有资产": {"截至日期": "2019-12-31", "车辆": []},
    "上年": {"口径": "上年预算数", "基本支出": "60.50", "项目支出": 50, "机关运行经费": "10.25"},
}


def dump(data) -> str:
    def conv(x):
        if isinstance(x, dict):
            return {k: conv(v) for k, v in x.items()}
        if isinstance(x, list):
            return [conv(v) for v in x]
        return x
    text = yaml.safe_dump(conv(data), allow_unicode=True, sort_keys=False)
    # amounts given as strings above are numbers in YAML
    import re
    return re.sub(r"'(-?\d+(?:\.\d+)?)'", r"\1", text)


@pytest.fixture
def minimal():
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def write(tmp_path):
    def _write(data, name="dept.yaml") -> Path:
        p = tmp_path / name
        if isinstance(data, (bytes, bytearray)):
            p.write_bytes(data)
        else:
            p.write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
        return p
    return _write


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory):
    """Both example PDFs/DOCX built once per session through ``disclose build`` (tests/pagecheck.py)."""
    from pagecheck import build_examples
    return build_examples(tmp_path_factory.mktemp("examples"), ROOT)
