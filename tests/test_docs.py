"""docs/常见错误.md names every rule id the program can report, with its cause and fix."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "常见错误.md"
# the functions whose first argument (or ``rule=``) is a rule id
CALLS = {"Problem", "p", "problem", "_err", "error"}


def _str(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def rule_ids() -> dict[str, str]:
    """Every rule id written in generator/ → the file that writes it."""
    from generator.load import department, yamlsafe

    found: dict[str, str] = {}
    custom_types: set[str] = set()  # pydantic error types: reported under the id _RULES gives them
    for path in sorted((ROOT / "generator").rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if func == "PydanticCustomError" and node.args and _str(node.args[0]):
                    custom_types.add(_str(node.args[0]))
                    continue
                if func in CALLS and node.args and _str(node.args[0]):
                    found.setdefault(_str(node.args[0]), where)
                for kw in node.keywords:
                    if kw.arg == "rule" and _str(kw.value):
                        found.setdefault(_str(kw.value), where)
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("RULE", "_RULE") for t in node.targets):
                if _str(node.value):
                    found.setdefault(_str(node.value), where)
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_RULE_NAMES" for t in node.targets):
                for value in getattr(node.value, "values", []):
                    if _str(value):
                        found.setdefault(_str(value), where)
            elif isinstance(node, ast.arguments):  # def f(..., rule: str = "path.read")
                names = node.args[len(node.args) - len(node.defaults):] + node.kwonlyargs
                defaults = list(node.defaults) + [d for d in node.kw_defaults]
                for arg, default in zip(names, defaults):
                    if arg.arg == "rule" and default is not None and _str(default):
                        found.setdefault(_str(default), where)
    for t in custom_types:
        found.setdefault(department._RULES.get(t, "schema.type"), "generator/load/department.py")
    for kind in yamlsafe._SLIPS:
        found.setdefault(f"yaml.syntax.{kind}", "generator/load/yamlsafe.py")
    return found


def test_the_collector_sees_rules_of_every_kind():
    ids = rule_ids()
    for rule in ("yaml.syntax.fullwidth-colon", "starter.placeholder", "last-year.unchanged", "project.unknown-key",
                 "catalog.override", "path.read", "amount.decimals", "glossary.keys", "balance.income-spending", "internal"):
        assert rule in ids, rule
    assert "text.type" not in ids and "code.type" not in ids  # reported as schema.type and code.format


def test_every_rule_id_is_explained_in_the_common_errors_doc():
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z][a-z0-9.-]*)`", text))
    missing = {rule: where for rule, where in rule_ids().items() if rule not in named}
    assert missing == {}, "add a row to docs/常见错误.md (and README.md's copy) for each of these"


def test_generated_references_name_types_in_chinese_and_keep_their_tables_whole():
    """The key tables of docs/formats.md and docs/YAML字段参考.md: every row of a table has the
    table's number of cells (a type printed as “bool | None” split its row), and no Python type
    name shows (“None”, “generator.…”, “decimal.Decimal”)."""
    from generator.formats.reference import markdown as formats_markdown
    from generator.reference import markdown as fields_markdown

    for text in (formats_markdown(), fields_markdown()):
        table_width = None
        for line in text.splitlines():
            if not line.startswith("|"):
                table_width = None
                continue
            cells = line.count("|") - line.count("\\|")
            table_width = table_width or cells
            assert cells == table_width, line
            if line.startswith("| `") or line.startswith("| "):
                assert not re.search(r"\bNone\b|generator\.|decimal\.|typing\.|<class", line), line
