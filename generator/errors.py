"""One exception hierarchy for disclose.

A ``Problem`` is one finding (error or warning) tied to a place in a file.
Loaders and checks return lists of problems and never stop at the first one;
``UserError`` carries a list of problems up to the CLI, which prints them and
exits with status 1, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int = 0  # 1-based; 0 when unknown
    col: int = 0  # 1-based; 0 when unknown

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col or 1}"
        return self.file


@dataclass(frozen=True)
class Problem:
    rule: str  # stable id such as "yaml.duplicate-key" or "balance.income-spending"
    message: str  # Chinese, says what was expected and what was found
    location: Location
    severity: Severity = Severity.ERROR
    field: str = ""  # YAML path of the field, e.g. "项目[2].资金分配"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        return f"{self.location}: {self.severity.value}[{self.rule}] {self.message}"

    def as_error(self) -> "Problem":
        return Problem(self.rule, self.message, self.location, Severity.ERROR, self.field)


class HasProblems:
    """Mixin for results that carry a ``problems`` list: its errors and warnings."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class DiscloseError(Exception):
    """Base class of every exception disclose raises on purpose."""


class UserError(DiscloseError):
    """A problem the user can fix; the CLI prints it without a traceback."""

    exit_code = 1

    def __init__(self, message: str = "", problems: list[Problem] | None = None):
        self.problems = list(problems or [])
        super().__init__(message or "\n".join(p.format() for p in self.problems))

    def report(self) -> str:
        lines = [p.format() for p in self.problems]
        if self.args and self.args[0] and not self.problems:
            lines.append(str(self.args[0]))
        elif self.args and self.args[0] and self.args[0] != "\n".join(lines):
            lines.insert(0, str(self.args[0]))
        return "\n".join(lines)


class ValidationFailed(UserError):
    """The YAML or the derived figures broke one or more rules."""


class TemplateError(UserError):
    """A format folder is missing or malformed."""


class RenderError(UserError):
    """Rendering could not produce a correct document (e.g. a missing glyph)."""


class OutputError(UserError):
    """The output could not be written (read-only folder, full disk, unsafe path)."""


class EnvironmentProblem(UserError):
    """The machine lacks something disclose needs (fonts, libraries)."""

    exit_code = 3
