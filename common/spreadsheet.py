"""Cells of the CSV and XLSX files people open in spreadsheets, made safe from formula injection.

A spreadsheet reads a cell starting with =, +, - or @ as a formula (and tab or carriage return
can hide one), so text someone typed into PeerCare, like `=HYPERLINK("http://evil", "Open")`,
would run on the reader's computer. OWASP's advice is to put a single quote before such text:
spreadsheets show it as text. Only text is quoted: numbers, dates and decimals are written as they
are, so a negative amount stays a number. `CsvWriter` keeps a carriage return inside its cell.

The national data standard's files are read back by PeerCare, so its reader takes the quote off
again (`unquote_cell`). The research extract is for statistical software and is not quoted.
"""

import csv
import io
import re
from collections.abc import Iterable

FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def safe_cell(value):
    """Text that a spreadsheet would read as a formula, with a single quote before it; any other
    value unchanged. Text that already starts with quotes before such a character gets one more:
    a spreadsheet that takes the first quote as its text marker then shows exactly the text, and
    `unquote_cell` gives it back."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


def unquote_cell(text: str) -> str:
    """Undo `safe_cell`: text read back from a file PeerCare wrote, without the quote it added."""
    if text.startswith("'") and FORMULA_START.match(text, 1):
        return text[1:]
    return text


class CsvWriter:
    """`csv.writer` with `\\n` line endings that also quotes a cell holding a carriage return.

    Python's writer quotes only the characters of its own line terminator, so with `\\n` a lone
    `\\r` went out bare, and spreadsheets and CSV readers take it as the end of the row: the rest
    of the cell became a row of its own, whose first cell a spreadsheet would run as a formula.
    A row holding one is written with `\\r\\n` as the terminator, which quotes it, and ends with
    `\\n` like every other row."""

    def __init__(self, out):
        self._out = out
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable) -> None:
        row = list(row)
        if not any(isinstance(cell, str) and "\r" in cell for cell in row):
            self._writer.writerow(row)
            return
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow(row)
        self._out.write(line.getvalue()[:-2] + "\n")

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)
