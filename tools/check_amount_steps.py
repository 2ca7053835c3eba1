"""Verify the schema's “at most two decimals” formulation (generator/schema.py, AMOUNT_STEPS) the
way Python's jsonschema evaluates ``multipleOf`` (``int(x / step) == x / step`` in binary floats):

- every two-decimal amount in [0, EXHAUSTIVE/100) passes at least one step (no false error);
- random two-decimal amounts up to 10¹² pass;
- random amounts with a third decimal digit fail every step (the error is still found).

    .venv/bin/python tools/check_amount_steps.py [EXHAUSTIVE_CENTS] [RANDOM_SAMPLES]

Uses numpy when installed (the committed claim: 10⁸ cents exhaustively, 3·10⁸ random samples);
plain Python otherwise, which is slower.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.schema import AMOUNT_STEPS  # noqa: E402


def passes(x: float) -> bool:
    return any(int(x / s) == x / s for s in AMOUNT_STEPS)


def main(exhaustive: int = 10**6, samples: int = 10**6) -> int:
    rng = random.Random(1)
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None:
        def all_fail(v):
            bad = np.ones(len(v), bool)
            for s in AMOUNT_STEPS:
                q = v / s
                bad &= np.floor(q) != q
            return bad
        false_errors = 0
        for start in range(0, exhaustive, 10**7):
            k = np.arange(start, min(exhaustive, start + 10**7), dtype=np.float64)
            false_errors += int(all_fail(k / 100.0).sum())
        g = np.random.default_rng(1)
        for hi in (10**10, 10**12, 10**14):
            for _ in range(max(1, samples // 3 // 10**7)):
                k = g.integers(0, hi, min(samples // 3, 10**7)).astype(np.float64)
                false_errors += int(all_fail(k / 100.0).sum())
        m = g.integers(0, 10**14, min(samples, 10**7))
        m = m[m % 10 != 0].astype(np.float64)
        missed = int((~all_fail(m / 1000.0)).sum())
    else:
        false_errors = sum(1 for k in range(exhaustive) if not passes(k / 100))
        false_errors += sum(1 for _ in range(samples) if not passes(rng.randrange(10**14) / 100))
        missed = 0
        for _ in range(samples):
            m = rng.randrange(10**14)
            if m % 10 and passes(m / 1000):
                missed += 1
    print(f"two-decimal amounts refused: {false_errors}; three-decimal amounts accepted: {missed}")
    return 1 if false_errors or missed else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
