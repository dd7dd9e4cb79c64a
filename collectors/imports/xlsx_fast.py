"""A streaming .xlsx reader for large RVTools exports: cell values straight from the sheet XML.

openpyxl builds a Python object per cell and reads every sheet twice (dimensions, then rows): a
20 000-VM export took over a minute. This reader walks each wanted sheet once with the C XML parser
and keeps only values, with the same flags as ``readers.read_xlsx``: error cells (``#N/A``…) and
formulas saved without their computed value are listed in ``Sheet.bad_cells``.

It reads values as stored: numbers (int when written without a point or exponent), shared and
inline strings, booleans. A date-formatted number stays a number (styles are not read): RVTools'
tabs hold no date the import reads, and the lists with dates still go through openpyxl. A workbook
this reader cannot follow raises ``ValueError``; the caller then falls back to openpyxl, and when
openpyxl cannot read it either, shows ``UnreadableXlsx``'s reason (tab, line, what). A shared-string
index outside the table or a number that is not one is a bad cell, named like an error cell.
"""

import posixpath
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import Element, iterparse

from collectors.imports.limits import preview
from collectors.imports.tabular import UNCOMPUTED, Sheet

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
#: Columns of a worksheet (A to XFD), as Excel and LibreOffice cap them.
_MAX_COLUMNS = 16_384
_REL_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"


class UnreadableXlsx(ValueError):
    """A sheet this reader cannot follow, saying where (tab, line) and why, in French: the caller
    tries openpyxl, and shows this reason if openpyxl cannot read the workbook either."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column(ref: str) -> int:
    """0-based column of a cell reference: 'A1' → 0, 'AB12' → 27."""
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    if not 0 < index <= _MAX_COLUMNS:  # beyond XFD: no spreadsheet writes it, a padded row would be huge
        raise UnreadableXlsx(f"référence de cellule illisible '{preview(ref)}'")
    return index - 1


def _text(element: Element) -> str:
    """Text of a shared or inline string: its runs joined, phonetic hints left out."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for _, element in iterparse(stream, events=("end",)):
            if _local(element.tag) == "si":
                strings.append(_text(element))
                element.clear()
    return strings


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Tab title → path of its XML in the archive, from the workbook and its relationships."""
    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for _, rel in iterparse(stream, events=("end",))
            if _local(rel.tag) == "Relationship"
        }
    paths: dict[str, str] = {}
    with archive.open("xl/workbook.xml") as stream:
        for _, element in iterparse(stream, events=("end",)):
            if _local(element.tag) == "sheet":
                target = targets.get(element.get(_REL) or element.get(_REL_STRICT))
                if target is None:
                    raise ValueError(f"onglet '{preview(element.get('name'))}' sans fichier")
                path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                paths[element.get("name", "")] = posixpath.normpath(path)
    return paths


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eE") else int(text)


def _value(cell: Element, strings: list[str], ns: str) -> tuple[Any, str | None]:
    """(value, why it cannot be read or None) of one ``<c>`` element (``ns``: the sheet's namespace)."""
    kind = cell.get("t", "n")
    raw: str | None = None
    formula = False
    inline: Element | None = None
    for child in cell:
        tag = child.tag
        if tag == ns + "v":
            raw = child.text
        elif tag == ns + "f":
            formula = True
        elif tag == ns + "is":
            inline = child
    if kind == "inlineStr":
        return (_text(inline) if inline is not None else None), None
    if raw is None:
        return None, UNCOMPUTED if formula else None
    if kind == "n":
        try:
            return _number(raw), None
        except ValueError:
            return None, f"nombre illisible '{preview(raw)}'"
    if kind == "s":  # an index outside the table (-1 would read the last string) names the cell
        index = int(raw) if raw.strip().isdigit() else -1
        if not 0 <= index < len(strings):
            return None, f"chaîne partagée n° {preview(raw)} absente du classeur (fichier corrompu)"
        return strings[index], None
    if kind == "b":
        return raw.strip() == "1", None
    if kind == "e":
        return raw, f"cellule en erreur '{preview(raw)}'"
    if kind in ("str", "d"):
        return raw, None
    try:
        return _number(raw), None
    except ValueError:
        return None, f"nombre illisible '{preview(raw)}'"


def _rows(stream: Any, strings: list[str], sheet: Sheet) -> Iterator[tuple[int, list[Any]]]:
    """(line, values) of each row of a sheet's XML, flagging unreadable cells in ``sheet``."""
    line = 0
    ns, row_tag = "", "row"
    for event, element in iterparse(stream, events=("start-ns", "end")):
        if event == "start-ns":
            prefix, uri = cast(tuple[str, str], element)  # start-ns gives the (prefix, uri) pair
            if not prefix:  # the default namespace: the spreadsheet's (transitional or strict)
                ns, row_tag = f"{{{uri}}}", f"{{{uri}}}row"
            continue
        if element.tag != row_tag:
            continue
        mark = element.get("r") or str(line + 1)
        if not mark.isdigit():
            raise UnreadableXlsx(f"après la ligne {line} : numéro de ligne illisible '{preview(mark)}'")
        line = int(mark)
        values: list[Any] = []
        for cell in element:
            ref = cell.get("r")
            try:
                index = _column(ref) if ref else len(values)
            except UnreadableXlsx as err:
                raise UnreadableXlsx(f"ligne {line} : {err}") from None
            if index != len(values):
                if index < len(values):
                    raise UnreadableXlsx(f"ligne {line} : cellules dans le désordre")
                values.extend([None] * (index - len(values)))
            value, problem = _value(cell, strings, ns)
            if problem is not None:
                sheet.bad_cells[(line, index)] = problem
            values.append(value)
        element.clear()
        yield line, values


def read_xlsx_fast(path: Path, *, only: Iterable[str]) -> dict[str, Sheet]:
    """The tabs ``only`` of a workbook as sheets; ``ValueError`` (or a zip/XML error) on anything unusual."""
    wanted = set(only)
    sheets: dict[str, Sheet] = {}
    with zipfile.ZipFile(path) as archive:
        strings = _shared_strings(archive)
        for title, member in _sheet_paths(archive).items():
            if title not in wanted:
                continue
            sheet = Sheet(str(path), title, [], [])
            with archive.open(member) as stream:
                try:
                    for line, values in _rows(stream, strings, sheet):
                        if line == 1:
                            sheet.headers = [str(h if h is not None else "").strip() for h in values]
                        else:
                            sheet.rows.append((line, values))
                except UnreadableXlsx as err:
                    raise UnreadableXlsx(f"onglet {title}, {err}") from None
            sheets[title] = sheet
    return sheets
