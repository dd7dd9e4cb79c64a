"""Reading spreadsheets the way administrators export them: headers by name, French formats.

A ``Sheet`` is rows of raw cells with where they came from (file, sheet, line). ``Column`` says
which header names (French and English aliases, compared without case, accents or punctuation)
feed which field, and how to parse it. Every problem names file, sheet, line and column; parsing
collects up to ``MAX_ERRORS`` of them before failing, and nothing is written on failure.
"""

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from collectors.imports.limits import DEFAULT_TEXT_LENGTH, RANGES, date_bounds, preview, text_problem
from inventory.errors import InvalidSourceData

MAX_ERRORS = 20
#: Longest CSV field read (the csv module's default); no column of the inventory stores as much.
MAX_CSV_FIELD = 131_072
UNCOMPUTED = "formule sans valeur calculée : enregistrez le classeur dans Excel/LibreOffice"


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
    #: (line, column index) → why the cell cannot be read (formula without value, error cell).
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)

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
        return _finite(value, value)
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
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError(f"'{preview(value)}' n'est pas un nombre")
    return _finite(float(text), value)


def _finite(number: float, raw: Any) -> float:
    """The number as a float, refusing NaN, infinities and what no float holds (1e400)."""
    try:
        result = float(number)
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):
        raise ValueError(f"'{preview(raw)}' n'est pas un nombre fini")
    return result


def parse_int(value: Any, *, decimal: str = "auto") -> int | None:
    number = parse_float(value, decimal=decimal)
    if number is None:
        return None
    if number != int(number):
        raise ValueError(f"'{preview(value)}' n'est pas un nombre entier")
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
    raise ValueError(f"'{preview(value)}' n'est pas une date ({hint})")


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
    raise ValueError(f"'{preview(value)}' n'est pas oui/non")


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
        number: float | None = _finite(value, value)
        unit = unit_mib
    else:
        text = str(value).strip()
        if not text:
            return None
        match = _SIZE.match(text)
        if match is None:
            raise ValueError(f"'{preview(value)}' n'est pas une taille (par exemple 8 Go ou 512 Mo)")
        number = parse_float(match["number"], decimal=decimal)
        unit = unit_mib
        if match["unit"]:
            unit = _MIB_PER_UNIT.get(match["unit"].lower())
            if unit is None:
                raise ValueError(f"'{preview(value)}' : unité inconnue '{preview(match['unit'])}' (Mo, Go, To)")
    if number is None:
        return None
    if unit is None:
        raise ValueError(
            f"'{preview(value)}' : unité absente (écrire 8 Go ou 512 Mo, ou nommer la colonne 'Mémoire (Go)')"
        )
    return _finite(number * unit, value)


@dataclass(frozen=True)
class Column:
    """A field fed by the first header that matches one of ``aliases``.

    ``parse`` turns a raw cell into the field's value (``ValueError`` on a bad cell); ``scale``
    converts units (e.g. GiB → MiB); ``memory`` reads sizes in MiB, the unit taken from the cell
    ('8 Go') or else from the header ('Mémoire (Go)'). ``required`` columns missing from the header
    fail the import, and so do their empty cells (message ``if_empty``). Text cells hold at most
    ``max_length`` characters (the inventory's column); numbers and dates stay within
    ``collectors.imports.limits`` (by field name).
    """

    field: str
    aliases: tuple[str, ...]
    parse: str = "text"
    scale: float = 1.0
    required: bool = False
    if_empty: str = "vide, une valeur est requise"
    max_length: int = DEFAULT_TEXT_LENGTH


@dataclass(frozen=True)
class ParseOptions:
    """How to read numbers and dates: 'auto', ',' or '.'; 'dmy', 'iso' or 'mdy'.

    ``today`` bounds the dates (``limits.date_bounds``): the real date unless a test fixes it.
    """

    decimal: str = "auto"
    date_format: str = "dmy"
    today: date | None = None

    def check(self) -> None:
        """Refuse options this module cannot honour (``InvalidSourceData``, named in French)."""
        if self.decimal not in ("auto", ",", "."):
            raise InvalidSourceData(f"séparateur décimal '{preview(self.decimal)}' inconnu : auto, ',' ou '.'")
        if self.date_format not in _DATE_FORMATS:
            raise InvalidSourceData(f"format de date '{preview(self.date_format)}' inconnu : dmy, iso ou mdy")


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


def missing_columns(columns: Sequence[Column], shown: int = 8) -> str:
    """ "'CPUs', 'Memory' (noms acceptés pour 'CPUs' : 'CPUs', 'Num CPU' ; …)": what is missing and
    the header names each would be read from."""
    names = ", ".join(repr(c.aliases[0]) for c in columns)
    accepted = [
        f"pour {c.aliases[0]!r} : "
        + ", ".join(repr(a) for a in c.aliases[:shown])
        + (", …" if len(c.aliases) > shown else "")
        for c in columns
        if len(c.aliases) > 1
    ]
    return names + (f" (noms acceptés {' ; '.join(accepted)})" if accepted else "")


def match_columns(sheet: Sheet, columns: Sequence[Column]) -> dict[str, tuple[int, str]]:
    """field → (index, header as written) of the columns found; unknown headers are ignored.

    A header also matches by its last part after ' - ' (GLPI prefixes financial columns). A column
    read twice (the same header in two places) is refused: which one holds the truth is a guess.
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
                    twice = [i for i, h in enumerate(candidates) if h == key]
                    if len(twice) > 1:
                        raise InvalidSourceData(
                            f"{sheet.where()} : la colonne '{found[column.field][1]}' figure "
                            f"{len(twice)} fois (colonnes {', '.join(str(i + 1) for i in twice[:-1])} "
                            f"et {twice[-1] + 1})"
                        )
                    break
            if column.field in found:
                break
    missing = [c for c in columns if c.required and c.field not in found]
    if missing:
        raise InvalidSourceData(f"{sheet.where()} : colonne(s) obligatoire(s) absente(s) : {missing_columns(missing)}")
    return found


@dataclass
class ParsedRow:
    """One data row as field values, with its line number."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)


def format_number(value: float) -> str:
    """1 234 or 0,5 (French, narrow no-break spaces) for messages; the collectors use no surface."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.6g}".replace(".", ",")


def check_value(name: str, value: Any, today: date | None = None) -> str | None:
    """Why a parsed value is out of its range (``limits``), or None when it may be stored."""
    bounds = RANGES.get(name)
    if bounds is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            return f"{value} n'est pas un nombre fini"
        if not bounds.minimum <= value <= bounds.maximum:
            return (
                f"{format_number(value)} {bounds.unit} hors de la plage admise pour {bounds.label} : "
                f"de {format_number(bounds.minimum)} à {format_number(bounds.maximum)} {bounds.unit}"
            )
    dates = date_bounds(name, today) if isinstance(value, date) else None
    if dates is not None and isinstance(value, date):
        low, high = dates
        if not low <= value <= high:
            return f"date {value:%d/%m/%Y} hors de la plage admise : du {low:%d/%m/%Y} au {high:%d/%m/%Y}"
    return None


def _cell(
    sheet: Sheet, column: Column, header: str, line: int, index: int, raw: Any, parser: Any, today: date | None
) -> Any:
    """The value of one cell; ``ValueError`` with the reason when it cannot be stored faithfully."""
    reason = sheet.bad_cells.get((line, index))
    if reason is not None:
        raise ValueError(reason)
    if isinstance(raw, str) and column.parse != "text":
        problem = text_problem(raw.strip(), DEFAULT_TEXT_LENGTH)
        if problem is not None:
            raise ValueError(problem)
    value = parser(raw)
    if value is not None and column.scale != 1.0:
        value = value * column.scale
    if isinstance(value, str):
        problem = text_problem(value, column.max_length)
        if problem is not None:
            raise ValueError(problem)
    problem = check_value(column.field, value, today)
    if problem is not None:
        raise ValueError(problem)
    return value


def parse_rows(sheet: Sheet, columns: Sequence[Column], options: ParseOptions) -> list[ParsedRow]:
    """Every non-empty row parsed; raises ``InvalidSourceData`` listing the bad cells."""
    options.check()
    found = match_columns(sheet, columns)
    by_field = {c.field: c for c in columns}
    parsers = {name: _parser(by_field[name].parse, header, options) for name, (_, header) in found.items()}
    errors: list[str] = []
    parsed: list[ParsedRow] = []
    flagged = {line for line, _ in sheet.bad_cells}
    for line, cells in sheet.rows:
        if all(c is None or str(c).strip() == "" for c in cells) and line not in flagged:
            continue
        row = ParsedRow(line)
        for name, (index, header) in found.items():
            raw = cells[index] if index < len(cells) else None
            try:
                value = _cell(sheet, by_field[name], header, line, index, raw, parsers[name], options.today)
            except ValueError as err:
                errors.append(f"{sheet.where(line, header)} : {err}")
                continue
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
