"""`parcimonie offers`: list (the default), add, import a supplier's French CSV, remove; bad values refused."""

from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from inventory import list_offers, make_engine
from parcimonie.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    return env


def _offers(env: dict[str, str]) -> dict[str, object]:
    engine = make_engine(env["PARCIMONIE_DATABASE_URL"])
    with Session(engine) as session:
        found = {o.name: o for o in list_offers(session)}
    engine.dispose()
    return found


def test_add_then_remove(env: dict[str, str]) -> None:
    args = ["offers", "add", "Devis B", "--sockets", "2", "--cores-per-socket", "16", "--mhz", "2400"]
    result = runner.invoke(app, [*args, "--memory-gib", "256", "--price-eur-ttc", "9000", "--rack-units", "1"], env=env)
    assert result.exit_code == 0, result.output
    offer = _offers(env)["Devis B"]
    assert offer.memory_mib == 256 * 1024 and offer.price_eur == 9000  # type: ignore[attr-defined]
    assert offer.embodied_kgco2e and offer.embodied_kgco2e > 0  # type: ignore[attr-defined]
    listed = runner.invoke(app, ["offers"], env=env, terminal_width=200)
    assert listed.exit_code == 0 and "Devis B" in listed.output
    assert runner.invoke(app, ["offers", "remove", "Devis B"], env=env).exit_code == 0
    assert "Devis B" not in _offers(env)
    assert runner.invoke(app, ["offers", "remove", "Devis B"], env=env).exit_code == 2


def test_import_a_french_csv(env: dict[str, str], tmp_path: Path) -> None:
    quotes = tmp_path / "devis.csv"
    quotes.write_text(
        "Nom;Fabricant;Sockets;Cœurs par socket;Fréquence (MHz);Mémoire (Gio);Prix TTC;Installation TTC;"
        "Puissance repos (W);Puissance max (W);Perf par cœur;Garantie (ans)\n"
        '"Devis A 2U";Dell;2;24;2 600;768;18 540,50;1 100,00;160;650;0,95;5\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["offers", "import", str(quotes)], env=env)
    assert result.exit_code == 0, result.output
    offer = _offers(env)["Devis A 2U"]
    assert (offer.n_sockets, offer.n_cores_per_socket, offer.cpu_mhz) == (2, 24, 2600)  # type: ignore[attr-defined]
    assert offer.price_eur == 18_540.50 and offer.install_eur == 1_100  # type: ignore[attr-defined]
    assert offer.perf_per_core == 0.95 and offer.memory_mib == 768 * 1024  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (["--price-eur-ttc", "20000000"], "--price-eur-ttc"),
        (["--price-eur-ttc", "9000", "--power-idle-w", "500", "--power-max-w", "100"], "--power-max-w"),
        (["--price-eur-ttc", "9000", "--rack-units", "0"], "--rack-units"),
    ],
)
def test_bad_values_are_refused_naming_the_field(env: dict[str, str], extra: list[str], field: str) -> None:
    args = ["offers", "add", "X", "--sockets", "2", "--cores-per-socket", "16", "--mhz", "2400", "--memory-gib", "256"]
    result = runner.invoke(app, [*args, *extra], env=env)
    assert result.exit_code == 2
    assert field in result.output
    assert "X" not in _offers(env)


def test_bad_csv_cell_names_line_and_column(env: dict[str, str], tmp_path: Path) -> None:
    quotes = tmp_path / "devis.csv"
    quotes.write_text("Nom;Sockets;Cœurs par socket;MHz;Mémoire (Gio);Prix TTC\nA;2;16;2400;256;douze\n")
    result = runner.invoke(app, ["offers", "import", str(quotes)], env=env)
    assert result.exit_code == 2
    assert "ligne 2" in result.output and "Prix TTC" in result.output


@pytest.mark.parametrize("name", ["esc\x1b[31mROUGE\x1b[0m", "deux\nlignes", "a\tb", "c1\x85"])
def test_control_characters_in_an_offer_name_are_refused(env: dict[str, str], name: str) -> None:
    # An escape sequence would reach every terminal that lists the catalogue, a line feed every table.
    args = ["offers", "add", name, "--sockets", "2", "--cores-per-socket", "16", "--mhz", "2400"]
    result = runner.invoke(app, [*args, "--memory-gib", "256", "--price-eur-ttc", "9000"], env=env)
    assert result.exit_code == 2 and "caractère de contrôle" in result.output and "\x1b" not in result.output
    assert name not in _offers(env)
    args = ["offers", "add", "Devis C", "--sockets", "2", "--cores-per-socket", "16", "--mhz", "2400"]
    result = runner.invoke(app, [*args, "--memory-gib", "256", "--price-eur-ttc", "9000", "--vendor", name], env=env)
    assert result.exit_code == 2 and "caractère de contrôle" in result.output
