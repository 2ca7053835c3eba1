"""Where a long cover title breaks: at natural points of a Chinese organisation name
(after 省/市/区/县/州, 党委, 委员会, 领导小组 …), never inside a word (领导小/组办公室).

Both renderers print the same lines: the HTML joins them with ``<br />``, the Word
cover gets line breaks. A title that fits one line is left alone.
"""

from __future__ import annotations

import re

from ..formats.typography import Typography

# Ends of the units an organisation name is made of, longest first where one contains another.
_UNIT_END = re.compile(
    r".+?(?:特别行政区|自治区|自治州|自治县|自治旗|领导小组|委员会|工作委员会|管理委员会|党工委|办公室|办公厅|"
    r"市委|区委|县委|州委|旗委|党委|党组|纪委|政府|人大常委会|政协|"
    r"省|市|区|县|州|盟|旗|镇|乡|街道|局|厅|处|科|所|站|院|馆|中心|部|队|会|社|团|校|"
    r"[（(][^）)]*[）)]|$)")
_MIN_UNIT = 2  # a one-character unit (“市” of 市场监督管理局) belongs to the next one


def units(text: str) -> list[str]:
    """``中共秦皇岛市山海关区委办公室`` → ``["中共秦皇岛市", "山海关区委", "办公室"]``."""
    out: list[str] = []
    carry = ""
    for m in _UNIT_END.finditer(text):
        piece = carry + m.group(0)
        if not piece:
            continue
        if len(piece) < _MIN_UNIT and m.end() < len(text):
            carry = piece
            continue
        carry = ""
        out.append(piece)
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out or [text]


def _em(text: str) -> float:
    import unicodedata
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55 for ch in text)


def break_lines(text: str, width_em: float) -> list[str]:
    """``text`` in lines of at most ``width_em``, broken between units (inside a unit only
    when the unit alone is wider than a line). Existing line breaks are kept."""
    lines: list[str] = []
    for para in text.split("\n"):
        if _em(para) <= width_em:
            lines.append(para)
            continue
        line = ""
        for unit in units(para):
            if line and _em(line + unit) > width_em:
                lines.append(line)
                line = ""
            if _em(unit) > width_em:  # a unit longer than a line: break it where it must
                if line:
                    lines.append(line)
                cut = max(1, int(width_em))
                while _em(unit) > width_em:
                    lines.append(unit[:cut])
                    unit = unit[cut:]
                line = ""
            line += unit
        if line:
            lines.append(line)
    return lines


def cover_width_em(t: Typography) -> float:
    """How many em of the cover title fit on one line of a portrait page."""
    from .docx_styles import _mm, _pt

    style = t.style("封面标题")
    size = _pt(style.size, 26)
    letter = _pt(style.letter, size) if style.letter else 0.0
    width_pt = (210 - _mm(t.margins.left) - _mm(t.margins.right)) * 72 / 25.4
    return width_pt / (size + letter) - 0.5


def cover_lines(text: str, t: Typography) -> list[str]:
    return break_lines(text, cover_width_em(t))
