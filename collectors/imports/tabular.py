"""Reading spreadsheets the way administrators export them: headers by name, French formats.

A ``Sheet`` is rows of raw cells with where they came from (file, sheet, line). ``Column`` says
which header names (French and English aliases, compared without case, accents or punctuation)
feed which field, and how to parse it. Every problem names file, sheet, line and column; parsing
collects up to ``MAX_ERRORS`` of them before failing, and nothing is written on failure.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from inventory.errors import InvalidSourceData

MAX_ERRORS = 20


def normalise_header(text: Any) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: 'Numéro de série ' → 'numero de serie'."""
    value = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9#]+", " ", value.lower())
    return " ".join(value.split())


@dataclass
class Sheet:
    """One tab or CSV file: header cells and data rows (line numbers as the user sees them)."""

    file: str
    name: str | None
    headers: list[str]
    rows: list[tuple[int, list[Any]]]

    def where(self, line: int | None = None, column: str | None = None) -> str:
        """'file, onglet vInfo, ligne 7, colonne 'CPUs'' for messages (the CLI speaks French)."""
        parts = [self.file]
        if self.name:
            parts.append(f"onglet {self.name}")
        if line is not None:
            parts.append(f"ligne {line}")
        if column is not None:
            parts.append(f"colonne '{column}'")
        return ", ".join(parts)


# -- cell parsers: raw cell → value, or ValueError with a short reason -----------------------------


def parse_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_float(value: Any, *, decimal: str = "auto") -> float | None:
    """1 234,56 / 1234.56 / 1.234,56 € → 1234.56; decimal=',' or '.' forces the separator."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _SPACES.sub("", str(value)).replace("€", "").replace("EUR", "").strip()
    if not text or text in {"-", "—"}:
        return None
    if decimal == "auto":
        if "," in text and "." in text:
            decimal = "," if text.rfind(",") > text.rfind(".") else "."
        else:
            decimal = "," if "," in text else "."
    thousands = "." if decimal == "," else ","
    text = text.replace(thousands, "").replace(decimal, ".")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"'{value}' n'est pas un nombre") from None


def parse_int(value: Any, *, decimal: str = "auto") -> int | None:
    number = parse_float(value, decimal=decimal)
    if number is None:
        return None
    if number != int(number):
        raise ValueError(f"'{value}' n'est pas un nombre entier")
    return int(number)


_DATE_FORMATS = {
    "dmy": (
        "%d/%m/%Y",
        "%d/%m/%y",
        "%d-%m-%Y",
        "%d.%m.%Y",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%Y-%m-%d",
        "%Y-%m-%d %H:%M:%S",
    ),
    "iso": ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"),
    "mdy": ("%m/%d/%Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d"),
}


def parse_date(value: Any, *, date_format: str = "dmy") -> date | None:
    """DD/MM/YYYY (French) by default, ISO always; spreadsheet dates pass through."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS[date_format]:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    hint = {"dmy": "JJ/MM/AAAA", "iso": "AAAA-MM-JJ", "mdy": "MM/JJ/AAAA"}[date_format]
    raise ValueError(f"'{value}' n'est pas une date ({hint})")


_TRUE = {"true", "vrai", "oui", "yes", "1", "x", "on"}
_FALSE = {"false", "faux", "non", "no", "0", "off", ""}


def parse_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = normalise_header(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"'{value}' n'est pas oui/non")


_MIB_PER_UNIT = {
    **dict.fromkeys(("mo", "mio", "mb", "mib", "m"), 1.0),
    **dict.fromkeys(("go", "gio", "gb", "gib", "g"), 1024.0),
    **dict.fromkeys(("to", "tio", "tb", "tib", "t"), 1024.0**2),
}
_SIZE = re.compile(r"^(?P<number>.*?\d[\d\s\u00a0\u202f'.,]*)\s*(?P<unit>[A-Za-z]+)?$")


def header_unit_mib(header: str) -> float | None:
    """MiB per unit named at the end of a header ('Mémoire (Go)' → 1024), None if it names none."""
    words = normalise_header(header).split()
    return _MIB_PER_UNIT.get(words[-1]) if len(words) > 1 else None


def parse_memory_mib(value: Any, *, unit_mib: float | None, decimal: str = "auto") -> float | None:
    """A memory size in MiB: '8 Go', '512 Mo', '16 GiB', or a bare number in the header's unit.

    Go/GB and Mo/MB are read as binary units, as vSphere and RVTools count them.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number: float | None = float(value)
        unit = unit_mib
    else:
        text = str(value).strip()
        if not text:
            return None
        match = _SIZE.match(text)
        if match is None:
            raise ValueError(f"'{value}' n'est pas une taille (par exemple 8 Go ou 512 Mo)")
        number = parse_float(match["number"], decimal=decimal)
        unit = unit_mib
        if match["unit"]:
            unit = _MIB_PER_UNIT.get(match["unit"].lower())
            if unit is None:
                raise ValueError(f"'{value}' : unité inconnue '{match['unit']}' (Mo, Go, To)")
    if number is None:
        return None
    if unit is None:
        raise ValueError(f"'{value}' : unité absente (écrire 8 Go ou 512 Mo, ou nommer la colonne 'Mémoire (Go)')")
    return number * unit


@dataclass(frozen=True)
class Column:
    """A field fed by the first header that matches one of ``aliases``.

    ``parse`` turns a raw cell into the field's value (``ValueError`` on a bad cell); ``scale``
    converts units (e.g. GiB → MiB); ``memory`` reads sizes in MiB, the unit taken from the cell
    ('8 Go') or else from the header ('Mémoire (Go)'). ``required`` columns missing from the header
    fail the import, and so do their empty cells (message ``if_empty``).
    """

    field: str
    aliases: tuple[str, ...]
    parse: str = "text"
    scale: float = 1.0
    required: bool = False
    if_empty: str = "vide, une valeur est requise"


@dataclass(frozen=True)
class ParseOptions:
    """How to read numbers and dates: 'auto', ',' or '.'; 'dmy', 'iso' or 'mdy'."""

    decimal: str = "auto"
    date_format: str = "dmy"


def _parser(kind: str, header: str, options: ParseOptions) -> Callable[[Any], Any]:
    unit_mib = header_unit_mib(header)
    return {
        "text": parse_text,
        "float": lambda v: parse_float(v, decimal=options.decimal),
        "int": lambda v: parse_int(v, decimal=options.decimal),
        "date": lambda v: parse_date(v, date_format=options.date_format),
        "bool": parse_bool,
        "memory": lambda v: parse_memory_mib(v, unit_mib=unit_mib, decimal=options.decimal),
    }[kind]


def match_columns(sheet: Sheet, columns: Sequence[Column]) -> dict[str, tuple[int, str]]:
    """field → (index, header as written) of the columns found; unknown headers are ignored.

    A header also matches by its last part after ' - ' (GLPI prefixes financial columns).
    """
    normalised = [normalise_header(h) for h in sheet.headers]
    tails = [normalise_header(str(h).rsplit(" - ", 1)[-1]) for h in sheet.headers]
    found: dict[str, tuple[int, str]] = {}
    for column in columns:
        for alias in column.aliases:
            key = normalise_header(alias)
            for candidates in (normalised, tails):
                if key in candidates:
                    index = candidates.index(key)
                    found[column.field] = (index, str(sheet.headers[index]).strip())
                    break
            if column.field in found:
                break
    missing = [c.aliases[0] for c in columns if c.required and c.field not in found]
    if missing:
        raise InvalidSourceData(
            f"{sheet.where()} : colonne(s) obligatoire(s) absente(s) : {', '.join(repr(m) for m in missing)}"
        )
    return found


@dataclass
class ParsedRow:
    """One data row as field values, with its line number."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)


def parse_rows(sheet: Sheet, columns: Sequence[Column], options: ParseOptions) -> list[ParsedRow]:
    """Every non-empty row parsed; raises ``InvalidSourceData`` listing the bad cells."""
    found = match_columns(sheet, columns)
    by_field = {c.field: c for c in columns}
    parsers = {name: _parser(by_field[name].parse, header, options) for name, (_, header) in found.items()}
    errors: list[str] = []
    parsed: list[ParsedRow] = []
    for line, cells in sheet.rows:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        row = ParsedRow(line)
        for name, (index, header) in found.items():
            raw = cells[index] if index < len(cells) else None
            try:
                value = parsers[name](raw)
            except ValueError as err:
                errors.append(f"{sheet.where(line, header)} : {err}")
                continue
            if value is not None and by_field[name].scale != 1.0:
                value = value * by_field[name].scale
            if value is not None:
                row.values[name] = value
            elif by_field[name].required:
                errors.append(f"{sheet.where(line, header)} : {by_field[name].if_empty}")
        parsed.append(row)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        more = " (premières erreurs seulement)" if len(errors) >= MAX_ERRORS else ""
        raise InvalidSourceData(f"{len(errors)} cellule(s) invalide(s){more} :\n" + "\n".join(errors))
    return parsed


# -- readers ----------------------------------------------------------------------------------


def decode(data: bytes, *, encoding: str = "auto") -> str:
    """Text of a CSV file: UTF-8 (with or without BOM) if it decodes, else cp1252 (Excel FR)."""
    if encoding != "auto":
        return data.decode(encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv(path: Path, *, encoding: str = "auto", delimiter: str = "auto", name: str | None = None) -> Sheet:
    """A CSV file as a sheet; the delimiter (';', ',', tab) is detected from the header line."""
    try:
        text = decode(path.read_bytes(), encoding=encoding)
    except OSError as err:
        raise InvalidSourceData(f"{path} : lecture impossible : {err.strerror}") from None
    except (UnicodeDecodeError, LookupError) as err:
        raise InvalidSourceData(f"{path} : impossible de décoder en {encoding} : {err}") from None
    first = text.split("\n", 1)[0]
    if delimiter == "auto":
        delimiter = max((";", ",", "\t"), key=first.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise InvalidSourceData(f"{path} : fichier vide")
    return Sheet(str(path), name, [h.strip() for h in rows[0]], list(enumerate(rows[1:], start=2)))


def read_xlsx(path: Path, *, only: Iterable[str] | None = None) -> dict[str, Sheet]:
    """The tabs of a workbook as sheets (values, not formulas), by tab name."""
    from openpyxl import load_workbook

    wanted = set(only) if only is not None else None
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InvalidSourceData(f"{path} : fichier introuvable") from None
    except Exception as err:  # noqa: BLE001  (openpyxl raises many types for a corrupt file)
        raise InvalidSourceData(f"{path} : classeur .xlsx illisible ({type(err).__name__} : {err})") from None
    sheets: dict[str, Sheet] = {}
    try:
        for tab in workbook.worksheets:
            if wanted is not None and tab.title not in wanted:
                continue
            rows = tab.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                sheets[tab.title] = Sheet(str(path), tab.title, [], [])
                continue
            body = [(line, list(cells)) for line, cells in enumerate(rows, start=2)]
            sheets[tab.title] = Sheet(str(path), tab.title, [str(h or "").strip() for h in header], body)
    finally:
        workbook.close()
    return sheets
