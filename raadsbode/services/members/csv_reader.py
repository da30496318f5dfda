"""Read a secretary's member spreadsheet (CSV as Excel writes it) into rows keyed by our column names."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

# Each of our columns with the header spellings we accept, compared without case, spaces or punctuation.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "municipality": ("gemeente", "gemeentenaam", "naamgemeente", "lidgemeente", "municipality"),
    "name": ("naam", "volledigenaam", "contactpersoon", "naamcontactpersoon", "name", "fullname"),
    "email": ("email", "emailadres", "mail", "mailadres", "emailaddress"),
    "function": ("functie", "rol", "function", "role", "jobtitle", "title"),
    "first_name": ("voornaam", "firstname"),
    "infix": ("tussenvoegsel", "tussenvoegsels", "infix"),
    "last_name": ("achternaam", "familienaam", "lastname", "surname"),
}
COLUMN_LABELS = {"municipality": "Gemeente", "name": "Naam", "email": "E-mail", "function": "Functie"}
REQUIRED_COLUMNS = ("municipality", "name", "email")
NAME_PARTS = ("first_name", "infix", "last_name")
DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class ImportError_:  # trailing underscore: the builtin ImportError is something else
    """One problem in the file: the line as a spreadsheet numbers it, the column as the file names it."""

    line: int
    column: str
    reason: str


@dataclass
class SheetRow:
    line: int
    values: dict[str, str]


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=lambda: dict(COLUMN_LABELS))
    errors: list[ImportError_] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), UTF-16 with BOM, else the Windows code page Excel uses."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # never fails; cp1252 leaves five bytes undefined


def header_key(label: str) -> str:
    return re.sub(r"[\W_]+", "", label.strip().lower())


def detect_delimiter(text: str) -> tuple[str, str]:
    """The delimiter and the text without Excel's optional `sep=;` first line."""
    first, _, rest = text.partition("\n")
    first = first.rstrip("\r\n")
    if first.lower().startswith("sep=") and len(first) == 5:
        return first[4], rest
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: len(re.findall(re.escape(d), re.sub(r'"[^"]*"', "", header))) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return (best if counts[best] else ";"), text


def read_sheet(data: bytes, required: tuple[str, ...] = REQUIRED_COLUMNS) -> Sheet:
    """Rows keyed by our column names; `required` columns missing from the header are errors."""
    delimiter, text = detect_delimiter(decode(data))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet, columns, start = Sheet(), None, 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            if columns is None:
                columns = _map_header(cells, start, sheet, required)
            else:
                sheet.rows.append(SheetRow(start, _row_values(cells, columns)))
        start = reader.line_num + 1
    if columns is None:
        sheet.errors.append(ImportError_(1, "", "Het bestand is leeg: geen kopregel gevonden."))
    return sheet


def _map_header(cells: list[str], line: int, sheet: Sheet, required: tuple[str, ...]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, label in enumerate(cells):
        column = _column_for(label)
        if column and column not in columns:
            columns[column] = index
            sheet.labels[column] = label.strip()
    if "name" not in columns and {"first_name", "last_name"} <= columns.keys():
        columns["name"] = -1  # composed from the name parts
    for column in required:
        if column not in columns:
            sheet.errors.append(ImportError_(line, COLUMN_LABELS[column], _missing_column(column, cells)))
    return columns


def _column_for(label: str) -> str | None:
    key = header_key(label)
    return next((column for column, aliases in HEADER_ALIASES.items() if key in aliases), None)


def _missing_column(column: str, cells: list[str]) -> str:
    found = ", ".join(f"'{c.strip()}'" for c in cells if c.strip()) or "geen"
    return f"kolom '{COLUMN_LABELS[column]}' ontbreekt in de kopregel (gevonden: {found})"


def _row_values(cells: list[str], columns: dict[str, int]) -> dict[str, str]:
    values = {c: cells[i].strip() if 0 <= i < len(cells) else "" for c, i in columns.items()}
    if columns.get("name") == -1:
        values["name"] = " ".join(values[part] for part in NAME_PARTS if values.get(part))
    return values
