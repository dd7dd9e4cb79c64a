"""The budget sheets of the workbook, in the finance office's form (M57 chapters and accounts).

* **Budget M57**: every budget line of the replacement plan (and of the estate kept as it is) with its
  chapter and account, HT / TVA / TTC per year where VAT applies, totals as ``=SUM(...)`` formulas and
  a net-spending row (investissement − FCTVA + fonctionnement: the plan's ``net_eur``). The
  amortisation of the plan's purchases (opérations d'ordre 6811 / 28183 / 28051) follows when the
  authority must amortise (``Authority.must_amortise``).
* **AP-CP**: one autorisation de programme (the plan's whole investment) and its crédits de paiement
  per year.

Accounts and their sources are listed in docs/budget.md. Amounts are numbers (never text) with the
``#,##0 "€"`` format, which a French Excel shows as ``1 234 €``.
"""

from dataclasses import dataclass
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parcimonie.planning.document import BudgetRow, PlanDocument

EUR = '#,##0 "€"'
AuthorityKind = Literal["commune", "epci", "departement", "region"]
AUTHORITY_KINDS: tuple[AuthorityKind, ...] = ("commune", "epci", "departement", "region")
#: Communes (and groupements de communes) under this population need not amortise their assets
#: (CGCT art. L2321-2 27° and L5211-36; M57 abridged, formerly M14): docs/budget.md.
AMORTISATION_POPULATION = 3500


@dataclass(frozen=True)
class Authority:
    """The authority the budget is for: its kind and population decide the compulsory amortisation.

    ``population`` None (unknown) amortises: the lines are shown rather than silently left out.
    """

    kind: AuthorityKind = "commune"
    population: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in AUTHORITY_KINDS:
            raise ValueError(f"authority kind must be one of {', '.join(AUTHORITY_KINDS)}: {self.kind!r}")
        if self.population is not None and self.population < 0:
            raise ValueError(f"population must be zero or more: {self.population}")

    @property
    def must_amortise(self) -> bool:
        """Départements and régions always; communes and EPCI from 3 500 inhabitants."""
        if self.kind in ("departement", "region"):
            return True
        return self.population is None or self.population >= AMORTISATION_POPULATION


@dataclass(frozen=True)
class Account:
    """One budget line: section, chapter, account, wording, and whether VAT applies to it."""

    key: str
    section: Literal["investissement", "fonctionnement"]
    receipt: bool  # True: a recette (FCTVA, amortisation in investissement); False: a dépense
    chapter: str
    account: str
    label: str
    vat: bool


HARDWARE = Account("hardware", "investissement", False, "21", "2183", "Matériel informatique", True)
SOFTWARE = Account(
    "software", "investissement", False, "20", "2051", "Concessions et droits similaires (logiciels)", True
)
FCTVA = Account("fctva_eur", "investissement", True, "10", "10222", "FCTVA", False)
ENERGY = Account("energy_eur", "fonctionnement", False, "011", "60612", "Énergie – électricité", True)
MAINTENANCE = Account("maintenance_eur", "fonctionnement", False, "011", "6156", "Maintenance", True)
LICENCES = Account(
    "licences_eur",
    "fonctionnement",
    False,
    "65",
    "6511",
    "Redevances pour concessions, brevets, licences, logiciels (abonnements, assurance logicielle)",
    True,
)
STAFF = Account("staff_eur", "fonctionnement", False, "012", "64111", "Personnel (heures d'exploitation)", False)
RACK = Account("rack_eur", "fonctionnement", False, "011", "6132", "Locations immobilières (baies)", True)
#: Disposal of retired hosts (DEEE), migration labour and training: services and internal hours
#: mixed in one line, so shown TTC without a VAT split.
TRANSITION = Account(
    "transition_eur",
    "fonctionnement",
    False,
    "011",
    "6288",
    "Autres services extérieurs : mise au rebut (DEEE), migration, formation (TTC, TVA non ventilée)",
    False,
)
DOTATIONS = Account(
    "dotations", "fonctionnement", False, "042", "6811", "Dotations aux amortissements des immobilisations", False
)
AMORT_HARDWARE = Account(
    "amort_hardware", "investissement", True, "040", "28183", "Amortissement du matériel informatique", False
)
AMORT_SOFTWARE = Account(
    "amort_software", "investissement", True, "040", "28051", "Amortissement des logiciels (droits)", False
)
REAL_ACCOUNTS = (HARDWARE, SOFTWARE, FCTVA, ENERGY, MAINTENANCE, LICENCES, STAFF, RACK, TRANSITION)
ORDER_ACCOUNTS = (DOTATIONS, AMORT_HARDWARE, AMORT_SOFTWARE)


def line_ttc(row: BudgetRow, account: Account) -> float:
    """The TTC amount of ``account`` in one budget year (0 for a missing figure)."""
    licences = row.investissement_licences_eur or 0.0
    if account is HARDWARE:
        return (row.investissement_eur or 0.0) - licences
    if account is SOFTWARE:
        return licences
    value = getattr(row, account.key)
    return float(value or 0.0)


def split_vat(ttc: float, vat_rate: float) -> tuple[float, float]:
    """(HT, TVA) of a TTC amount, rounded to the cent, HT + TVA = TTC."""
    ht = round(ttc / (1.0 + vat_rate), 2)
    return ht, round(ttc - ht, 2)


def amortisation(purchases: list[float], *, years: int, commissioning_month: int) -> list[float]:
    """Yearly annuities (within the same years) of assets bought each year, linear over ``years``.

    Prorata temporis from the commissioning month: an asset in service in month m of its purchase
    year gets (13 − m) / 12 of a full annuity that year, full annuities after, and the remainder in
    its last year, so the annuities sum to its cost (beyond the horizon, they are not shown).
    """
    horizon = len(purchases)
    out = [0.0] * horizon
    first_share = (13 - commissioning_month) / 12
    for start, cost in enumerate(purchases):
        if not cost:
            continue
        full = cost / years
        schedule = [full * first_share] + [full] * (years - 1)
        if first_share < 1:
            schedule.append(full * (1 - first_share))
        for k, annuity in enumerate(schedule):
            if start + k < horizon:
                out[start + k] += annuity
    return [round(v, 2) for v in out]


# --- the sheet ---------------------------------------------------------------------------------

_FIXED = ("Section", "Sens", "Chapitre", "Compte", "Libellé")


def _col(index: int) -> str:
    return get_column_letter(index)


@dataclass
class _Layout:
    """Where the year columns sit: for year k, HT, TVA and TTC columns (1-based)."""

    n_years: int

    def ht(self, k: int) -> int:
        return len(_FIXED) + 1 + 3 * k

    def tva(self, k: int) -> int:
        return self.ht(k) + 1

    def ttc(self, k: int) -> int:
        return self.ht(k) + 2

    def total(self, part: int) -> int:  # part 0 HT, 1 TVA, 2 TTC
        return self.ht(self.n_years) + part


def _bold(sheet: Worksheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _money_row(sheet: Worksheet, row: int, first: int) -> None:
    for col in range(first, sheet.max_column + 1):
        sheet.cell(row=row, column=col).number_format = EUR


def _header(sheet: Worksheet, years: list[int], layout: _Layout) -> None:
    sheet.append([*_FIXED, *(f"{y} {part}" for y in years for part in ("HT", "TVA", "TTC")), "Total HT", "Total TVA"])
    sheet.cell(row=sheet.max_row, column=layout.total(2), value="Total TTC")
    _bold(sheet)


def _account_row(sheet: Worksheet, account: Account, amounts: list[float], vat_rate: float, layout: _Layout) -> int:
    sens = "recette" if account.receipt else "dépense"
    sheet.append([account.section, sens, account.chapter, account.account, account.label])
    row = sheet.max_row
    for cell in sheet[row]:
        cell.data_type = "s"  # "2183" is an account code, written as text on purpose
    for k, ttc in enumerate(amounts):
        ht, tva = split_vat(ttc, vat_rate) if account.vat else (round(ttc, 2), 0.0)
        sheet.cell(row=row, column=layout.ht(k), value=ht)
        sheet.cell(row=row, column=layout.tva(k), value=tva if account.vat else None)
        sheet.cell(row=row, column=layout.ttc(k), value=round(ttc, 2))
    for part in range(3):
        cols = ",".join(f"{_col(layout.ht(k) + part)}{row}" for k in range(layout.n_years))
        sheet.cell(row=row, column=layout.total(part), value=f"=SUM({cols})")
    _money_row(sheet, row, layout.ht(0))
    return row


def _sum_row(sheet: Worksheet, label: str, rows: list[int], layout: _Layout) -> int:
    sheet.append(["", "", "", "", label])
    row = sheet.max_row
    for col in range(layout.ht(0), layout.total(2) + 1):
        letter = _col(col)
        cells = ",".join(f"{letter}{r}" for r in rows)
        sheet.cell(row=row, column=col, value=f"=SUM({cells})" if rows else 0)
    _bold(sheet)
    _money_row(sheet, row, layout.ht(0))
    return row


def _net_row(sheet: Worksheet, spend_inv: int, fctva: int, spend_fonct: int, layout: _Layout) -> int:
    sheet.append(["", "", "", "", "Dépense nette (investissement − FCTVA + fonctionnement, TTC)"])
    row = sheet.max_row
    for col in [layout.ttc(k) for k in range(layout.n_years)] + [layout.total(2)]:
        letter = _col(col)
        sheet.cell(row=row, column=col, value=f"={letter}{spend_inv}-{letter}{fctva}+{letter}{spend_fonct}")
    _bold(sheet)
    _money_row(sheet, row, layout.ht(0))
    return row


def _title(sheet: Worksheet, text: str) -> None:
    sheet.append([text])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)


def _block(sheet: Worksheet, title: str, rows: list[BudgetRow], vat_rate: float) -> None:
    years = [r.year for r in rows]
    layout = _Layout(len(years))
    _title(sheet, title)
    _header(sheet, years, layout)

    def written(accounts: tuple[Account, ...]) -> list[int]:
        return [_account_row(sheet, a, [line_ttc(r, a) for r in rows], vat_rate, layout) for a in accounts]

    inv = written((HARDWARE, SOFTWARE))
    spend_inv = _sum_row(sheet, "Total dépenses réelles d'investissement", inv, layout)
    fctva = _sum_row(sheet, "Total recettes réelles d'investissement (FCTVA)", written((FCTVA,)), layout)
    fonct = written((ENERGY, MAINTENANCE, LICENCES, STAFF, RACK, TRANSITION))
    spend_fonct = _sum_row(sheet, "Total dépenses réelles de fonctionnement", fonct, layout)
    _net_row(sheet, spend_inv, fctva, spend_fonct, layout)
    sheet.append([])


def _amortisation_block(sheet: Worksheet, plan: PlanDocument, rows: list[BudgetRow], authority: Authority) -> None:
    layout = _Layout(len(rows))
    _title(sheet, "Amortissements du plan de renouvellement (opérations d'ordre, TTC)")
    if not authority.must_amortise:
        sheet.append(
            [
                f"Amortissement non obligatoire : {authority.kind} de moins de {AMORTISATION_POPULATION} habitants "
                "(CGCT art. L2321-2 27°) ; l'assemblée peut toutefois décider d'amortir."
            ]
        )
        sheet.append([])
        return
    a = plan.assumptions
    month = int(a.get("commissioning_month", 1))
    hardware = amortisation(
        [line_ttc(r, HARDWARE) for r in rows], years=int(a["depreciation_years"]), commissioning_month=month
    )
    software = amortisation(
        [line_ttc(r, SOFTWARE) for r in rows],
        years=int(a.get("windows_amortisation_years", a["depreciation_years"])),
        commissioning_month=month,
    )
    _header(sheet, [r.year for r in rows], layout)
    dotations = [round(h + s, 2) for h, s in zip(hardware, software, strict=True)]
    _account_row(sheet, DOTATIONS, dotations, 0.0, layout)
    _account_row(sheet, AMORT_HARDWARE, hardware, 0.0, layout)
    _account_row(sheet, AMORT_SOFTWARE, software, 0.0, layout)
    sheet.append(
        [
            f"Linéaire sur {int(a['depreciation_years'])} ans (matériel) et "
            f"{int(a.get('windows_amortisation_years', a['depreciation_years']))} ans (logiciels), durées votées ; "
            f"prorata temporis à partir de la mise en service (mois {month}) ; base TTC."
        ]
    )
    sheet.append([])


def _widths(sheet: Worksheet) -> None:
    for col in range(1, sheet.max_column + 1):
        width = {1: 16, 2: 10, 3: 10, 4: 10, 5: 48}.get(col, 14)
        sheet.column_dimensions[_col(col)].width = width


def budget_sheet(book: Workbook, plan: PlanDocument, authority: Authority) -> None:
    """The "Budget M57" sheet: the plan's lines, the estate kept's, and the plan's amortisation."""
    r = plan.replacement
    if not r:
        return
    sheet = book.create_sheet("Budget M57")
    vat = float(plan.assumptions.get("vat_rate", 0.2))
    _block(sheet, f"Plan de renouvellement ({r.offer})", r.budget_scenario, vat)
    _amortisation_block(sheet, plan, r.budget_scenario, authority)
    _block(sheet, "Parc conservé", r.budget_baseline, vat)
    _widths(sheet)


def ap_cp_sheet(book: Workbook, plan: PlanDocument) -> None:
    """The "AP-CP" sheet: one autorisation de programme, its crédits de paiement per year (TTC)."""
    r = plan.replacement
    if not r or not r.investment_eur:
        return
    sheet = book.create_sheet("AP-CP")
    years = [row.year for row in r.budget_scenario]
    n = len(years)
    sheet.append(
        ["AP", "Compte", "Libellé", "Montant de l'AP", *(f"CP {y}" for y in years), "Total des CP", "Reste (AP − CP)"]
    )
    _bold(sheet)
    first_cp, last_cp = 5, 4 + n
    lines: list[tuple[str, str, Any]] = [
        ("2183", HARDWARE.label, [line_ttc(row, HARDWARE) for row in r.budget_scenario]),
        ("2051", SOFTWARE.label, [line_ttc(row, SOFTWARE) for row in r.budget_scenario]),
    ]
    detail_rows = []
    for account, wording, cps in lines:
        sheet.append([f"AP {years[0]}-01", account, wording, round(sum(cps), 2), *(round(c, 2) for c in cps)])
        detail_rows.append(sheet.max_row)
    sheet.append([f"AP {years[0]}-01", "", f"Renouvellement des serveurs {years[0]}–{years[-1]} (total)"])
    total = sheet.max_row
    for col in range(4, last_cp + 1):
        letter = _col(col)
        sheet.cell(row=total, column=col, value=f"=SUM({','.join(f'{letter}{x}' for x in detail_rows)})")
    _bold(sheet)
    for row in [*detail_rows, total]:
        for cell in sheet[row][:3]:
            cell.data_type = "s"
        sheet.cell(row=row, column=last_cp + 1, value=f"=SUM({_col(first_cp)}{row}:{_col(last_cp)}{row})")
        sheet.cell(row=row, column=last_cp + 2, value=f"=D{row}-{_col(last_cp + 1)}{row}")
        for col in range(4, last_cp + 3):
            sheet.cell(row=row, column=col).number_format = EUR
    sheet.append([])
    sheet.append(
        [
            "Une autorisation de programme égale à l'investissement TTC du plan ; les crédits de paiement de chaque "
            "année sont ceux du budget (compte 2183 matériel, 2051 logiciels)."
        ]
    )
    for col in range(1, sheet.max_column + 1):
        sheet.column_dimensions[_col(col)].width = {1: 12, 2: 9, 3: 44}.get(col, 15)
