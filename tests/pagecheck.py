"""What a reviewer checks on every page of a built PDF, read back with pdfplumber.

- ``split_numbers``: a code or an amount broken across lines (“271.1” above “1” in the
  same cell: two numeric words on consecutive lines, aligned, with no rule between them);
- ``fill``: how much of the text area (inside the margins) the page uses, from the top
  margin to the lowest text or rule (the footer, below the bottom margin, is ignored);
- ``starts_with_table``: the first thing inside the text area is a table rule (the page
  continues a table), and ``head``: the text printed above the text area (the running
  head “表三 部门支出总体情况表（续）”).

Used by tests/test_pages.py; also handy from a shell:
``.venv/bin/python -m tests.pagecheck out.pdf national-2024``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

import pdfplumber

MM = 72 / 25.4
EXAMPLES = {"克州机要保密局-2020": "kezhou-2020", "山海关区委办公室-2024": "national-2024"}
CASES = [(name, fmt) for name, own in EXAMPLES.items() for fmt in (own, "classic-2016")]


def build_examples(tmp, root) -> dict:
    """Both examples in their own formats and both in classic-2016 (two ``disclose build``
    runs of two files): (example, format) → (PDF, DOCX)."""
    import subprocess
    from pathlib import Path

    def disclose(*args: str) -> None:
        exe = Path(root) / ".venv" / "bin" / "disclose"
        run = subprocess.run([str(exe) if exe.exists() else "disclose", "build", *args, "-j", "2"],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr

    files = [str(Path(root) / "departments" / f"{name}.yaml") for name in EXAMPLES]
    disclose(*files, "-o", str(tmp / "own"))
    disclose(*files, "-f", "classic-2016", "-o", str(tmp / "classic"))
    out = {}
    for name, fmt in CASES:
        folder = tmp / ("classic" if fmt == "classic-2016" else "own")
        year = name.rsplit("-", 1)[1]
        pdf = next(p for p in folder.rglob("*.pdf") if year in p.name)
        out[(name, fmt)] = (pdf, pdf.with_suffix(".docx"))
    return out
NUMBER = re.compile(r"^[-−]?[\d,]*\d(?:\.\d+)?%?$")


@dataclass
class PageFacts:
    number: int  # 1-based physical page
    landscape: bool
    fill: float  # 0..1 of the text height used
    starts_with_table: bool
    head: str  # text above the text area
    first_line: str  # the first line of text inside the text area
    last_line: str  # the last line of text inside the text area
    split_numbers: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""


def _mm(length: str) -> float:
    number, unit = float(length[:-2]), length[-2:]
    return number * MM if unit == "mm" else number


def read(path, typography) -> list[PageFacts]:
    out = []
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages, 1):
            landscape = page.width > page.height
            m = typography.landscape_margins if landscape else typography.margins
            top, bottom = _mm(m.top), page.height - _mm(m.bottom)
            inside = lambda o: o["top"] >= top - 3 and o["bottom"] <= bottom + 3  # noqa: E731
            words = page.extract_words(keep_blank_chars=False, x_tolerance=1.5, y_tolerance=2)
            body_words = [w for w in words if inside(w)]
            edges = [e for e in page.edges if inside(e)]
            horizontal = [e for e in edges if e["orientation"] == "h"]
            lows = [w["bottom"] for w in body_words] + [e["bottom"] for e in edges]
            fill = (max(lows) - top) / (bottom - top) if lows else 0.0
            first_word = min((w["top"] for w in body_words), default=bottom)
            first_rule = min((e["top"] for e in horizontal), default=bottom)
            starts_with_table = first_rule < first_word - 0.5
            head = " ".join(w["text"] for w in words if w["bottom"] < top - 1)
            first_line = " ".join(w["text"] for w in body_words if abs(w["top"] - first_word) < 3)
            last_word = max((w["bottom"] for w in body_words), default=top)
            last_line = " ".join(w["text"] for w in body_words if abs(w["bottom"] - last_word) < 3)
            out.append(PageFacts(i, landscape, round(fill, 3), starts_with_table, head, first_line, last_line,
                                 _split_numbers(body_words, horizontal), page.extract_text() or ""))
    return out


def _alone(w, words) -> bool:
    """No other word on the same line right next to ``w`` (a numeric word inside running
    text, e.g. “2024 年 9 月”, is not a code or an amount of its own)."""
    h = w["bottom"] - w["top"]
    return not any(o is not w and abs(o["top"] - w["top"]) < 2 and (0 <= o["x0"] - w["x1"] < 0.8 * h or 0 <= w["x0"] - o["x1"] < 0.8 * h)
                   for o in words)


def _split_numbers(words, horizontal) -> list[tuple[str, str]]:
    nums = [w for w in words if NUMBER.match(w["text"]) and _alone(w, words)]
    found = []
    for a in nums:
        for b in nums:
            if b is a:
                continue
            gap = b["top"] - a["bottom"]
            if not (-1.0 <= gap <= 0.6 * (a["bottom"] - a["top"])):
                continue  # not the next line
            if abs(a["x0"] - b["x0"]) > 1.5 and abs(a["x1"] - b["x1"]) > 1.5:
                continue  # not aligned in one cell
            x0, x1 = min(a["x0"], b["x0"]), max(a["x1"], b["x1"])
            ruled = any(a["bottom"] - 1 <= e["top"] <= b["top"] + 1 and e["x0"] <= x0 + 1 and e["x1"] >= x1 - 1
                        for e in horizontal)
            if not ruled:
                found.append((a["text"], b["text"]))
    return found


def main(argv: list[str]) -> int:
    from generator.formats import get_format

    path, fmt = argv[0], argv[1]
    for f in read(path, get_format(fmt).typography):
        print(f"p{f.number:02d} {'L' if f.landscape else 'P'} fill={f.fill:.2f} table-first={int(f.starts_with_table)} "
              f"head={f.head!r} first={f.first_line[:30]!r} split={f.split_numbers}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
