"""The long fuzz run: ≥ 10,000 mutated departments, the hostile inputs of issue 10, and publishing races.

    python benchmarks/fuzz_long.py [--n 10000] [--jobs 2] [--start 0] [--pdf-every 0] [--race-every 10]
                                   [--no-hostile] [--out benchmarks/fuzz-results.md]
    FUZZ_LONG=1 pytest tests/test_fuzz.py -k long      # the same, from the test suite

Three kinds of work, all from ``tests/fuzzing.py``:

- case ``i``: ``mutate(random.Random(i))`` built through the real ``build_department``
  (check, glyph check, document model, HTML, DOCX, publishing; the PDF for every
  ``--pdf-every``-th case); replay one alone with ``python tests/fuzzing.py i``;
- every ``--race-every``-th case is also published over an example department by a
  process killed with SIGKILL at a random step of publishing (``fuzzing.race``);
- every entry of ``fuzzing.HOSTILE`` (hostile department files, format folders and
  output folders from issue 10) through the real command line (``fuzzing.run_hostile``).

The report counts built / rejected / other, and the four promises: tracebacks,
files written outside the output folder, commands run from templates (a canary file)
and mixed old/new sets — each must be 0 (the exit status is 1 otherwise).
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


def _task(task: tuple[str, int]) -> tuple[str, int, str, str, str, float]:
    """(kind of task, number, what was done, outcome, detail, seconds)."""
    import fuzzing

    kind, i = task
    if kind == "hostile":
        h = fuzzing.HOSTILE[i]
        o = fuzzing.run_hostile(h, _WORK)
        return kind, i, h.name, o.kind, o.detail, o.seconds
    what, raw = fuzzing.mutate(random.Random(i))
    if kind == "race":
        o = fuzzing.race(random.Random(-i - 1), raw, _WORK)
        return kind, i, f"race+{what}", o.kind, o.detail, o.seconds
    full = bool(_PDF_EVERY) and i % _PDF_EVERY == 0
    o = fuzzing.classify_detail(raw, _WORK, full_pdf=full)
    return kind, i, what, o.kind, o.detail, o.seconds


PROMISES = {  # the four counts that must be 0, by the start of an "other" outcome's detail
    "traceback": ("exception escaped", "traceback", "internal error"),
    "outside": ("written outside",),
    "canary": ("canary",),
    "mixed": ("mixed set",),
}


def promise_of(detail: str) -> str | None:
    for name, starts in PROMISES.items():
        if detail.startswith(starts):
            return name
    return None


def run(n: int, jobs: int, start: int = 0, pdf_every: int = 0, out: Path | None = None, quiet: bool = False,
        race_every: int = 10, hostile: bool = True) -> dict:
    import fuzzing

    tasks: list[tuple[str, int]] = [("hostile", j) for j in range(len(fuzzing.HOSTILE))] if hostile else []
    tasks += [("case", i) for i in range(start, start + n)]
    if race_every:
        tasks += [("race", i) for i in range(start, start + n, race_every)]
    counts: collections.Counter[str] = collections.Counter()
    by_op: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    hostile_rows: list[tuple[str, str, str]] = []
    races: collections.Counter[str] = collections.Counter()
    broken: collections.Counter[str] = collections.Counter()
    others: list[tuple[str, int, str, str]] = []
    slowest: list[tuple[float, int, str]] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-long-") as work:
        ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        with ctx.Pool(jobs, initializer=_init, initargs=(work, pdf_every), maxtasksperchild=500) as pool:
            for done, (kind, i, what, outcome, detail, seconds) in enumerate(
                    pool.imap_unordered(_task, tasks, chunksize=1), 1):
                if outcome == "other":
                    others.append((kind, i, what, detail))
                    broken[promise_of(detail) or "other"] += 1
                    print(f"\n[other] {kind} {i} ({what}): {detail[:800]}", file=sys.stderr, flush=True)
                if kind == "hostile":
                    hostile_rows.append((what, outcome, detail))
                elif kind == "race":
                    races[outcome] += 1
                else:
                    counts[outcome] += 1
                    for op in what.split("+"):
                        by_op[op.split(":")[0]][outcome] += 1
                    slowest = sorted(slowest + [(seconds, i, what)], reverse=True)[:5]
                if not quiet and (done % 250 == 0 or done == len(tasks)):
                    rate = done / (time.perf_counter() - began)
                    print(f"{done}/{len(tasks)}  built {counts['built']}  rejected {counts['rejected']}  "
                          f"other {len(others)}  ({rate:.1f}/s)", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - began
    summary = {"n": n, "start": start, "jobs": jobs, "elapsed": elapsed, "counts": dict(counts),
               "by_op": {k: dict(v) for k, v in sorted(by_op.items())}, "others": others, "slowest": slowest,
               "pdf_every": pdf_every, "race_every": race_every, "races": dict(races),
               "hostile": sorted(hostile_rows), "broken": dict(broken)}
    text = report(summary)
    print(text)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return summary


def report(s: dict) -> str:
    c, b = s["counts"], s["broken"]
    hostile = s["hostile"]
    lines = [
        "# 长时间模糊测试结果（benchmarks/fuzz_long.py）",
        "",
        f"- 随机输入：{s['n']} 个（用例编号 {s['start']}–{s['start'] + s['n'] - 1}，"
        f"`python tests/fuzzing.py 编号` 可单独重现任一用例）",
        f"- 问题 10 的恶意输入：{len(hostile)} 个（部门文件、格式文件夹、输出文件夹，经命令行 `disclose build` 生成）",
        f"- 发布竞争：{sum(s['races'].values())} 次（每 {s['race_every']} 个随机输入一次：先发布示例部门，再发布该输入，"
        "发布过程在随机一步被 SIGKILL）" if s["race_every"] else "- 发布竞争：未运行",
        f"- 进程数：{s['jobs']}；用时：{s['elapsed']:.0f} 秒；机器：{platform.machine()}，Python {platform.python_version()}",
        f"- PDF：{'每 ' + str(s['pdf_every']) + ' 个随机输入完整生成一次' if s['pdf_every'] else '随机输入不生成 PDF（检查、字形检查、文档模型、HTML、DOCX、发布照常运行）'}；恶意输入全部完整生成",
        "",
        "四项承诺（都应为 0）：",
        "",
        "| 承诺 | 违反次数 |",
        "| --- | ---: |",
        f"| 回溯（Traceback、内部错误） | {b.get('traceback', 0)} |",
        f"| 写到输出文件夹之外的文件 | {b.get('outside', 0)} |",
        f"| 模板执行的命令（金丝雀文件被创建） | {b.get('canary', 0)} |",
        f"| 新旧混杂的文件组 | {b.get('mixed', 0)} |",
        f"| 其他不符合预期的结果 | {b.get('other', 0)} |",
        "",
        "随机输入：",
        "",
        "| 结果 | 个数 |",
        "| --- | ---: |",
        f"| 生成成功（built） | {c.get('built', 0)} |",
        f"| 拒绝并给出中文错误（rejected with message） | {c.get('rejected', 0)} |",
        f"| 其他（异常、无位置的消息、无效输入却有输出……） | {c.get('other', 0)} |",
        "",
    ]
    if s["race_every"]:
        r = s["races"]
        lines += [f"发布竞争：进程在发布中被杀 {r.get('race-killed', 0)} 次，发布在被杀之前已完成 "
                  f"{r.get('race-finished', 0)} 次，新旧混杂 {r.get('other', 0)} 次。", ""]
    if hostile:
        lines += ["恶意输入（问题 10）：", "", "| 输入 | 结果 | 说明 |", "| --- | --- | --- |"]
        for name, outcome, detail in hostile:
            note = (detail.splitlines()[0] if detail else "").replace("|", "\\|")[:160]
            cell = name.replace("|", "\\|")
            lines.append(f"| {cell} | {outcome} | {note} |")
        lines.append("")
    lines += ["按变异方式：", "", "| 变异 | built | rejected | other |", "| --- | ---: | ---: | ---: |"]
    for op, k in s["by_op"].items():
        lines.append(f"| {op} | {k.get('built', 0)} | {k.get('rejected', 0)} | {k.get('other', 0)} |")
    lines += ["", "最慢的随机输入：", ""]
    for seconds, i, what in s["slowest"]:
        lines.append(f"- 用例 {i}（{what}）：{seconds:.1f} 秒")
    if s["others"]:
        lines += ["", "不符合预期的结果：", ""]
        for kind, i, what, detail in s["others"][:60]:
            lines.append(f"- {kind} {i}（{what}）：{detail.splitlines()[0][:300] if detail else ''}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="number of inputs (default 10000)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--start", type=int, default=0, help="first case number")
    ap.add_argument("--pdf-every", type=int, default=0, help="render the PDF for every k-th case (0: never)")
    ap.add_argument("--race-every", type=int, default=10, help="a publishing race for every k-th case (0: none)")
    ap.add_argument("--no-hostile", action="store_true", help="skip the hostile inputs of issue 10")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "fuzz-results.md")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    s = run(a.n, a.jobs, a.start, a.pdf_every, a.out, a.quiet, a.race_every, not a.no_hostile)
    return 1 if s["others"] else 0


if __name__ == "__main__":
    sys.exit(main())
