"""Reading a placement rules file: French or English headers and kinds, ';' or ',', errors by line."""

from pathlib import Path

import pytest

from collectors.imports.rules import check_names, read_rules
from inventory.errors import InvalidSourceData
from inventory.rules import RuleRow


def _write(tmp_path: Path, text: str, name: str = "regles.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_french_file_with_semicolons(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Type de règle;Groupe;VM;Hôte\n"
        "Anti-affinité;DC;dc01;\n"
        "anti-affinite;DC;dc02;\n"
        "Ensemble;appli;web01;\n"
        "Épingler;;sql01;esx03\n"
        "Fixe;;;esx09\n"
        "\n"
        "ne pas déplacer;;erp01;\n",
    )
    assert read_rules(path) == [
        RuleRow("anti_affinity", "DC", "dc01", None, 2),
        RuleRow("anti_affinity", "DC", "dc02", None, 3),
        RuleRow("together", "appli", "web01", None, 4),
        RuleRow("pin", None, "sql01", "esx03", 5),
        RuleRow("stay", None, None, "esx09", 6),
        RuleRow("stay", None, "erp01", None, 8),
    ]


def test_english_file_with_commas(tmp_path: Path) -> None:
    path = _write(tmp_path, "rule,group,vm name,host\nanti_affinity,sql,node1,\npinned,,node2,esx1\n")
    assert [(r.kind, r.vm) for r in read_rules(path)] == [("anti_affinity", "node1"), ("pin", "node2")]


@pytest.mark.parametrize(
    "line, message",
    [
        ("magie;g;vm1;", "type de règle inconnu"),
        ("anti-affinité;;vm1;", "nom de groupe"),
        ("épingler;;vm1;", "nom d'hôte"),
        ("fixe;;;", "nom de VM ou un nom d'hôte"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path, f"type;groupe;vm;hote\nfixe;;vm0;\n{line}\n")
    with pytest.raises(InvalidSourceData, match=message) as err:
        read_rules(path)
    assert f"{path}, ligne 3" in str(err.value)


def test_missing_type_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidSourceData, match="absente"):
        read_rules(_write(tmp_path, "groupe;vm\nDC;dc01\n"))


def test_unknown_names_are_refused() -> None:
    rows = [RuleRow("pin", None, "vm1", "esx9", 4)]
    with pytest.raises(InvalidSourceData, match="ligne 4 : hôte inconnu de l'inventaire : 'esx9'"):
        check_names(rows, file="r.csv", vms={"vm1"}, hosts={"esx1"})
    check_names(rows, file="r.csv", vms={"vm1"}, hosts={"esx9"})  # known: accepted
