"""Typography (``typography.yaml``): fonts, sizes, spacing and margins, stated once.

The shared base ``templates/_base/typography.yaml`` states every value; a
format's ``typography.yaml`` overrides what differs (per style, per property).
Both the PDF stylesheet (:func:`generator.renderers.style.stylesheet`) and the
Word styles (:mod:`generator.renderers.docx`) are made from the merged result.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..errors import Location, Problem
from ..load.yamlsafe import load_yaml_text
from .files import confined_path, read_text

#: Chinese type sizes (字号) in points.
ZIHAO = {"初号": Decimal("42"), "小初": Decimal("36"), "一号": Decimal("26"), "小一": Decimal("24"),
         "二号": Decimal("22"), "小二": Decimal("18"), "三号": Decimal("16"), "小三": Decimal("15"),
         "四号": Decimal("14"), "小四": Decimal("12"), "五号": Decimal("10.5"), "小五": Decimal("9"),
         "六号": Decimal("7.5"), "小六": Decimal("6.5")}
_LENGTH = re.compile(r"^(\d+(?:\.\d+)?)(mm|pt|em)$")

STYLE_KEYS = ("正文", "封面标题", "封面落款", "目录标题", "目录", "目录一级", "标题1", "标题2", "标题3", "标题4",
              "表号", "表格标题", "内嵌表格标题", "表格", "表头", "小表格", "表注", "落款")


def _size(v: Any) -> Any:
    if isinstance(v, str) and v in ZIHAO:
        return f"{ZIHAO[v]}pt"
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        return f"{v}pt"
    return v


def _check_length(v: Any) -> str:
    if not isinstance(v, str) or not _LENGTH.match(v.strip()):
        raise ValueError(f"应为长度，如 25mm、10.5pt，实际是“{v}”")
    return v.strip()


Length = Annotated[str, BeforeValidator(_check_length)]
Size = Annotated[str, BeforeValidator(lambda v: _check_length(_size(v)))]


def _line(v: Any) -> Any:
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        if not Decimal("0.8") <= Decimal(v) <= Decimal(4):
            raise ValueError(f"行距倍数应在 0.8 到 4 之间，实际是 {v}")
        return str(v)
    return _check_length(v)


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Style(Spec):
    font: str | None = Field(None, alias="字体", description="逻辑字体名（见“字体”）")
    size: Size | None = Field(None, alias="字号")
    line: Annotated[str, BeforeValidator(_line)] | None = Field(None, alias="行距", description="倍数（1.5）或固定值（28pt）")
    bold: bool | None = Field(None, alias="加粗")
    indent: Decimal | None = Field(None, alias="首行缩进", ge=0, le=8, description="以字为单位")
    align: Literal["左", "中", "右", "两端"] | None = Field(None, alias="对齐")
    before: Length | None = Field(None, alias="段前")
    after: Length | None = Field(None, alias="段后")
    letter: Length | None = Field(None, alias="字距")


class Margins(Spec):
    top: Length = Field(alias="上")
    right: Length = Field(alias="右")
    bottom: Length = Field(alias="下")
    left: Length = Field(alias="左")


class Footer(Spec):
    text: str = Field("第 {页码} 页 共 {总页数} 页", alias="文字", description="可用 {页码}、{总页数}")
    font: str = Field("宋体", alias="字体")
    size: Size = Field("10.5pt", alias="字号")
    gap: Length = Field("6mm", alias="距正文")


_FONT_NAME = re.compile(r'^[^"\'<>&\\;{}()\x00-\x1f\x7f]{1,64}$')


def _font_name(v: Any) -> Any:
    if isinstance(v, str) and not _FONT_NAME.match(v):
        raise ValueError(f"字体名“{v}”含有不允许的字符（引号、尖括号、分号、花括号、括号、控制字符）或过长")
    return v


FontName = Annotated[str, BeforeValidator(_font_name)]


class Typography(Spec):
    paper: Literal["A4"] = Field("A4", alias="纸张")
    latin: FontName = Field("Times New Roman", alias="西文字体", description="Word 中西文字符用的字体")
    margins: Margins = Field(alias="页边距")
    landscape_margins: Margins = Field(alias="横向页边距")
    footer: Footer = Field(default_factory=Footer, alias="页脚")
    fonts: dict[FontName, list[FontName]] = Field(alias="字体", description="逻辑字体名 → 依次尝试的字体")
    font_files: dict[FontName, str] = Field(default_factory=dict, alias="字体文件",
                                       description="格式文件夹中的字体文件：字体名 → 文件（如 fonts/FZXBSJW.TTF）")
    styles: dict[Literal[STYLE_KEYS], Style] = Field(alias="样式")  # type: ignore[valid-type]
    table_start: Literal["接排", "另起一页"] = Field(
        "接排", alias="公开表起页",
        description="公开表从哪里开始：接排（接在上文之后；能放进半页的表不拆开，长表跨页时续页重复表头并在页眉注明“表X……（续）”），"
                    "或另起一页（每张公开表从新的一页开始）")

    def style(self, key: str) -> Style:
        return self.styles.get(key, Style())  # type: ignore[call-overload]

    def families(self, logical: str | None) -> list[str]:
        if logical is None:
            return []
        return list(self.fonts.get(logical, [logical]))


def _base_data() -> dict[str, Any]:
    from . import builtin_templates_dir
    base = builtin_templates_dir() / "_base"
    data, _, problems = load_yaml_text(read_text(base, "typography.yaml") or "", str(base / "typography.yaml"))
    if problems or not isinstance(data, dict):
        raise RuntimeError(f"built-in typography is broken: {problems}")
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if k in ("样式", "字体", "页边距", "横向页边距", "页脚") and isinstance(v, dict) and isinstance(base.get(k), dict):
            merged = dict(base[k])
            for sk, sv in v.items():
                if k == "样式" and isinstance(sv, dict) and isinstance(merged.get(sk), dict):
                    merged[sk] = {**merged[sk], **sv}
                else:
                    merged[sk] = sv
            out[k] = merged
        else:
            out[k] = v
    return out


def load_typography(folder: Path, spec) -> tuple[Typography, list[Problem]]:
    from .validate import Reporter, structural_model

    base = _base_data()
    text = read_text(folder, spec.typography, missing_ok=True)
    file = folder / spec.typography
    problems: list[Problem] = []
    over: dict[str, Any] = {}
    marks: dict = {}
    if text is not None:
        data, marks, problems = load_yaml_text(text, str(file))
        if problems:
            return Typography.model_validate(base), problems
        if data is not None and not isinstance(data, dict):
            return Typography.model_validate(base), [Problem("format.typography", "版式文件应为映射（键: 值）", Location(str(file), 1, 1))]
        over = data or {}
    rep = Reporter(file, marks)
    try:
        typo = Typography.model_validate(_merge(base, over))
    except ValidationError as exc:
        structural_model(exc, rep, Typography, "format.typography")
        return Typography.model_validate(base), rep.problems
    for logical in [s.font for s in typo.styles.values() if s.font] + [typo.footer.font]:
        if logical not in typo.fonts:
            rep.error("format.typography", f"样式用了未定义的字体“{logical}”（“字体”中定义的有：{'、'.join(typo.fonts)}）", "样式")
    for family, name in typo.font_files.items():
        try:
            path = confined_path(folder, name, rep.loc("字体文件", family))
        except Exception as exc:  # TemplateError with its own message
            rep.problems.extend(getattr(exc, "problems", []))
            continue
        if not path.is_file():
            rep.error("format.typography", f"找不到字体文件“{name}”", "字体文件", family)
        elif path.suffix.lower() not in (".ttf", ".otf", ".ttc", ".otc"):
            rep.error("format.typography", f"字体文件应为 .ttf、.otf、.ttc 或 .otc，实际是“{name}”", "字体文件", family)
    return typo, rep.problems
