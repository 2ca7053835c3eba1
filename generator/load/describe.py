"""How a found value is named in a Chinese message ("实际是…")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否（布尔值）"
    if isinstance(value, dict):
        return "映射（键: 值）"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, Decimal):
        return f"数字 {value}"
    if isinstance(value, int):
        return f"整数 {value}"
    text = str(value)
    return f"“{text[:40]}{'…' if len(text) > 40 else ''}”"
