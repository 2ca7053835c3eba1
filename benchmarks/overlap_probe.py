"""Probe: what a fresh single-department build would gain from two processes.

    .venv/bin/python benchmarks/overlap_probe.py [--runs 5]

Not the build: a measurement of the plan in benchmarks/results.md (“what can be
overlapped”). A fresh process forks at once; the child imports WeasyPrint and sets
up the fonts while the parent imports the pipeline, checks the YAML and builds the
document model; the parent hands the model over (pickle), the child lays it out and
sends back the 目录's page numbers, then writes the PDF while the parent writes the
DOCX. The PDF and DOCX must be byte-identical to `disclose build`'s (checked), or
the probe says so. Timed from outside, interleaved with `disclose build --force`.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "departments" / "克州机要保密局-2020.yaml"


def _send(fd: int, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    os.write(fd, struct.pack("<Q", len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _recv(fd: int):
    head = b""
    while len(head) < 8:
        head += os.read(fd, 8 - len(head))
    (n,) = struct.unpack("<Q", head)
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(1 << 20, n - got))
        chunks.append(chunk)
        got += len(chunk)
    return pickle.loads(b"".join(chunks))


def _child(inbox: int, outbox: int) -> None:
    """The PDF side: imports and set-up first, then the layout and the file."""
    import hashlib

    from generator import fonts
    from generator.renderers import pdf as P
    from generator.renderers.html import render_html, stylesheet_text

    weasyprint = P._weasyprint()
    P.font_configuration()
    fonts.require_fonts()
    doc, fmt = _recv(inbox)
    # render_pdf, cut in two: the 目录's page numbers go back as soon as the layout has them
    P._check_glyphs(doc, fmt)
    base_url = fmt.folder.resolve().as_uri() + "/"
    css = stylesheet_text(doc, fmt)
    sheet = P._author_sheet(css, base_url)
    html = render_html(doc, fmt, inline_css=sheet is None)
    rendered = P._html_document(html, base_url, css).render(
        font_config=P.font_configuration(), stylesheets=[sheet] if sheet is not None else None)
    P.fill_toc_pages(doc, rendered)
    toc = doc.toc()
    _send(outbox, [e.page for e in toc.entries] if toc else [])
    identifier = hashlib.sha256(f"{weasyprint.__version__}\n{css}\n{html}".encode()).hexdigest()[:32].encode()
    data = rendered.write_pdf(pdf_identifier=identifier)
    P._check_fonts(rendered, doc, fmt)
    _send(outbox, data)


def one(src: Path, out: Path) -> None:
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(to_child_w)
        os.close(to_parent_r)
        code = 0
        try:
            _child(to_child_r, to_parent_w)
        except BaseException as exc:  # noqa: BLE001 — the probe reports, the parent fails below
            print(f"child: {type(exc).__name__}: {exc}", file=sys.stderr)
            code = 1
        os._exit(code)
    os.close(to_child_r)
    os.close(to_parent_w)
    from generator.document.build import build_document
    from generator.pipeline import check_file

    checked = check_file(src)
    assert checked.ok, [p.format() for p in checked.errors]
    doc = build_document(checked.fig, checked.fmt)
    _send(to_child_w, (doc, checked.fmt))
    from generator.renderers import docx  # imported while the child lays out

    pages = _recv(to_parent_r)
    toc = doc.toc()
    if toc:
        for entry, page in zip(toc.entries, pages):
            entry.page = page
    docx_bytes = docx.render_docx(doc, checked.fmt)
    pdf_bytes = _recv(to_parent_r)
    _, status = os.waitpid(pid, 0)
    assert status == 0
    out.mkdir(parents=True, exist_ok=True)
    (out / "probe.pdf").write_bytes(pdf_bytes)
    (out / "probe.docx").write_bytes(docx_bytes)


def _timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(r.stderr.decode("utf-8", "replace"))
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--one", nargs=2, metavar=("SRC", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(Path(args.one[0]), Path(args.one[1]))
        return
    work = Path(tempfile.mkdtemp(prefix="disclose-probe-"))
    try:
        src = work / EXAMPLE.name
        shutil.copy(EXAMPLE, src)
        disclose = str(Path(sys.executable).parent / "disclose")
        build = [disclose, "build", str(src), "-o", str(work / "build"), "--force"]
        probe = [sys.executable, __file__, "--one", str(src), str(work / "probe")]
        _timed(build)
        _timed(probe)
        (pdf,) = (work / "build").glob("*/*.pdf")
        (docx,) = (work / "build").glob("*/*.docx")
        same = (pdf.read_bytes() == (work / "probe" / "probe.pdf").read_bytes()
                and docx.read_bytes() == (work / "probe" / "probe.docx").read_bytes())
        a, b = [], []
        for _ in range(args.runs):
            a.append(_timed(build))
            b.append(_timed(probe))
        print(f"disclose build --force: median {statistics.median(a):.2f} s {[round(x, 2) for x in a]}")
        print(f"two-process probe:      median {statistics.median(b):.2f} s {[round(x, 2) for x in b]}")
        print(f"files byte-identical to disclose build: {same}; load average {os.getloadavg()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
