"""The project configuration ``disclose.yaml``: settings written once for a bureau's departments.

Found by walking up from a department file's folder (the way pyproject.toml or mkdocs.yml are
found). It is validated as strictly as a department file (unknown keys → error at
file:line:col with a did-you-mean). A department's own settings override it::

    # disclose.yaml
    格式: national-2024            # default format of every department below this folder
    科目补充文件: [财政局科目.xlsx]  # the bureau's code list (CSV, XLSX or YAML), relative to this file
    原因阈值: 10                    # changes above this percentage need a reason
    输出文件夹: 公开文本             # where `disclose build` writes when -o is not given
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import Field, ValidationError

from .errors import Location, Problem
from .load.files import read_regular
from .load.yamlsafe import MAX_BYTES, Marks, format_path, load_yaml_bytes, locate
from .model import Amount, Base, Text

FILENAME = "disclose.yaml"
# a department file's rule ids, as they read for this file
_RULE_NAMES = {"schema.unknown-key": "project.unknown-key", "schema.type": "project.type",
               "schema.missing": "project.missing", "schema.choice": "project.choice"}


class ProjectSettings(Base):
    format: Text | None = Field(None, alias="格式", description="各部门默认使用的公开文本格式（部门文件中写了“格式”则以部门为准）")
    catalog_files: list[Text] = Field(default_factory=list, alias="科目补充文件",
                                      description="财政局的科目补充文件（CSV、XLSX 或 YAML，相对本文件）：各部门共用")
    threshold: Amount | None = Field(None, alias="原因阈值", description="增减幅度超过此百分比须说明原因（部门“设置.原因阈值”优先）")
    output: Text | None = Field(None, alias="输出文件夹", description="disclose build 不给 -o 时的输出文件夹（相对本文件）")


@dataclass
class Project:
    path: Path  # the disclose.yaml file
    settings: ProjectSettings | None
    marks: Marks
    problems: list[Problem] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def loc(self, *keys) -> Location:
        return locate(self.marks, self.path, keys)

    @property
    def output_dir(self) -> Path | None:
        if self.settings is None or not self.settings.output:
            return None
        return self.folder / self.settings.output

    @property
    def threshold(self) -> Decimal | None:
        return self.settings.threshold if self.settings else None


def find_project(start: Path) -> Path | None:
    """The nearest ``disclose.yaml`` in ``start`` or one of its parents."""
    try:
        folder = start.resolve()
    except (OSError, RuntimeError):
        return None
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / FILENAME
        try:
            if path.is_file():
                return path
        except OSError:
            return None
    return None


def load_project(start: Path) -> Project | None:
    """The project configuration that governs ``start`` (a folder or a file), or None."""
    path = find_project(start)
    if path is None:
        return None
    try:
        st = os.stat(path)
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    return _load(str(path), *stamp)


@functools.lru_cache(maxsize=16)
def _load(path_text: str, _mtime: int, _size: int) -> Project:
    from .load.department import _map_dict_key_loc, translate

    path = Path(path_text)
    raw, problem = read_regular(path, "项目配置文件", Location(path_text), limit=MAX_BYTES + 1, rule="project.read")
    if problem is not None:
        return Project(path, None, Marks(), [problem])
    data, marks, problems = load_yaml_bytes(raw, path_text)
    project = Project(path, None, marks, list(problems))
    if problems:
        return project
    if data is None:
        project.settings = ProjectSettings()
        return project
    if not isinstance(data, dict):
        project.problems.append(Problem("project.type", "项目配置文件的顶层应为映射（键: 值），如“格式: national-2024”", Location(path_text, 1, 1)))
        return project
    try:
        project.settings = ProjectSettings.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = _map_dict_key_loc(tuple(err["loc"]))
            rule, message = translate(err, ProjectSettings)
            project.problems.append(Problem(_RULE_NAMES.get(rule, rule), f"项目配置：{message}",
                                            project.loc(*loc), field=format_path(loc)))
    return project
