"""What a build's output depends on besides its inputs: the program itself.

:func:`program_digest` hashes every source file of the generator package, its
built-in catalogs and font configuration, the shared base of the formats
(``templates/_base``) and the versions of the libraries that lay the document
out. The incremental build's fingerprint includes it, so after an upgrade
``disclose build folder/`` rebuilds the departments whose documents may change.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

from . import __version__

LIBRARIES = ("weasyprint", "pydyf", "docxtpl", "python-docx", "jinja2", "pyyaml")


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    out: set[Path] = set()
    for pattern in patterns:
        out.update(p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    return sorted(out)


@functools.lru_cache(maxsize=1)
def program_digest() -> str:
    from .formats import builtin_templates_dir

    h = hashlib.sha256(f"disclose {__version__}\n".encode())
    package = Path(__file__).resolve().parent
    base = builtin_templates_dir() / "_base"
    for root, patterns in ((package, ("**/*.py", "catalogs/data/*", "fonts/*.conf", "*.yaml")), (base, ("*",))):
        for path in _files(root, patterns):
            h.update(str(path.relative_to(root)).encode("utf-8", "surrogatepass") + b"\0")
            h.update(path.read_bytes())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=absent\n".encode())
    return h.hexdigest()
