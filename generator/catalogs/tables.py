"""科目 lists as a bureau has them: CSV or XLSX exported from the budget system.

Two columns matter: the code and the name. Headers are recognised in Chinese (科目编码 /
科目代码 / 编码 / 代码 / 科目编号; 科目名称 / 名称); title rows above the header are skipped.
Codes beginning with 2 are 支出功能分类, with 3 部门预算支出经济分类; 类/款/项 follow from
the length (3/5/7 digits). Names are trimmed (budget systems indent them with spaces or
full-width spaces). CSV may be UTF-8 (with or without BOM) or GBK/GB18030.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from ..errors import Location, Problem
from ..load.files import read_regular

CODE_HEADERS = ("科目编码", "科目代码", "科目编号", "编码", "代码", "科目")
NAME_HEADERS = ("科目名称", "名称")
MAX_ROWS = 50_000
MAX_XLSX_UNPACKED = 100 * 1024 * 1024  # a zip bomb is refused before openpyxl reads it
HEADER_SEARCH_ROWS = 20
RULE = "catalog.override"

Row = tuple[int, list[str]]  # (1-based row number, cells as text)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # Excel stores 2130101 as 2130101.0
        return str(int(value))
    return str(value).strip().strip("\u3000").strip()


def _decode(raw: bytes) -> str | None:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def _csv_rows(raw: bytes, path: str) -> tuple[list[Row], list[Problem]]:
    text = _decode(raw)
    if text is None:
        return [], [Problem(RULE, "科目文件应为 UTF-8 或 GBK 编码的 CSV", Location(path, 1, 1))]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for i, row in enumerate(reader, start=1):
            if i > MAX_ROWS:
                return rows, [Problem(RULE, f"科目文件行数过多：应不超过 {MAX_ROWS} 行", Location(path, i, 1))]
            rows.append((i, [_cell(c) for c in row]))
    except csv.Error as exc:
        return rows, [Problem(RULE, f"CSV 格式有误：{exc}", Location(path, reader.line_num, 1))]
    return rows, []


def _xlsx_rows(raw: bytes, path: str) -> tuple[list[Row], list[Problem]]:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except zipfile.BadZipFile:
        return [], [Problem(RULE, "不是有效的 XLSX 文件（Excel 2007 及以后的格式）；旧的 .xls 请在 Excel 中另存为 .xlsx 或 CSV", Location(path, 1, 1))]
    if unpacked > MAX_XLSX_UNPACKED:
        return [], [Problem(RULE, f"XLSX 文件解压后过大（{unpacked // 1024 // 1024} MB）：应不超过 {MAX_XLSX_UNPACKED // 1024 // 1024} MB", Location(path, 1, 1))]
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        return [], [Problem(RULE, "无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿", Location(path, 1, 1))]
    rows: list[Row] = []
    try:
        sheet = book.worksheets[0]
        for i, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if i > MAX_ROWS:
                return rows, [Problem(RULE, f"科目文件行数过多：应不超过 {MAX_ROWS} 行", Location(path, i, 1))]
            rows.append((i, [_cell(c) for c in row[:50]]))
    except Exception:  # noqa: BLE001
        return rows, [Problem(RULE, "无法读取 XLSX 文件：工作表已损坏", Location(path, 1, 1))]
    finally:
        book.close()
    return rows, []


def _header(rows: list[Row]) -> tuple[int, int, int] | None:
    """(index in rows, code column, name column) of the header row."""
    for idx, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        code_col = next((c for h in CODE_HEADERS for c, v in enumerate(cells) if v.replace(" ", "") == h), None)
        name_col = next((c for h in NAME_HEADERS for c, v in enumerate(cells) if v.replace(" ", "") == h and c != code_col), None)
        if code_col is not None and name_col is not None:
            return idx, code_col, name_col
    return None


def read_table(path: str) -> tuple[dict[str, tuple[tuple[str, str, Location], ...]], tuple[Problem, ...]]:
    """A CSV/XLSX 科目 list → {section: ((code, name, location), ...)} as for a YAML override file."""
    from . import ECONOMIC_KEY, FUNCTION_KEY, _LEVELS

    raw, problem = read_regular(Path(path), "科目补充文件", Location(path), rule=RULE)
    if problem is not None:
        return {}, (problem,)
    assert raw is not None
    rows, problems = (_xlsx_rows if path.lower().endswith((".xlsx", ".xlsm")) else _csv_rows)(raw, path)
    if problems and not rows:
        return {}, tuple(problems)
    header = _header(rows)
    if header is None:
        problems.append(Problem(RULE, "找不到表头：科目文件应有“科目编码”（或“科目代码”“编码”）和“科目名称”（或“名称”）两列",
                                Location(path, 1, 1)))
        return {}, tuple(problems)
    start, code_col, name_col = header
    sections: dict[str, list[tuple[str, str, Location]]] = {FUNCTION_KEY: [], ECONOMIC_KEY: []}
    seen: dict[str, int] = {}
    for line, cells in rows[start + 1:]:
        code = cells[code_col].replace(" ", "") if code_col < len(cells) else ""
        name = cells[name_col] if name_col < len(cells) else ""
        if not code and not name:
            continue
        where = Location(path, line, code_col + 1)
        if not (code.isascii() and code.isdigit()):
            problems.append(Problem(RULE, f"第 {line} 行的科目编码应为数字，实际是“{code[:40]}”", where))
            continue
        section = FUNCTION_KEY if code.startswith("2") else ECONOMIC_KEY if code.startswith("3") else None
        if section is None:
            problems.append(Problem(RULE, f"第 {line} 行的科目编码 {code} 既不是支出功能分类（2 开头）也不是部门预算支出经济分类（3 开头）", where))
            continue
        levels = _LEVELS["function" if section == FUNCTION_KEY else "economic"]
        if len(code) not in levels:
            lengths = "、".join(f"{n} 位（{lv}）" for n, lv in levels.items())
            problems.append(Problem(RULE, f"第 {line} 行：{section}科目编码应为 {lengths}，实际“{code}”是 {len(code)} 位", where))
            continue
        if not name:
            problems.append(Problem(RULE, f"第 {line} 行：科目 {code} 没有名称", Location(path, line, name_col + 1)))
            continue
        if code in seen:
            problems.append(Problem(RULE, f"第 {line} 行：科目 {code} 重复（第 {seen[code]} 行已经写过）", where))
            continue
        seen[code] = line
        sections[section].append((code, name, where))
    return {k: tuple(v) for k, v in sections.items() if v}, tuple(problems)
