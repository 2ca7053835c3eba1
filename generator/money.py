"""Decimal amounts, rounding, shares and year-over-year changes.

Every amount in disclose is a ``Decimal`` made by :func:`D`; floats never enter.
Amounts are 万元 with two decimals. Rounding is half-up and happens only where a
figure is displayed (or where a 元 leaf is converted to 万元).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable, Sequence

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
TEN_THOUSAND = Decimal("10000")


def D(value: object) -> Decimal:
    """The one Decimal constructor. Accepts int, str and Decimal; refuses float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("bool is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
        if not d.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return d
    raise TypeError(f"cannot make an amount from {type(value).__name__}")


def round2(value: Decimal) -> Decimal:
    """Round half-up to 0.01 (display rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan_to_wan(value: Decimal) -> Decimal:
    """Convert a 元 leaf to 万元, rounded half-up to 0.01."""
    return round2(value / TEN_THOUSAND)


def total(values: Iterable[Decimal]) -> Decimal:
    s = ZERO
    for v in values:
        s += v
    return s


def fmt_amount(value: Decimal | None, blank_zero: bool = False) -> str:
    """Format 万元 with two decimals: 271.10, 0.00. ``blank_zero`` prints '' for 0."""
    if value is None:
        return ""
    if blank_zero and value == ZERO:
        return ""
    return f"{round2(value):.2f}"


def fmt_plain(value: Decimal) -> str:
    """Two decimals, used in prose: 271.11万元."""
    return f"{round2(value):.2f}"


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole × 100, unrounded; None when whole is 0."""
    if whole == ZERO:
        return None
    return part * HUNDRED / whole


def fmt_number(value: Decimal | None) -> str | None:
    """Two decimals without a unit (open data: amounts and percentages); None stays None."""
    return None if value is None else f"{round2(value):.2f}"


def fmt_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{round2(value):.2f}%"


def largest_remainder(parts: Sequence[Decimal], places: int = 2) -> list[Decimal]:
    """Shares (in percent) of ``parts`` that add up to exactly 100.

    Hamilton's method on units of 10**-places percent. Ties go to the earlier part,
    so the result is deterministic. All-zero parts give all-zero shares.
    """
    whole = total(parts)
    if whole == ZERO:
        return [ZERO for _ in parts]
    if any(p < ZERO for p in parts):
        raise ValueError("shares need non-negative parts")
    unit = Decimal(1).scaleb(-places)
    units_total = int(HUNDRED / unit)
    exact = [p * units_total / whole for p in parts]
    floors = [int(e) for e in exact]  # e >= 0, int() truncates
    left = units_total - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * unit for f in floors]


@dataclass(frozen=True)
class Change:
    """Year-over-year change of one figure."""

    this_year: Decimal
    last_year: Decimal

    @property
    def delta(self) -> Decimal:
        return self.this_year - self.last_year

    @property
    def pct(self) -> Decimal | None:
        """delta ÷ last year × 100; None when last year is 0."""
        return percent(self.delta, self.last_year)

    @property
    def is_new(self) -> bool:
        return self.last_year == ZERO and self.this_year != ZERO

    @property
    def direction(self) -> int:
        d = round2(self.delta)
        return (d > 0) - (d < 0)

    @property
    def verb(self) -> str:
        """增加 / 减少 / 持平 for amounts."""
        return {1: "增加", -1: "减少", 0: "持平"}[self.direction]

    @property
    def trend(self) -> str:
        """增长 / 下降 / 持平 for percentages."""
        return {1: "增长", -1: "下降", 0: "持平"}[self.direction]

    def describe(self, basis: str = "上年") -> str:
        """Chinese phrase: '比上年减少28.30万元，下降11.99%'."""
        if self.last_year == ZERO and self.this_year == ZERO:
            return f"与{basis}持平"
        if self.is_new:
            return f"比{basis}新增{fmt_plain(self.this_year)}万元"
        if self.direction == 0:
            return f"与{basis}持平"
        amount = fmt_plain(abs(self.delta))
        pct = fmt_percent(abs(self.pct)) if self.pct is not None else ""
        return f"比{basis}{self.verb}{amount}万元，{self.trend}{pct}"
