"""Derived figures: every total, rollup, share and change, from the leaf facts."""

from .derive import Figures, Line, Node, derive  # noqa: F401
