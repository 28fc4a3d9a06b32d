"""Reading a set of the standard's files from disk or an upload: CSV files, XLSX workbooks (one
sheet per file) and cost templates, each into a `Table` of rows with their physical line numbers.

Header problems (an unknown column, a missing required one, a column twice) are errors of line 1.
A cell's text loses the quote an export puts before text a spreadsheet would read as a formula
(common.spreadsheet.unquote_cell), so exported files import as the same values.
"""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from common.spreadsheet import unquote_cell
from exchange.standard import COST_TEMPLATE, FILES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class Row:
    line: int
    cells: dict[str, str]


@dataclass
class Table:
    kind: str  # the standard's file name without .csv
    source: str  # what errors call the file: sessions.csv, or book.xlsx[sessions]
    rows: list[Row] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


@dataclass
class FileSet:
    """Everything one import reads, and what could not be read at all."""

    tables: dict[str, Table] = field(default_factory=dict)
    cost_templates: dict[str, object] = field(default_factory=dict)  # file name: parsed JSON
    errors: list[str] = field(default_factory=list)

    def add(self, table: Table) -> None:
        if table.kind in self.tables:
            self.errors.append(
                f"{table.source}:1: file: {self.tables[table.kind].source} is also a {table.kind} "
                "file: send each kind of file once"
            )
        else:
            self.tables[table.kind] = table

    @property
    def names(self) -> list[str]:
        return [table.source for table in self.tables.values()] + list(self.cost_templates)


def check_header(kind: str, source: str, columns: list[str], errors: list[str]) -> bool:
    spec = FILES[kind]
    ok = True
    seen = set()
    for column in columns:
        if column in seen:
            errors.append(f"{source}:1: {column}: this column is in the header twice")
            ok = False
        seen.add(column)
        if column not in spec.columns and not column.startswith("x_"):
            errors.append(
                f"{source}:1: {column}: not a column of {spec.filename} in version 1 of the data "
                "standard (own columns must start with x_)"
            )
            ok = False
    for column in spec.columns:
        if column in spec.required and column not in seen:
            errors.append(f"{source}:1: {column}: this required column is missing from the header")
            ok = False
    return ok


def read_csv(kind: str, source: str, data: bytes, files: FileSet) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        files.errors.append(
            f"{source}:1: file: not UTF-8 text ({error.reason} at byte {error.start})"
        )
        return
    if "\x00" in text:  # PostgreSQL cannot store it, nor compare with it
        line = text.count("\n", 0, text.index("\x00")) + 1
        files.errors.append(f"{source}:{line}: file: holds the NUL character (byte 0)")
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        files.errors.append(f"{source}:1: file: {error}")
        return
    if not header:
        files.errors.append(f"{source}:1: file: the file is empty: it needs a header row")
        return
    columns = [column.strip() for column in header]
    table = Table(kind, source, columns=columns)
    if not check_header(kind, source, columns, files.errors):
        files.add(table)
        return
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) > len(columns):
                files.errors.append(
                    f"{source}:{line}: row: {len(cells)} cells but the header has {len(columns)} columns"
                )
                continue
            texts = [unquote_cell(cell.strip()) for cell in cells]
            values = dict(zip(columns, texts, strict=False))
            table.rows.append(Row(line, values))
    except csv.Error as error:
        files.errors.append(f"{source}:{reader.line_num}: row: {error}")
    files.add(table)


def cell_text(value) -> str:
    """An XLSX cell as the standard writes it: dates ISO, whole numbers without .0, yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(source: str, data: bytes, files: FileSet) -> None:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        files.errors.append(f"{source}:1: file: not a readable XLSX workbook ({error})")
        return
    for sheet in book.worksheets:
        kind = sheet.title.strip()
        where = f"{source}[{kind}]"
        if kind not in FILES:
            files.errors.append(
                f"{where}:1: sheet: not a file of the data standard: sheets are named after the "
                f"files ({', '.join(FILES)})"
            )
            continue
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header or not any(header):
            files.errors.append(f"{where}:1: sheet: the sheet is empty: it needs a header row")
            continue
        columns = [cell_text(cell) for cell in header]
        while columns and not columns[-1]:
            columns.pop()
        table = Table(kind, where, columns=columns)
        if check_header(kind, where, columns, files.errors):
            for line, values in enumerate(rows, start=2):
                texts = [unquote_cell(cell_text(value)) for value in values][: len(columns)]
                if any(texts):
                    table.rows.append(Row(line, dict(zip(columns, texts, strict=False))))
        files.add(table)
    book.close()


def read_cost_template(name: str, data: bytes, files: FileSet) -> None:
    try:
        files.cost_templates[name] = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        files.errors.append(f"{name}:1: file: not a JSON cost template ({error})")
    except RecursionError:  # Python's parser stops about a thousand levels deep
        files.errors.append(f"{name}:1: file: nested too deeply to be a cost template")


def read_named(name: str, data: bytes, files: FileSet) -> None:
    """One file by its name: a standard CSV, an XLSX workbook or a cost template."""
    base = Path(name).name
    if base.endswith(".csv") and base[:-4] in FILES:
        read_csv(base[:-4], base, data, files)
    elif base.lower().endswith(".xlsx"):
        read_xlsx(base, data, files)
    elif COST_TEMPLATE.match(base):
        read_cost_template(base, data, files)
    else:
        files.errors.append(
            f"{base}:1: file: not a file of the data standard: name it after its kind "
            f"({', '.join(spec.filename for spec in FILES.values())}), send an .xlsx workbook, "
            "or a cost-template-PRISON-YYYY-YY.json"
        )


def read_path(path: Path) -> FileSet:
    """A folder of files (other files in it are left alone) or one file."""
    files = FileSet()
    paths = sorted(path.iterdir()) if path.is_dir() else [path]
    for item in paths:
        if path.is_dir() and not (
            item.suffix in (".csv", ".xlsx") or COST_TEMPLATE.match(item.name)
        ):
            continue
        read_named(item.name, item.read_bytes(), files)
    if not files.tables and not files.cost_templates and not files.errors:
        files.errors.append(f"{path}:1: file: no file of the data standard here")
    return files
