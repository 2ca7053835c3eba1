"""The disclose benchmark: one command, results in benchmarks/results.md.

    .venv/bin/python benchmarks/bench.py            # full run (~5 minutes on 2 cores)
    .venv/bin/python benchmarks/bench.py --quick    # smaller batch, fewer runs (a smoke test)

What it measures (every process is timed from the outside: wall time, and CPU
time and peak RSS of the process tree from ``wait4``):

1. The 2020 example (departments/克州机要保密局-2020.yaml), the same document
   three ways, runs interleaved so a busy machine slows all three alike:
   - ``disclose build --force``: a fresh process, YAML → DOCX + PDF, end to end;
   - LibreOffice converting disclose's own DOCX: ``soffice --headless
     --convert-to pdf`` with its own profile directory (created by a warm-up run);
   - headless Chromium printing disclose's own HTML (``render_html``, stylesheet
     inlined) with ``--print-to-pdf`` (its own user-data directory, warmed up).
2. Single-department builds inside one process (what a batch worker does): the
   example, a synthetic department of the same size and one five times larger
   (benchmarks/synth.py); the first build of the process, then the median of the
   warm ones, and where the PDF time goes (WeasyPrint's stages).
3. The batch: N synthetic example-size departments with ``-j 2``, then the same
   command again (nothing changed: every department skipped).

The results go between the ``bench:start`` / ``bench:end`` markers of
``results.md``; the notes around them are kept.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

EXAMPLE = ROOT / "departments" / "克州机要保密局-2020.yaml"
RESULTS = Path(__file__).resolve().parent / "results.md"
RAW = Path(__file__).resolve().parent / "results.json"  # the numbers behind results.md (--report-only)
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PYTHON = sys.executable
MB = 1024 * 1024


# --- measuring a process ------------------------------------------------------------------

def run(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None, timeout: float = 900) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS (MB) of its process tree."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    wall = time.perf_counter() - t0
    return {"wall": wall, "rc": proc.returncode, "out": out.decode("utf-8", "replace"),
            "err": err.decode("utf-8", "replace")}


def run_measured(cmd: list[str], **kw) -> dict:
    """``run`` through a small Python wrapper that reports the child's rusage (CPU, peak RSS)."""
    wrapper = ("import json,os,resource,subprocess,sys,time;"
               "t=time.perf_counter();p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
               "w=time.perf_counter()-t;r=resource.getrusage(resource.RUSAGE_CHILDREN);"
               "sys.stderr.write(p.stderr.decode('utf-8','replace')[-4000:]);"
               "print(json.dumps({'wall':w,'cpu':r.ru_utime+r.ru_stime,'maxrss_mb':r.ru_maxrss/1024,'rc':p.returncode}))")
    r = run([PYTHON, "-c", wrapper, *cmd], **kw)
    try:
        data = json.loads(r["out"].strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise SystemExit(f"measuring {cmd[0]} failed:\n{r['err']}")
    data["err"] = r["err"]
    return data


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- the machine ---------------------------------------------------------------------------

def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    import weasyprint

    from generator import __version__
    soffice = _version(["soffice", "--version"])
    chromium = _version([_chromium() or "chromium", "--version"])
    return {"cpu": cpu, "cores": os.cpu_count(), "ram": ram, "python": platform.python_version(),
            "weasyprint": weasyprint.__version__, "disclose": __version__, "os": platform.platform(),
            "soffice": soffice, "chromium": chromium,
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


# --- 1. the same document three ways ---------------------------------------------------------

def compare(work: Path, runs: int) -> dict:
    from generator.document.build import build_document
    from generator.pipeline import check_file
    from generator.renderers.html import render_html

    disclose = str(Path(PYTHON).parent / "disclose")
    if not Path(disclose).exists():
        disclose = shutil.which("disclose") or disclose
    src = work / "example"
    src.mkdir()
    shutil.copy(EXAMPLE, src / EXAMPLE.name)
    out = work / "example-out"
    first = run_measured([disclose, "build", str(src / EXAMPLE.name), "-o", str(out), "--force"])
    if first["rc"] != 0:
        raise SystemExit(f"disclose build failed:\n{first['err']}")
    (pdf,) = out.glob("*/*.pdf")
    (docx,) = out.glob("*/*.docx")
    checked = check_file(src / EXAMPLE.name)
    html = work / "example.html"
    html.write_text(render_html(build_document(checked.fig, checked.fmt), checked.fmt), encoding="utf-8")

    lo_profile = work / "lo-profile"
    lo_out = work / "lo-out"
    soffice = shutil.which("soffice")
    lo_cmd = [soffice or "soffice", f"-env:UserInstallation={lo_profile.as_uri()}", "--headless",
              "--convert-to", "pdf", "--outdir", str(lo_out), str(docx)]
    chrome = _chromium()
    chrome_dir = work / "chromium-profile"
    chrome_pdf = work / "chromium.pdf"
    chrome_cmd = [chrome or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={chrome_dir}",
                  f"--print-to-pdf={chrome_pdf}", html.as_uri()]
    contenders = {"disclose": [disclose, "build", str(src / EXAMPLE.name), "-o", str(out), "--force"]}
    if soffice:
        run_measured(lo_cmd)  # warm-up: creates the profile
        contenders["libreoffice"] = lo_cmd
    if chrome:
        run_measured(chrome_cmd)  # warm-up: creates the user-data directory
        contenders["chromium"] = chrome_cmd
    samples: dict[str, list[dict]] = {k: [] for k in contenders}
    for _ in range(runs):
        for name, cmd in contenders.items():
            r = run_measured(cmd)
            if r["rc"] != 0:
                raise SystemExit(f"{name} failed:\n{r['err']}")
            samples[name].append(r)
    result = {name: {"wall": med([r["wall"] for r in rs]), "cpu": med([r["cpu"] for r in rs]),
                     "walls": [round(r["wall"], 2) for r in rs], "maxrss_mb": max(r["maxrss_mb"] for r in rs)}
              for name, rs in samples.items()}
    result["pdf_bytes"] = pdf.stat().st_size
    result["docx_bytes"] = docx.stat().st_size
    result["pdf_pages"] = _pages(pdf)
    if soffice and (lo_out / (docx.stem + ".pdf")).exists():
        lo_pdf = lo_out / (docx.stem + ".pdf")
        result["libreoffice_pdf"] = {"bytes": lo_pdf.stat().st_size, "pages": _pages(lo_pdf)}
    if chrome and chrome_pdf.exists():
        result["chromium_pdf"] = {"bytes": chrome_pdf.stat().st_size, "pages": _pages(chrome_pdf)}
    return result


def _pages(pdf: Path) -> int | None:
    try:
        from pypdf import PdfReader
        return len(PdfReader(pdf).pages)
    except Exception:
        return None


# --- 2. single builds inside one process ---------------------------------------------------

SINGLE = r'''
import json, resource, statistics, sys, time
from pathlib import Path
t0 = time.process_time()
import pydyf, weasyprint
from weasyprint import document as wd
import weasyprint.pdf as wpdf
from generator.build import build_department
from generator.renderers import pdf as P
stages = {}
def wrap(owner, name, label):
    f = getattr(owner, name)
    def g(*a, **k):
        t = time.process_time()
        try:
            return f(*a, **k)
        finally:
            stages[label] = stages.get(label, 0.0) + time.process_time() - t
    setattr(owner, name, g)
wrap(wd, "get_all_computed_styles", "styles (CSS cascade)")
wrap(wd, "build_formatting_structure", "box tree")
wrap(weasyprint.HTML, "render", "render (styles + boxes + layout)")
wrap(wd.Page, "paint", "draw (pages to PDF operators)")
wrap(wpdf, "build_fonts_dictionary", "fonts (subset + embed)")
wrap(pydyf.PDF, "write", "PDF serialise + compress")
import dataclasses
import generator.renderers.pdf as rp, generator.renderers.docx as rd
from generator import renderers
from generator.renderers import pagination
renderers.load_all()
wrap(pagination, "paginate", "pagination stage (layout)")
wrap(rp, "render_pdf", "PDF renderer (writes the layout)")
wrap(rd, "render_docx", "DOCX renderer")
for key, fn in (("pdf", rp.render_pdf), ("docx", rd.render_docx)):
    renderers.RENDERERS[key] = dataclasses.replace(renderers.RENDERERS[key], render=fn)
path, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
imports = time.process_time() - t0
times, walls, phases = [], [], []
for i in range(runs + 1):
    stages.clear()
    t, w = time.process_time(), time.perf_counter()
    r = build_department(path, out, force=True)
    times.append(time.process_time() - t); walls.append(time.perf_counter() - w)
    assert r.status == "built", [p.format() for p in r.problems]
    if i:
        phases.append(dict(stages))
pdf = next(p for p in r.outputs if p.suffix == ".pdf")
keys = phases[0].keys()
print(json.dumps({"imports_cpu": imports, "first_cpu": times[0], "first_wall": walls[0],
                  "warm_cpu": statistics.median(times[1:]), "warm_wall": statistics.median(walls[1:]),
                  "phases": {k: statistics.median(p[k] for p in phases) for k in keys},
                  "pdf_bytes": pdf.stat().st_size, "speedups": P._SPEEDUPS,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def single(path: Path, out: Path, runs: int) -> dict:
    r = run([PYTHON, "-c", SINGLE, str(path), str(out), str(runs)], cwd=ROOT)
    if r["rc"] != 0:
        raise SystemExit(f"single build of {path} failed:\n{r['err']}")
    return json.loads(r["out"].strip().splitlines()[-1])


# --- 3. the batch -------------------------------------------------------------------------------

def batch(work: Path, n: int, jobs: int) -> dict:
    import synth

    src = work / "batch"
    synth.write(src, n, scale=1)
    out = work / "batch-out"
    disclose = str(Path(PYTHON).parent / "disclose")
    cmd = [disclose, "build", str(src), "-o", str(out), "-j", str(jobs)]
    env = {**os.environ, "COLUMNS": "200"}
    first = run_measured(cmd, env=env)
    if first["rc"] != 0:
        raise SystemExit(f"batch failed:\n{first['err']}")
    built = len(list(out.glob("*/*.pdf")))
    again = run_measured(cmd, env=env)
    return {"n": n, "jobs": jobs, "wall": first["wall"], "cpu": first["cpu"], "maxrss_mb": first["maxrss_mb"],
            "built": built, "per_department": first["wall"] / n, "again_wall": again["wall"],
            "again_unchanged": f"无变化 {n} 个" in again["err"]}



# --- 4. disclose serve: the edit loop ----------------------------------------------------------

LOOP_JS = """(want) => new Promise((resolve) => {
  const frame = document.getElementById('doc');
  const doc = frame.contentDocument;
  window.__seen = 0;
  const look = () => { if (!window.__seen && doc.body.textContent.includes(want)) { window.__seen = Date.now(); return true; } return false; };
  const observer = new MutationObserver(() => { if (look()) observer.disconnect(); });
  observer.observe(doc.body, { childList: true, subtree: true, characterData: true });
  resolve(true);
})"""


def serve_loop(work: Path, runs: int) -> dict:
    """Save the example's YAML with a new figure; time until the browser's DOM shows it.

    ``disclose serve`` and Debian's Chromium (Playwright), the page open on the
    department; each save raises 办公费 and the income by k 万元 (the file stays valid)
    and waits for the new total in the document frame's DOM (a
    MutationObserver stamps ``Date.now()``; the save is stamped just before the write)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from serve_support import Server, chromium, edited_example

    from generator.serve import engine, pages

    folder = work / "serve"
    folder.mkdir()
    path = folder / EXAMPLE.name
    original = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    samples: list[float] = []
    with Server(folder, python=PYTHON) as server, chromium() as browser:
        page = browser.new_page()
        from urllib.parse import quote
        page.goto(f"{server.url}/d/{quote(path.name)}/")
        exact = "() => document.getElementById('paging').textContent.includes('与 PDF 一致')"
        page.wait_for_function(exact, timeout=120_000)
        for k in range(1, runs + 2):
            text, total = edited_example(original, str(k))  # the income and 办公费 +k: still balanced
            page.evaluate(LOOP_JS, total)
            t0 = time.time()
            path.write_text(text, encoding="utf-8")
            page.wait_for_function("() => window.__seen > 0", timeout=60_000)
            seen = page.evaluate("() => window.__seen") / 1000
            if k > 1:  # the first save warms the path (first cut of a changed document)
                samples.append(seen - t0)
            page.wait_for_function(exact, timeout=120_000)  # the layout of this version is done
    # the server's share, in this process (warm): check + document + HTML, then the cut into pages
    p = engine.preview(path)
    engine.warm()
    pmap = engine.layout(p.doc, p.fmt)
    pre, cut = [], []
    for _ in range(max(runs, 5)):
        t = time.process_time()  # CPU: what a save costs the server, whatever else the machine runs
        p = engine.preview(path)
        pre.append(time.process_time() - t)
        t = time.process_time()
        pages.cut(p.html, pmap, exact=True)
        cut.append(time.process_time() - t)
    return {"wall": med(samples), "walls": [round(x, 3) for x in samples], "max": max(samples),
            "preview": med(pre), "cut": med(cut)}


# --- the report -----------------------------------------------------------------------------------

def report(m: dict, cmp: dict | None, singles: dict, bat: dict | None, loads: dict, args,
           loop: dict | None = None) -> str:
    L: list[str] = []
    L.append(f"Run: `{' '.join(['.venv/bin/python', 'benchmarks/bench.py', *sys.argv[1:]])}` — {m['date']}")
    L.append("")
    L.append("| Machine | |\n|---|---|")
    for k, label in (("cpu", "CPU"), ("cores", "Cores"), ("ram", "RAM"), ("os", "OS"), ("python", "Python"),
                     ("weasyprint", "WeasyPrint"), ("disclose", "disclose"), ("soffice", "LibreOffice"),
                     ("chromium", "Chromium")):
        L.append(f"| {label} | {m[k]} |")
    L.append(f"| Load average (1, 5, 15 min) | start {loads['start']}; end {loads['end']} |")
    if loads.get("kept"):
        L.append(f"| Kept from an earlier run | {loads['kept']} |")
    L.append("")
    targets = []
    if cmp:
        d = cmp["disclose"]
        L.append(f"### The 2020 example, the same document three ways (median of {args.runs}, interleaved)\n")
        L.append("| | wall (s) | CPU (s) | runs (wall, s) | peak RSS (MB) | output |\n|---|---:|---:|---|---:|---|")
        L.append(f"| disclose build (YAML → DOCX + PDF) | {d['wall']:.2f} | {d['cpu']:.2f} | {d['walls']} | "
                 f"{d['maxrss_mb']:.0f} | PDF {cmp['pdf_pages']} pages, {cmp['pdf_bytes'] / 1024:.0f} KB |")
        for key, label in (("libreoffice", "LibreOffice: DOCX → PDF"), ("chromium", "Chromium: HTML → PDF")):
            if key in cmp:
                c = cmp[key]
                o = cmp.get(f"{key}_pdf", {})
                L.append(f"| {label} | {c['wall']:.2f} | {c['cpu']:.2f} | {c['walls']} | {c['maxrss_mb']:.0f} | "
                         f"PDF {o.get('pages')} pages, {o.get('bytes', 0) / 1024:.0f} KB |")
        L.append("")
        if "libreoffice" in cmp:
            ratio = d["wall"] / cmp["libreoffice"]["wall"]
            targets.append(("2020 example DOCX + PDF ≤ 0.5 × LibreOffice converting the DOCX", f"{ratio:.2f} ×", ratio <= 0.5))
        if "chromium" in cmp:
            ratio = d["wall"] / cmp["chromium"]["wall"]
            targets.append(("2020 example DOCX + PDF ≤ 1.0 × Chromium printing the HTML", f"{ratio:.2f} ×", ratio <= 1.0))
        targets.append(("PDF of the 2020 example ≤ 1 MB", f"{cmp['pdf_bytes'] / MB:.2f} MB", cmp["pdf_bytes"] <= MB))
        if "libreoffice" in cmp:
            ratio = d["wall"] / cmp["libreoffice"]["wall"]
            targets.append(("fresh `disclose build` of the 2020 example ≤ 1.0 × LibreOffice converting the DOCX",
                            f"{ratio:.2f} ×", ratio <= 1.0))
    if loop:
        L.append(f"### `disclose serve`: the edit loop (median of {len(loop['walls'])})\n")
        L.append("A save of the 2020 example's YAML (a new 办公费 and income, still valid) until the new total is in "
                 "the browser's DOM (headless Chromium, the department open; the layout of the previous save "
                 "finished).\n")
        L.append("| | wall (s) | runs (s) |\n|---|---:|---|")
        L.append(f"| save → the new figure in the page | {loop['wall']:.3f} | {loop['walls']} |")
        if cmp and "libreoffice" in cmp:
            L.append(f"| LibreOffice converting the DOCX (same run, above) | {cmp['libreoffice']['wall']:.2f} | |")
        L.append(f"\nIn the server (one process, warm, median CPU): check + document + HTML {loop['preview'] * 1000:.0f} ms, "
                 f"cutting the HTML into the pages of the last layout {loop['cut'] * 1000:.0f} ms; the rest is the "
                 "file watcher's quiet period (5 ms), the event that carries the changed pages to the page, and the DOM "
                 "update. "
                 "The exact pages (WeasyPrint's layout, in the worker process) follow about a second later.\n")
        targets.append(("edit loop: save → new figure in the browser ≤ 0.1 s", f"{loop['wall']:.3f} s",
                        loop["wall"] <= 0.1))
        if cmp and "libreoffice" in cmp:
            speed = cmp["libreoffice"]["wall"] / loop["wall"]
            targets.append(("edit loop ≥ 15 × faster than LibreOffice converting the DOCX", f"{speed:.0f} ×",
                            speed >= 15))
    if singles:
        L.append(f"### Single builds in one process (a batch worker; warm = median of {args.runs})\n")
        L.append("| department | first build CPU (s) | warm build CPU (s) | warm wall (s) | PDF (KB) | peak RSS (MB) |\n"
                 "|---|---:|---:|---:|---:|---:|")
        for name, s in singles.items():
            L.append(f"| {name} | {s['first_cpu']:.2f} | {s['warm_cpu']:.2f} | {s['warm_wall']:.2f} | "
                     f"{s['pdf_bytes'] / 1024:.0f} | {s['maxrss_mb']:.0f} |")
        L.append(f"\nImports before the first build: {next(iter(singles.values()))['imports_cpu']:.2f} s CPU. "
                 "Where a warm build of the example goes (CPU seconds, median):\n")
        ex = next(iter(singles.values()))
        L.append("| stage | CPU (s) |\n|---|---:|")
        for k, v in ex["phases"].items():
            L.append(f"| {k} | {v:.3f} |")
        L.append("")
    if bat:
        L.append(f"### Batch: {bat['n']} synthetic example-size departments, `-j {bat['jobs']}`\n")
        L.append("| | |\n|---|---:|")
        L.append(f"| wall | {bat['wall']:.1f} s ({bat['per_department']:.2f} s per department) |")
        L.append(f"| CPU (all processes) | {bat['cpu']:.1f} s ({bat['cpu'] / bat['n']:.2f} s per department) |")
        L.append(f"| wall on an idle machine (estimate: CPU ÷ {bat['jobs']} workers) | {bat['cpu'] / bat['jobs']:.1f} s |")
        L.append(f"| PDFs written | {bat['built']} |")
        L.append(f"| peak RSS of the largest process (a worker) | {bat['maxrss_mb']:.0f} MB |")
        L.append(f"| second run, nothing changed | {bat['again_wall']:.1f} s, all skipped: {bat['again_unchanged']} |")
        L.append("")
        targets.append((f"{bat['n']} departments of example size ≤ 60 s on 2 cores (-j {bat['jobs']})",
                        f"{bat['wall']:.1f} s (idle estimate {bat['cpu'] / bat['jobs']:.0f} s)",
                        bat["wall"] <= 60 * bat["n"] / 100))
        targets.append(("peak memory ≤ 400 MB per worker", f"{bat['maxrss_mb']:.0f} MB", bat["maxrss_mb"] <= 400))
    if targets:
        L.append("### Targets\n")
        L.append("| target | measured | met |\n|---|---:|:---:|")
        for t, v, ok in targets:
            L.append(f"| {t} | {v} | {'yes' if ok else '**no**'} |")
        L.append("")
    return "\n".join(L)


def write_results(text: str, path: Path) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmark results\n\n{START}\n{END}\n"
    if START in old and END in old:
        head, rest = old.split(START, 1)
        _, tail = rest.split(END, 1)
        new = f"{head}{START}\n{text}\n{END}{tail}"
    else:
        new = f"{old.rstrip()}\n\n{START}\n{text}\n{END}\n"
    path.write_text(new, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description="disclose benchmark")
    ap.add_argument("--quick", action="store_true", help="20-department batch, 3 runs")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement (median); default 5")
    ap.add_argument("--batch", type=int, default=None, help="departments in the batch; default 100")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip", action="append", default=[], choices=["compare", "single", "batch", "serve"])
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--report-only", action="store_true", help="rewrite results.md from results.json, measure nothing")
    args = ap.parse_args()
    args.runs = args.runs or (3 if args.quick else 5)
    args.batch = args.batch or (20 if args.quick else 100)

    if args.report_only:
        raw = json.loads(RAW.read_text(encoding="utf-8"))
        args.runs = raw["runs"]
        sys.argv[1:] = raw["argv"]
        text = report(raw["machine"], raw["compare"], raw["single"], raw["batch"], raw["loads"], args, raw.get("serve"))
        write_results(text, args.out)
        print(text)
        return

    import synth

    loads = {"start": load()}
    m = machine()
    work = Path(tempfile.mkdtemp(prefix="disclose-bench-"))
    try:
        cmp = None if "compare" in args.skip else compare(work, args.runs)
        if cmp:
            print(json.dumps({k: v for k, v in cmp.items()}, ensure_ascii=False), file=sys.stderr)
        singles = {}
        if "single" not in args.skip:
            synth_dir = work / "single"
            s1 = synth.write(synth_dir, 1, scale=1)[0]
            s5 = synth.write(synth_dir, 1, scale=5)[0]
            for name, path in (("2020 example", EXAMPLE), ("synthetic, example size", s1), ("synthetic, 5 × larger", s5)):
                singles[name] = single(path, work / "single-out", args.runs)
                print(name, json.dumps(singles[name], ensure_ascii=False), file=sys.stderr)
        loop = None if "serve" in args.skip else serve_loop(work, max(args.runs, 10))
        if loop:
            print("serve", json.dumps(loop), file=sys.stderr)
        bat = None if "batch" in args.skip else batch(work, args.batch, args.jobs)
        if bat:
            print(json.dumps(bat), file=sys.stderr)
        loads["end"] = load()
        # sections not measured this time (--skip) keep the numbers of the last run, said so in the report
        previous = json.loads(RAW.read_text(encoding="utf-8")) if RAW.exists() and args.skip else {}
        kept = []
        for key, label in (("compare", "the same document three ways"), ("single", "single builds"),
                           ("batch", "batch"), ("serve", "edit loop")):
            name = "serve" if key == "serve" else key
            if name in args.skip and previous.get(key):
                kept.append(label)
                if key == "compare":
                    cmp = previous[key]
                elif key == "single":
                    singles = previous[key]
                elif key == "batch":
                    bat = previous[key]
                else:
                    loop = previous[key]
        if kept:
            loads["kept"] = f"{', '.join(kept)}: not re-measured (--skip), numbers of the run of {previous['machine']['date']}"
        if args.out == RESULTS:
            RAW.write_text(json.dumps({"argv": sys.argv[1:], "runs": args.runs, "machine": m, "compare": cmp,
                                       "single": singles, "batch": bat, "loads": loads, "serve": loop},
                                      ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        text = report(m, cmp, singles, bat, loads, args, loop)
        write_results(text, args.out)
        print(text)
    finally:
        if args.keep:
            print(f"work folder: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
