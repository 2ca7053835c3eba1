"""Table kinds: five reusable layouts, each parameterised entirely by the manifest.

``make_table(fig, fmt, spec, arg)`` builds one table of the document model from
derived figures. A kind selects, labels and formats figures; it never sums them.
"""

from __future__ import annotations

from ...figures import Figures
from ...formats import Format
from ..model import Table
from . import form, listing, summary, three, tree
from .common import Builder

KINDS = {"科目表": tree.build, "收支总表": summary.build, "三公表": three.build, "列表": listing.build}


def make_table(fig: Figures, fmt: Format, spec, arg: str = "") -> Table:
    b = Builder(fig, fmt, spec)
    if spec.kind == "表单":
        return form.build(b, arg)
    return KINDS[spec.kind](b)
