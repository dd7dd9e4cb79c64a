"""The migrations of a plan on the console: the count, the first rows, or all with --migrations."""

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from parcimonie.planning.document import Consolidation
from parcimonie.planning.messages import text

#: Rows shown without --migrations.
TOP = 10


def print_migrations(console: Console, c: Consolidation, *, show_all: bool = False, language: str = "fr") -> None:
    """One line with the count, then a table of the first `TOP` moves (all with `show_all`)."""
    if not c.n_migrations:
        console.print(f"  {escape(text('moves.none', language))}")
        return
    console.print(f"  {escape(text('moves.count', language, n=c.n_migrations))}")
    shown = c.migrations if show_all else c.migrations[:TOP]
    table = Table(title=text("moves.title", language))
    for key in ("moves.vm", "moves.from", "moves.to"):
        table.add_column(text(key, language))
    unknown = text("moves.unknown_host", language)
    for m in shown:
        table.add_row(escape(m.vm), escape(m.from_host or unknown), escape(m.to_host))
    console.print(table)
    if len(shown) < c.n_migrations:
        console.print(f"  {escape(text('moves.more', language, n=c.n_migrations - len(shown)))}")
