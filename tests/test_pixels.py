"""Low-resolution pixel goldens of key pages of each format (issue 13).

For both examples in their own format and in classic-2016 (built once per session by
``disclose build``), four pages: the cover, the first landscape (wide) table, the first
project performance form (绩效目标表) and the first page of the 情况说明 text. Each is
rendered by pdftoppm at 20 dpi in grey and compared with tests/pixels/<name>.png: same
size, and a mean absolute difference under 1.5 grey levels (a moved line, a changed font
or a lost rule is far more). Regenerate after an intended change of the layout, then
look at the new PNGs and the diff before committing:

    UPDATE_PIXELS=1 .venv/bin/python -m pytest tests/test_pixels.py
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from generator.formats import get_format
from pagecheck import CASES, read

PIXELS = Path(__file__).resolve().parent / "pixels"
DPI = "20"
TOLERANCE = 1.5  # mean absolute difference, grey levels of 255
KINDS = ("cover", "wide", "form", "text")


def _pick(pages, kind: str):
    if kind == "cover":
        return pages[0]
    if kind == "wide":
        return next((p for p in pages if p.landscape), None)
    if kind == "form":
        return next((p for p in pages if "绩效目标表" in "".join(p.text.split()) and "指标" in p.text), None)
    return next((p for p in pages if "说明" in p.first_line and not p.starts_with_table and p.number > 3), None)


def _render(pdf: Path, page: int, out: Path) -> Image.Image:
    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-r", DPI, "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    str(pdf), str(stem)], check=True, capture_output=True)
    return Image.open(stem.with_suffix(".png")).convert("L")


@pytest.mark.parametrize("name,fmt", CASES)
def test_key_pages_match_their_pixel_goldens(built_examples, tmp_path, name, fmt):
    pdf = built_examples[(name, fmt)][0]
    pages = read(pdf, get_format(fmt).typography)
    update = os.environ.get("UPDATE_PIXELS") == "1"
    compared = 0
    for kind in KINDS:
        page = _pick(pages, kind)
        if page is None:
            continue
        golden = PIXELS / f"{name}.{fmt}.{kind}.png"
        image = _render(pdf, page.number, tmp_path / f"{kind}.png")
        if update:
            PIXELS.mkdir(exist_ok=True)
            image.save(golden, optimize=True)
            continue
        assert golden.is_file(), f"no golden {golden.name}: run UPDATE_PIXELS=1 .venv/bin/python -m pytest tests/test_pixels.py"
        want = Image.open(golden).convert("L")
        assert image.size == want.size, f"{golden.name}: page size {image.size}, golden {want.size}"
        diff = ImageStat.Stat(ImageChops.difference(image, want)).mean[0]
        assert diff <= TOLERANCE, f"{golden.name} (page {page.number}) differs: mean {diff:.2f} > {TOLERANCE}"
        compared += 1
    assert update or compared >= 2, "too few key pages found"
