"""The budget workbook in the finance office's form: M57 accounts, HT/TVA/TTC, formulas, amortisation, AP/CP.

Figures are checked against hand calculations on the demo estate's plan (offer "1U 2×20c 512 Go":
13 500 € TTC + 1 000 € TTC installation per host, VAT 20 %, commissioning in July, 5-year
depreciation for hardware, 2 years for software).
"""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import ensure_default_catalogue, record_run, session_scope
from parcimonie.planning import PlanRequest, load_estate, run_plan
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.workbook import workbook_bytes
from parcimonie.planning.workbook_budget import EUR, Authority, amortisation, split_vat
from tests.conftest import TODAY

OFFER = "1U 2×20c 512 Go (Xeon Silver 4416+)"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanDocument:
    from inventory import make_engine, upgrade_database

    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('wb') / 'p.db'}")
    upgrade_database(engine)
    with session_scope(engine) as session:
        ensure_default_catalogue(session)
    record_run(engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=300, today=TODAY))
    with Session(engine) as session:
        inputs = load_estate(session)
    return run_plan(inputs, PlanRequest(offers=(OFFER,)), today=TODAY).document()


def _rows(sheet: Worksheet) -> dict[str, int]:
    """Account code (or total's wording) → row number, first block only (the plan's)."""
    found: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=1):
        key = row[3].value or row[4].value
        if isinstance(key, str) and key not in found:
            found[key] = row[0].row
        if row[0].value == "Parc conservé":
            break
    return found


def _book(plan: PlanDocument, authority: Authority) -> Worksheet:
    return load_workbook(BytesIO(workbook_bytes(plan, authority=authority)))["Budget M57"]


def test_accounts_vat_and_formulas(plan: PlanDocument) -> None:
    sheet = _book(plan, Authority("commune", 10_000))
    rows = _rows(sheet)
    for code, chapter in (
        ("2183", "21"),
        ("2051", "20"),
        ("10222", "10"),
        ("60612", "011"),
        ("6156", "011"),
        ("6511", "65"),
        ("64111", "012"),
        ("6132", "011"),
    ):
        assert sheet.cell(row=rows[code], column=3).value == chapter, code
    r = plan.replacement
    assert r is not None
    # Hand calculation, first year (columns F, G, H = HT, TVA, TTC): hosts bought × (13 500 + 1 000) € TTC.
    bought = r.yearly[0].new_hosts
    assert bought > 0
    ttc = bought * 14_500.0
    hardware = rows["2183"]
    assert sheet[f"H{hardware}"].value == pytest.approx(ttc)
    assert sheet[f"F{hardware}"].value == pytest.approx(round(ttc / 1.2, 2))
    assert sheet[f"F{hardware}"].value * 1.2 == pytest.approx(sheet[f"H{hardware}"].value, abs=0.01)  # TTC = HT × 1,2
    assert sheet[f"G{hardware}"].value == pytest.approx(ttc - round(ttc / 1.2, 2))
    assert split_vat(14_500.0, 0.2) == (12_083.33, 2_416.67)  # one host: 12 083,33 HT + 2 416,67 TVA
    # Staff (chapter 012) bears no VAT: HT = TTC, TVA left empty.
    staff = rows["64111"]
    assert sheet[f"F{staff}"].value == sheet[f"H{staff}"].value and sheet[f"G{staff}"].value is None
    # Every amount is a number with the euro format; totals are formulas.
    for code in ("2183", "2051", "10222", "60612", "6156", "6511", "64111", "6132"):
        for col in "FH":
            cell = sheet[f"{col}{rows[code]}"]
            assert cell.data_type == "n" and cell.number_format == EUR, (code, col)
        assert str(sheet.cell(row=rows[code], column=sheet.max_column).value).startswith("=SUM(")
    spend = rows["Total dépenses réelles d'investissement"]
    assert sheet[f"H{spend}"].value == f"=SUM(H{rows['2183']},H{rows['2051']})"
    assert sheet[f"H{spend}"].data_type == "f"
    net = next(k for k in rows if k.startswith("Dépense nette"))
    fctva = rows["Total recettes réelles d'investissement (FCTVA)"]
    fonct = rows["Total dépenses réelles de fonctionnement"]
    assert sheet[f"H{rows[net]}"].value == f"=H{spend}-H{fctva}+H{fonct}"
    # The net row, computed by hand from the cells it refers to, is the plan's net spending.
    row = r.budget_scenario[0]
    by_hand = (
        sheet[f"H{rows['2183']}"].value
        + sheet[f"H{rows['2051']}"].value
        - sheet[f"H{rows['10222']}"].value
        + sum(sheet[f"H{rows[c]}"].value for c in ("60612", "6156", "6511", "64111", "6132", "6288"))
    )
    assert by_hand == pytest.approx(row.net_eur, abs=0.05)


def test_amortisation_by_hand() -> None:
    # 12 000 € bought in year 1, 5 years, in service in July: 6/12 of 2 400 €, then 2 400 € a year,
    # the last 1 200 € in year 6.
    assert amortisation([12_000.0, 0, 0, 0, 0, 0], years=5, commissioning_month=7) == [
        1_200.0,
        2_400.0,
        2_400.0,
        2_400.0,
        2_400.0,
        1_200.0,
    ]
    assert amortisation([12_000.0, 6_000.0], years=2, commissioning_month=1) == [6_000.0, 9_000.0]


def test_amortisation_lines_follow_the_authority(plan: PlanDocument) -> None:
    r = plan.replacement
    assert r is not None
    obliged = _book(plan, Authority("commune", 10_000))
    rows = _rows(obliged)
    assert {"6811", "28183", "28051"} <= set(rows)
    hardware_ttc = r.yearly[0].new_hosts * 14_500.0
    licences_ttc = r.budget_scenario[0].investissement_licences_eur or 0.0
    # First year, July: half an annuity. Hardware over 5 years, software over 2 years.
    assert obliged[f"H{rows['28183']}"].value == pytest.approx(hardware_ttc / 5 / 2)
    assert obliged[f"H{rows['28051']}"].value == pytest.approx(licences_ttc / 2 / 2)
    assert obliged[f"H{rows['6811']}"].value == pytest.approx(hardware_ttc / 10 + licences_ttc / 4, abs=0.01)
    small = _book(plan, Authority("commune", 2_000))
    assert not {"6811", "28183", "28051"} & set(_rows(small))
    texts = [str(c.value) for row in small.iter_rows() for c in row if c.value]
    assert any(t.startswith("Amortissement non obligatoire") for t in texts)
    assert Authority("departement", 2_000).must_amortise and Authority("epci", 3_500).must_amortise
    assert not Authority("epci", 3_499).must_amortise and Authority().must_amortise
    with pytest.raises(ValueError):
        Authority("canton")  # type: ignore[arg-type]


def test_ap_cp(plan: PlanDocument) -> None:
    r = plan.replacement
    assert r is not None
    sheet = load_workbook(BytesIO(workbook_bytes(plan)))["AP-CP"]
    header = [c.value for c in sheet[1]]
    assert header[4:9] == [f"CP {y}" for y in r.years]
    hardware, software, total = sheet[2], sheet[3], sheet[4]
    assert (hardware[1].value, software[1].value) == ("2183", "2051")
    assert hardware[3].value + software[3].value == pytest.approx(r.investment_eur)  # one AP: the whole investment
    for k, row in enumerate(r.budget_scenario):  # CP of each year = that year's investissement
        assert hardware[4 + k].value + software[4 + k].value == pytest.approx(row.investissement_eur)
        assert hardware[4 + k].data_type == "n" and hardware[4 + k].number_format == EUR
    assert total[3].value == "=SUM(D2,D3)" and total[-1].value == "=D4-J4"
