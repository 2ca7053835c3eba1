"""The long fuzz run: ≥ 10,000 mutated departments, each built or refused with a Chinese message.

    python benchmarks/fuzz_long.py [--n 10000] [--jobs 2] [--start 0] [--pdf-every 0] [--out benchmarks/fuzz-results.md]
    FUZZ_LONG=1 pytest tests/test_fuzz.py -k long      # the same, from the test suite

Case number ``i`` is ``tests/fuzzing.py``'s ``mutate(random.Random(i))``, so any
case can be replayed alone with ``python tests/fuzzing.py i``. Every input goes
through the real ``build_department`` (check, glyph check, document model, HTML,
DOCX, atomic write); the PDF renderer runs for every ``--pdf-every``-th built
input (0: never; PDF layout takes ~3 s). The counts — built, rejected with a
message, anything else — are printed and written to ``benchmarks/fuzz-results.md``;
"anything else" must be 0 (the exit status is 1 otherwise).
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

_WORK: str = ""
_PDF_EVERY = 0


def _init(work: str, pdf_every: int) -> None:
    global _WORK, _PDF_EVERY
    _WORK, _PDF_EVERY = work, pdf_every
    from generator.renderers import load_all

    load_all()


def _case(i: int) -> tuple[int, str, str, str, float]:
    import fuzzing

    what, raw = fuzzing.mutate(random.Random(i))
    full = bool(_PDF_EVERY) and i % _PDF_EVERY == 0
    outcome = fuzzing.classify_detail(raw, _WORK, full_pdf=full)
    return i, what, outcome.kind, outcome.detail, outcome.seconds


def run(n: int, jobs: int, start: int = 0, pdf_every: int = 0, out: Path | None = None, quiet: bool = False) -> dict:
    counts: collections.Counter[str] = collections.Counter()
    by_op: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    others: list[tuple[int, str, str]] = []
    slowest: list[tuple[float, int, str]] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-long-") as work:
        ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        with ctx.Pool(jobs, initializer=_init, initargs=(work, pdf_every), maxtasksperchild=500) as pool:
            for done, (i, what, kind, detail, seconds) in enumerate(
                    pool.imap_unordered(_case, range(start, start + n), chunksize=4), 1):
                counts[kind] += 1
                for op in what.split("+"):
                    by_op[op.split(":")[0]][kind] += 1
                slowest = sorted(slowest + [(seconds, i, what)], reverse=True)[:5]
                if kind == "other":
                    others.append((i, what, detail))
                    print(f"\n[other] case {i} ({what}): {detail[:800]}", file=sys.stderr, flush=True)
                if not quiet and (done % 250 == 0 or done == n):
                    rate = done / (time.perf_counter() - began)
                    print(f"{done}/{n}  built {counts['built']}  rejected {counts['rejected']}  "
                          f"other {counts['other']}  ({rate:.1f}/s)", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - began
    summary = {"n": n, "start": start, "jobs": jobs, "elapsed": elapsed, "counts": dict(counts),
               "by_op": {k: dict(v) for k, v in sorted(by_op.items())}, "others": others, "slowest": slowest,
               "pdf_every": pdf_every}
    text = report(summary)
    print(text)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return summary


def report(s: dict) -> str:
    c = s["counts"]
    lines = [
        "# 长时间模糊测试结果（benchmarks/fuzz_long.py）",
        "",
        f"- 输入数：{s['n']}（用例编号 {s['start']}–{s['start'] + s['n'] - 1}，"
        f"`python tests/fuzzing.py 编号` 可单独重现任一用例）",
        f"- 进程数：{s['jobs']}；用时：{s['elapsed']:.0f} 秒；机器：{platform.machine()}，Python {platform.python_version()}",
        f"- PDF：{'每 ' + str(s['pdf_every']) + ' 个用例完整生成一次' if s['pdf_every'] else '不生成（检查、字形检查、文档模型、HTML、DOCX、原子写入照常运行）'}",
        "",
        "| 结果 | 个数 |",
        "| --- | ---: |",
        f"| 生成成功（built） | {c.get('built', 0)} |",
        f"| 拒绝并给出中文错误（rejected with message） | {c.get('rejected', 0)} |",
        f"| 其他（异常、无位置的消息、无效输入却有输出……） | {c.get('other', 0)} |",
        "",
        "按变异方式：",
        "",
        "| 变异 | built | rejected | other |",
        "| --- | ---: | ---: | ---: |",
    ]
    for op, k in s["by_op"].items():
        lines.append(f"| {op} | {k.get('built', 0)} | {k.get('rejected', 0)} | {k.get('other', 0)} |")
    lines += ["", "最慢的用例：", ""]
    for seconds, i, what in s["slowest"]:
        lines.append(f"- 用例 {i}（{what}）：{seconds:.1f} 秒")
    if s["others"]:
        lines += ["", "“其他”的用例：", ""]
        for i, what, detail in s["others"][:50]:
            lines.append(f"- 用例 {i}（{what}）：{detail.splitlines()[0][:300] if detail else ''}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="number of inputs (default 10000)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--start", type=int, default=0, help="first case number")
    ap.add_argument("--pdf-every", type=int, default=0, help="render the PDF for every k-th case (0: never)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "fuzz-results.md")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    s = run(a.n, a.jobs, a.start, a.pdf_every, a.out, a.quiet)
    return 1 if s["counts"].get("other") else 0


if __name__ == "__main__":
    sys.exit(main())
