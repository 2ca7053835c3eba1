"""The two example departments check clean; the sources' own contradictions are caught."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import KEZHOU, ROOT, SHANHAIGUAN
from generator.document.build import build_document
from generator.document.model import Paragraph
from generator.pipeline import check_file

CONTROLS = yaml.safe_load((ROOT / "tests/fixtures/source_controls.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [KEZHOU, SHANHAIGUAN], ids=["kezhou", "shanhaiguan"])
def test_example_checks_clean(path):
    checked = check_file(path)
    assert checked.ok, [p.format() for p in checked.errors]


def with_controls(tmp_path: Path, source: Path, key: str) -> Path:
    """The example with the source's printed totals appended as 核对数."""
    lines = [f"  {k}: {v}" for k, v in CONTROLS[key]["核对数"].items()]
    text = source.read_text(encoding="utf-8") + "\n核对数:\n" + "\n".join(lines) + "\n"
    target = tmp_path / source.name
    target.write_text(text, encoding="utf-8")
    for extra in source.parent.glob("*科目补充*.yaml"):
        (tmp_path / extra.name).write_text(extra.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def mismatches(checked) -> dict[str, str]:
    return {p.field.split(".", 1)[1]: p.message for p in checked.problems if p.rule == "control.mismatch"}


def test_kezhou_contradictions_are_reported(tmp_path):
    checked = check_file(with_controls(tmp_path, KEZHOU, "克州机要保密局-2020"))
    found = mismatches(checked)
    # 表六 人员经费 items add up to 193.44 but 193.43 is printed
    assert "人员经费" in found and "193.44" in found["人员经费"] and "193.43" in found["人员经费"]
    assert "基本支出" in found and "207.71" in found["基本支出"]
    assert "项目支出" not in found and "公用经费" not in found  # the consistent ones are not flagged


def test_kezhou_prose_uses_last_year_as_base():
    checked = check_file(KEZHOU)
    doc = build_document(checked.fig, checked.fmt)
    text = "\n".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
    assert "下降11.99%" in text and "13.63%" not in text  # 基本支出: 28.29 / 236.0
    assert "下降8.41%" in text and "9.18%" not in text  # 机关运行经费: 1.31 / 15.58
    # one project, one name: the table's name, and never the prose's variant alone
    assert "密码业务经费" in text and "项目名称：业务经费" not in text
    # income and spending fall by the same derived amount
    assert text.count("减少60.89万元") >= 2


def test_shanhaiguan_contradictions_are_reported(tmp_path):
    checked = check_file(with_controls(tmp_path, SHANHAIGUAN, "山海关区委办公室-2024"))
    found = mismatches(checked)
    assert "功能分类.210" in found and "27.85" in found["功能分类.210"]  # 20.67 + 7.18 printed 27.86
    assert "经济分类.301" in found and "436.89" in found["经济分类.301"]  # printed 436.90
    assert "基本支出" in found and "496.12" in found["基本支出"]  # printed 496.13
    assert "收入合计" in found  # printed 717.53
    assert "功能分类.2101101" not in found and "公用经费" not in found


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
