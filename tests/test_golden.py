"""Golden outputs: the document model of each example department, as text.

A change in wording or numbers shows up as a diff here. After an intended change,
regenerate with:  UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

import os

import pytest

from conftest import DEPARTMENTS, ROOT
from generator.document.build import build_document
from generator.document.dump import dump
from generator.pipeline import check_file

GOLDEN = ROOT / "tests" / "golden"
FORMATS = ("kezhou-2020", "national-2024", "classic-2016")
DEPARTMENT_FILES = [p for p in sorted(DEPARTMENTS.glob("*.yaml")) if "科目补充" not in p.stem]
# each example in its own format, and in every other shipped format
CASES = [(p, None) for p in DEPARTMENT_FILES] + [
    (p, f) for p in DEPARTMENT_FILES for f in FORMATS if f != check_file(p).fmt.name]


@pytest.mark.parametrize("source, fmt", CASES, ids=[f"{p.stem}-{f or 'own'}" for p, f in CASES])
def test_golden(source, fmt):
    checked = check_file(source, format_name=fmt)
    assert checked.fig is not None and checked.fmt is not None
    text = dump(build_document(checked.fig, checked.fmt))
    target = GOLDEN / f"{source.stem}{'.' + fmt if fmt else ''}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        target.write_text(text, encoding="utf-8")
    assert target.exists(), f"missing golden file; run UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == target.read_text(encoding="utf-8")
