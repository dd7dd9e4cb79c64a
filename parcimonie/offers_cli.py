"""`parcimonie offers …`: the catalogue of server offers plans can buy — list, add, import, remove.

Only typer and rich load at import; the inventory, the footprint model (Boavizta) and the CSV reader
load in the command that runs. A refused offer ends with exit code 2 and a message naming the field.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parcimonie.console import error_text, escape, make_console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from inventory.models import HostModel

console = make_console()
err_console = make_console(stderr=True)

offers_app = typer.Typer(help="The catalogue of server offers plans can buy (prices TTC): list, add, import, remove.")

#: HostModel field → the option (and CSV column) that sets it, for messages.
OPTIONS = {
    "name": "NAME",
    "n_sockets": "--sockets",
    "n_cores_per_socket": "--cores-per-socket",
    "cpu_mhz": "--mhz",
    "memory_mib": "--memory-gib",
    "price_eur": "--price-eur-ttc",
    "install_eur": "--install-eur-ttc",
    "power_idle_w": "--power-idle-w",
    "power_max_w": "--power-max-w",
    "perf_per_core": "--perf-per-core",
    "warranty_years": "--warranty-years",
    "rack_units": "--rack-units",
}
#: Normalised CSV header (``collectors.imports.tabular.normalise_header``) → HostModel field.
CSV_COLUMNS = {
    **dict.fromkeys(("nom", "offre", "name", "designation"), "name"),
    **dict.fromkeys(("fabricant", "constructeur", "vendor"), "vendor"),
    **dict.fromkeys(("processeur", "cpu", "modele cpu", "cpu model"), "cpu_model"),
    **dict.fromkeys(("sockets", "processeurs", "nb sockets", "nombre de sockets"), "n_sockets"),
    **dict.fromkeys(("coeurs par socket", "cores per socket"), "n_cores_per_socket"),
    **dict.fromkeys(("mhz", "frequence mhz", "frequence", "cpu mhz"), "cpu_mhz"),
    **dict.fromkeys(("memoire gio", "memoire go", "memoire", "memory gib"), "memory_gib"),
    **dict.fromkeys(("prix ttc", "prix eur ttc", "prix", "price eur ttc"), "price_eur"),
    **dict.fromkeys(("installation ttc", "installation eur ttc", "installation", "install eur ttc"), "install_eur"),
    **dict.fromkeys(("puissance repos w", "puissance repos", "power idle w"), "power_idle_w"),
    **dict.fromkeys(("puissance max w", "puissance max", "power max w"), "power_max_w"),
    **dict.fromkeys(("perf par coeur", "performance par coeur", "perf per core"), "perf_per_core"),
    **dict.fromkeys(("garantie ans", "garantie", "warranty years"), "warranty_years"),
    **dict.fromkeys(("unites de rack", "u", "rack units"), "rack_units"),
}
_TEXT = ("name", "vendor", "cpu_model")
_INTEGER = ("n_sockets", "n_cores_per_socket", "warranty_years", "rack_units")


def _fmt(value: float | int | None, suffix: str = "") -> str:
    from parcimonie.formatting import MISSING, format_number

    if value is None:
        return MISSING
    return format_number(value, decimals=0 if isinstance(value, int) else 2) + suffix


def _engine(ctx: typer.Context) -> "Engine":
    from parcimonie.context import open_engine

    return open_engine(ctx.obj, must_exist=True)


def _refuse(message: str) -> None:
    err_console.print(error_text(f"Offre refusée : {message}"))
    raise typer.Exit(2)


def build_offer(values: dict[str, Any]) -> "HostModel":
    """A ``HostModel`` from option values (memory in GiB); power and performance estimated when absent.

    Power: the 2026 generation of ``optimizer.GENERATION_CATALOGUE`` per socket; performance 1.0.
    """
    import numpy as np

    from inventory.models import HostModel
    from optimizer import estimate_generation_figures

    values = {k: v for k, v in values.items() if v is not None}
    memory_gib = values.pop("memory_gib", None)
    sockets = values.get("n_sockets")
    if ("power_idle_w" not in values or "power_max_w" not in values) and isinstance(sockets, int) and sockets > 0:
        _, idle, peak = estimate_generation_figures(year=np.array([2026.0]), n_sockets=np.array([sockets]))
        values.setdefault("power_idle_w", round(float(idle[0])))
        values.setdefault("power_max_w", round(float(peak[0])))
    fields: dict[str, Any] = {
        "memory_mib": None if memory_gib is None else memory_gib * 1024,
        "power_idle_w": None,
        "power_max_w": None,
        "perf_per_core": 1.0,
        "install_eur": 0.0,
        "warranty_years": 5,
        "rack_units": 1,
    }
    return HostModel(**(fields | values))


def _store(engine: "Engine", offers: list["HostModel"], *, replace: bool) -> int:
    """Check and add every offer in one transaction, then estimate the embodied footprints."""
    from inventory import OfferError, add_offer, os_user, session_scope
    from parcimonie.planning.footprint import fill_offer_footprints
    from parcimonie.planning.offers_audit import record_offer_added

    try:
        with session_scope(engine) as session:
            for offer in offers:
                record_offer_added(session, add_offer(session, offer, replace=replace), actor=os_user())
            fill_offer_footprints(session)
    except OfferError as err:
        option = OPTIONS.get(err.field, err.field)
        _refuse(f"{option} ({err})")
    return len(offers)


@offers_app.callback(invoke_without_command=True)
def offers(ctx: typer.Context) -> None:
    """The catalogue of server offers that plans can buy (prices TTC); `parcimonie offers` lists it."""
    if ctx.invoked_subcommand is None:
        list_command(ctx)


@offers_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List the catalogue: cores, memory, price TTC, power, embodied carbon."""
    from rich.table import Table
    from sqlmodel import Session

    from inventory import list_offers

    with Session(_engine(ctx)) as session:
        models = list_offers(session)
    if not models:
        console.print("Catalogue vide : lancez `parcimonie init`.")
        return
    table = Table(title="Catalogue d'offres serveurs")
    for column in ("Offre", "Cœurs", "Mémoire", "Prix TTC", "Puissance repos/max", "Carbone fabrication"):
        table.add_column(column)
    for m in models:
        table.add_row(
            escape(m.name),
            _fmt(m.n_sockets * m.n_cores_per_socket),
            _fmt(m.memory_mib / 1024, " Gio"),
            _fmt(m.price_eur, " €"),
            f"{_fmt(m.power_idle_w)} / {_fmt(m.power_max_w, ' W')}",
            _fmt(m.embodied_kgco2e, " kgCO2e"),
        )
    console.print(table)


@offers_app.command("add")
def add(  # noqa: PLR0913  (one parameter per option of the command)
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name of the offer (unique in the catalogue).")],
    sockets: Annotated[int, typer.Option("--sockets", help="CPU sockets.")],
    cores_per_socket: Annotated[int, typer.Option("--cores-per-socket", help="Cores per socket.")],
    mhz: Annotated[float, typer.Option("--mhz", help="Base frequency per core, MHz.")],
    memory_gib: Annotated[float, typer.Option("--memory-gib", help="Memory, GiB.")],
    price_eur_ttc: Annotated[float, typer.Option("--price-eur-ttc", help="Purchase price, € TTC.")],
    install_eur_ttc: Annotated[float, typer.Option("--install-eur-ttc", help="Installation, € TTC.")] = 0.0,
    power_idle_w: Annotated[float | None, typer.Option(help="Rated idle power, W (default: 2026 generation).")] = None,
    power_max_w: Annotated[float | None, typer.Option(help="Rated maximum power, W (default: 2026 gen.).")] = None,
    perf_per_core: Annotated[float, typer.Option(help="Performance per core, a 2024 core = 1.")] = 1.0,
    warranty_years: Annotated[int, typer.Option(help="Warranty, years.")] = 5,
    rack_units: Annotated[int, typer.Option(help="Rack units (U).")] = 1,
    vendor: Annotated[str | None, typer.Option(help="Vendor.")] = None,
    cpu_model: Annotated[str | None, typer.Option(help="CPU model.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace an offer of the same name.")] = False,
) -> None:
    """Add a server offer (a supplier's quote) to the catalogue; its embodied carbon is estimated (Boavizta)."""
    offer = build_offer(
        {
            "name": name,
            "vendor": vendor,
            "cpu_model": cpu_model,
            "n_sockets": sockets,
            "n_cores_per_socket": cores_per_socket,
            "cpu_mhz": mhz,
            "memory_gib": memory_gib,
            "price_eur": price_eur_ttc,
            "install_eur": install_eur_ttc,
            "power_idle_w": power_idle_w,
            "power_max_w": power_max_w,
            "perf_per_core": perf_per_core,
            "warranty_years": warranty_years,
            "rack_units": rack_units,
        }
    )
    _store(_engine(ctx), [offer], replace=replace)
    console.print(f"Offre ajoutée : {escape(name.strip())}")


def read_offers_csv(path: Path) -> list["HostModel"]:
    """The offers of a supplier's CSV (``;`` or ``,``, decimal commas, French headers); ``ValueError`` naming
    the line and the column of a bad cell."""
    from collectors.imports.readers import read_csv
    from collectors.imports.tabular import normalise_header, parse_float, parse_text

    sheet = read_csv(path)
    columns: dict[int, str] = {}
    for index, header in enumerate(sheet.headers):
        field = CSV_COLUMNS.get(normalise_header(header.replace("œ", "oe").replace("Œ", "OE")))
        if field:
            columns[index] = field
    missing = {"name", "n_sockets", "n_cores_per_socket", "cpu_mhz", "memory_gib", "price_eur"} - set(columns.values())
    if missing:
        raise ValueError(f"{path} : colonne(s) manquante(s) : {', '.join(sorted(missing))}")
    offers = []
    for line, cells in sheet.rows:
        if not any(str(c).strip() for c in cells):
            continue
        values: dict[str, Any] = {}
        for index, field in columns.items():
            raw = cells[index] if index < len(cells) else None
            try:
                if field in _TEXT:
                    values[field] = parse_text(raw)
                else:
                    number = parse_float(raw)
                    whole = field in _INTEGER and number is not None and number.is_integer()
                    values[field] = int(number) if whole and number is not None else number
            except ValueError as err:
                raise ValueError(f"{sheet.where(line, sheet.headers[index])} : {err}") from None
        if not values.get("name"):
            raise ValueError(f"{sheet.where(line)} : nom d'offre vide")
        offers.append(build_offer(values))
    return offers


@offers_app.command("import")
def import_offers(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV of supplier quotes (; or , separated, decimal commas).")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace offers of the same name.")] = False,
) -> None:
    """Import offers from a CSV of supplier quotes: one line per offer, French headers and formats."""
    from inventory.errors import InvalidSourceData

    try:
        offers = read_offers_csv(file)
    except (InvalidSourceData, ValueError) as err:
        _refuse(str(err))
    n = _store(_engine(ctx), offers, replace=replace)
    console.print(f"{n} offre(s) importée(s) depuis {escape(file.name)}")


@offers_app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name of the offer to remove.")],
) -> None:
    """Remove an offer from the catalogue (saved scenarios keep their plans)."""
    from inventory import os_user, remove_offer, session_scope
    from parcimonie.planning.offers_audit import record_offer_removed

    with session_scope(_engine(ctx)) as session:
        record_offer_removed(session, name, actor=os_user())
        removed = remove_offer(session, name)
    if not removed:
        err_console.print(error_text(f"Aucune offre « {escape(name)} » dans le catalogue"))
        raise typer.Exit(2)
    console.print(f"Offre retirée : {escape(name.strip())}")
