"""Prose figures the national 2024 layout needs beyond the common context.

``extend_context(ctx, fig)`` adds ``ctx["national"]`` (preformatted strings only,
like the rest of the context); build_context calls it once at its end.
"""

from __future__ import annotations

from typing import Any

from ..figures import Figures
from ..money import fmt_plain
from .inline_national import fixed_asset_total


def extend_context(ctx: dict[str, Any], fig: Figures) -> None:
    d = fig.dept
    basis = d.last_year.basis
    assets: dict[str, Any] = {"has": d.assets is not None}
    if d.assets is not None:
        head = fixed_asset_total(d.assets)
        purchases = d.assets.purchases
        assets.update({
            "as_of": d.assets.as_of,
            "total_value": fmt_plain(head.value),
            "total_count": str(head.count),
            "purchase": fmt_plain(purchases.fixed_assets) if purchases.fixed_assets is not None else "",
            "purchase_note": purchases.note,
        })
    ctx["national"] = {
        # “较2023年预算” / “较2023年执行数”
        "last_basis": f"{d.year - 1}年{'预算' if basis == '上年预算数' else '执行数'}",
        "assets": assets,
        "has_units": bool(d.overview.units),
    }
