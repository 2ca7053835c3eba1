"""Formats are folders: templates/<name>/manifest.yaml and the files it names.

A format folder holds everything that makes a layout: the manifest (its name,
the tables it prints in order with their titles, its sections), the HTML
template and stylesheet, the Word template, the glossary and fixed sentences.
Adding a format means adding a folder; no Python changes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import Location, Problem, TemplateError
from .load.yamlsafe import load_yaml_file


def builtin_templates_dir() -> Path:
    """The templates shipped with disclose (package data ``disclose_templates``)."""
    try:
        return Path(str(resources.files("disclose_templates")))
    except (ModuleNotFoundError, TypeError):  # running from a source tree without install
        return Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class TableSpec:
    kind: str  # table builder id, e.g. "income_expense_summary"
    number: str  # "表一" or ""
    title: str
    landscape: bool = False
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Format:
    name: str
    folder: Path
    description: str
    manifest: dict[str, Any] = field(hash=False, compare=False)

    @property
    def tables(self) -> list[TableSpec]:
        specs = []
        for item in self.manifest.get("表格", []):
            opts = {k: v for k, v in item.items() if k not in ("类型", "编号", "标题", "横向")}
            specs.append(TableSpec(item["类型"], item.get("编号", ""), item["标题"],
                                   bool(item.get("横向", False)), opts))
        return specs

    @property
    def sections(self) -> list[dict[str, Any]]:
        return list(self.manifest.get("章节", []))

    @property
    def requires(self) -> list[str]:
        """Model fields this format needs beyond the common core (see checks.format_fields)."""
        return list(self.manifest.get("需要字段", []))

    def file(self, key: str, default: str) -> Path:
        return self.folder / self.manifest.get(key, default)

    @property
    def html_template(self) -> Path:
        return self.file("HTML模板", "document.html.j2")

    @property
    def css(self) -> Path:
        return self.file("样式表", "style.css")

    @property
    def docx_template(self) -> Path:
        return self.file("Word模板", "template.docx")

    @functools.cached_property
    def glossary(self) -> list[dict[str, str]]:
        path = self.file("名词解释", "glossary.yaml")
        if not path.exists():
            return []
        data, _ = load_yaml_file(path)
        entries = data.get("名词解释", []) if isinstance(data, dict) else []
        return [{"名词": str(e["名词"]), "解释": str(e["解释"])} for e in entries]

    @functools.cached_property
    def phrases(self) -> dict[str, Any]:
        """Fixed sentences and sentence templates (Jinja strings fed preformatted figures)."""
        path = self.file("固定文字", "phrases.yaml")
        if not path.exists():
            return {}
        data, _ = load_yaml_file(path)
        return data if isinstance(data, dict) else {}


def search_path(extra: Path | None = None) -> list[Path]:
    dirs = []
    if extra is not None:
        dirs.append(Path(extra))
    dirs.append(builtin_templates_dir())
    return dirs


def available_formats(extra: Path | None = None) -> dict[str, Format]:
    """Every installed format; a user folder (``--templates``) overrides built-ins by name."""
    found: dict[str, Format] = {}
    for base in reversed(search_path(extra)):
        if not base.is_dir():
            continue
        for manifest in sorted(base.glob("*/manifest.yaml")):
            fmt = _load_manifest(manifest)
            found[fmt.name] = fmt
    return found


@functools.lru_cache(maxsize=None)
def _load_manifest_cached(path: str, mtime: float) -> Format:
    manifest = Path(path)
    data, marks = load_yaml_file(manifest)
    problems = []
    if not isinstance(data, dict):
        raise TemplateError(problems=[Problem("format.manifest", "格式清单应为映射（键: 值）", Location(str(manifest), 1, 1))])
    for key in ("名称", "表格"):
        if key not in data:
            problems.append(Problem("format.manifest", f"格式清单缺少“{key}”", Location(str(manifest), 1, 1)))
    for i, item in enumerate(data.get("表格", []) or []):
        if not isinstance(item, dict) or "类型" not in item or "标题" not in item:
            line, col = marks.get(("表格", i), (1, 1))
            problems.append(Problem("format.manifest", "每个表格需要“类型”和“标题”", Location(str(manifest), line, col)))
    if problems:
        raise TemplateError(problems=problems)
    return Format(str(data["名称"]), manifest.parent, str(data.get("说明", "")), data)


def _load_manifest(manifest: Path) -> Format:
    return _load_manifest_cached(str(manifest), manifest.stat().st_mtime)


def get_format(name: str, extra: Path | None = None) -> Format:
    formats = available_formats(extra)
    if name not in formats:
        names = "、".join(sorted(formats)) or "（无）"
        raise TemplateError(f"找不到格式“{name}”。已安装的格式：{names}")
    return formats[name]
