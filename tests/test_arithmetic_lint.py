"""Arithmetic on amounts lives in generator/figures/ and generator/money.py only.

Document builders, table kinds, renderers and the open data select, label and format
figures; they never add, subtract, multiply or divide amounts. This lint reads their
source (AST) and fails on:

- a call of ``total``, ``largest_remainder``, ``percent``, ``round2`` or ``Decimal(…)``,
  or of ``sum`` over anything that names an amount;
- an arithmetic operator (+ − × ÷) with an operand that names an amount: a name,
  attribute or call whose identifier says amount, value, total, income, spending,
  share, delta, budget, fiscal, personnel, public or 金额 — or any ``.value(…)`` /
  ``fig.…`` call.

Integer layout arithmetic (column spans, twips, page geometry, counters) is not
about amounts and is left alone. The lint was checked against mutations: writing
``a.value + b.value`` or ``sum(x.amount …)`` into a table kind makes it fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

SCANNED = sorted([*(ROOT / "generator" / "document").rglob("*.py"), *(ROOT / "generator" / "renderers").rglob("*.py"),
                  ROOT / "generator" / "opendata.py"])
BANNED_CALLS = {"sum", "total", "largest_remainder", "percent", "round2", "Decimal"}
AMOUNT_WORDS = ("amount", "value", "total", "income", "spending", "share", "delta", "budget", "fiscal", "personnel",
                "public", "金额")
OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)


def _identifier(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _identifier(node.func)
    if isinstance(node, ast.Subscript):
        return _identifier(node.value)
    return ""


def _is_amount(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and (func.attr == "value" or _identifier(func.value) == "fig"):
            return True
    name = _identifier(node).lower()
    return bool(name) and any(w in name for w in AMOUNT_WORDS)


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT) if ROOT in path.parents else path.name
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _identifier(node.func) in BANNED_CALLS and not isinstance(node.func, ast.Attribute):
            name = _identifier(node.func)
            # sum() of layout integers (colspans, widths) is fine; of anything that names an amount it is not
            if name != "sum" or any(_is_amount(n) for a in node.args for n in ast.walk(a)):
                out.append(f"{where}:{node.lineno}: call of {name}()")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in BANNED_CALLS - {"sum"}:
            out.append(f"{where}:{node.lineno}: call of .{node.func.attr}()")
        if isinstance(node, ast.BinOp) and isinstance(node.op, OPS):
            if any(isinstance(side, ast.JoinedStr) or (isinstance(side, ast.Constant) and isinstance(side.value, str))
                   for side in (node.left, node.right)):
                continue  # string concatenation or "%s" % x
            if _is_amount(node.left) or _is_amount(node.right):
                out.append(f"{where}:{node.lineno}: arithmetic on an amount ({ast.unparse(node)})")
        if isinstance(node, ast.AugAssign) and isinstance(node.op, OPS) and (_is_amount(node.target) or _is_amount(node.value)):
            out.append(f"{where}:{node.lineno}: arithmetic on an amount ({ast.unparse(node)})")
    return out


@pytest.mark.parametrize("path", SCANNED, ids=[str(p.relative_to(ROOT)) for p in SCANNED])
def test_no_arithmetic_on_amounts_outside_figures(path):
    assert findings(path) == []


@pytest.mark.parametrize("code", [
    "def f(a, b):\n    return a.value + b.value\n",
    "def f(rows):\n    return sum(r.amount for r in rows)\n",
    "def f(fig):\n    return fig.income_total - 1\n",
    "def f(x):\n    x.total += 1\n",
    "from decimal import Decimal\nx = Decimal('1')\n",
])
def test_the_lint_catches_arithmetic(tmp_path, code):
    p = tmp_path / "probe.py"
    p.write_text(code, encoding="utf-8")
    assert findings(p)
