"""Rules over a loaded department and its derived figures.

Each rule has a stable id and returns every problem it finds, with the YAML
position it belongs to. Errors block the build; warnings are listed, and
``--strict`` turns them into errors.
"""

from .rules import RULES, run_checks  # noqa: F401
from .format_fields import missing_for_format  # noqa: F401
from . import authoring  # noqa: F401,E402 - registers the starter and roll-forward rules
