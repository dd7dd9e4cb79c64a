"""`parcimonie import rules FILE`: the placement rules plans respect (anti-affinity, kept together,
pinned, fixed), from a CSV (';' or ',') or workbook file; see ``collectors.imports.rules``.

The file replaces every rule imported before, in one transaction; a bad file (unknown rule type,
missing name, a VM or host the inventory does not hold) fails with exit code 2, naming file and
line, and nothing is written. Like ``collect_cli``, only typer and rich load at top level.
"""

from pathlib import Path
from typing import Annotated

import typer

from parcimonie.console import error_text, escape, make_console

#: The source of imported rules (DRS rules carry their vCenter source).
IMPORT_SOURCE = "import"


def import_rules_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV or .xlsx file: rule type; group; VM; host.")],
    encoding: Annotated[str, typer.Option(help="auto, utf-8, utf-8-sig, utf-16 or cp1252.")] = "auto",
    delimiter: Annotated[str, typer.Option(help="auto, ';', ',' or 'tab' (one character).")] = "auto",
) -> None:
    """Import placement rules: anti-affinity, kept together, pinned to a host, fixed (no move)."""
    from collections import Counter

    from collectors.imports.rules import check_names, read_rules
    from inventory import InvalidSourceData, session_scope
    from inventory.rules import known_names, replace_rules
    from parcimonie.context import open_engine
    from parcimonie.settings import Settings

    console, err = make_console(), make_console(stderr=True)
    if not path.is_file():
        err.print(error_text(f"{path} : fichier introuvable."))
        raise typer.Exit(2)
    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
    engine = open_engine(settings)
    try:
        rows = read_rules(path, encoding=encoding, delimiter="\t" if delimiter == "tab" else delimiter)
        with session_scope(engine) as session:
            vms, hosts = known_names(session)
            check_names(rows, file=str(path), vms=vms, hosts=hosts)
            replace_rules(session, IMPORT_SOURCE, rows)
    except (InvalidSourceData, OSError, UnicodeError) as problem:
        err.print(error_text(f"Import des règles refusé, rien n'a été enregistré : {problem}"))
        raise typer.Exit(2) from None
    counts = Counter(r.kind for r in rows)
    shown = ", ".join(f"{kind} : {n}" for kind, n in sorted(counts.items())) or "aucune"
    console.print(escape(f"{len(rows)} règle(s) de placement importée(s) depuis {path.name} ({shown})."))
