"""Rich consoles for the command line: wide enough for tables when output is not a terminal.

Messages are Rich markup written by us; every value that comes from users or collected data
(names, paths, cells, errors) goes through ``escape`` (or a ``Text``) so that ``[/red]`` in a VM
name prints as such instead of crashing the printer or being swallowed. Emoji codes (``:smile:``)
are never expanded, and status lines are plain text.
"""

import sys
from typing import Any

from rich.console import Console, RenderableType
from rich.markup import escape as _escape
from rich.status import Status
from rich.text import Text


def escape(value: object) -> str:
    """``value`` as text that Rich markup prints literally (brackets and backslashes included)."""
    return _escape(str(value))


class SafeConsole(Console):
    """A console whose status lines are plain text: a file or source name there is never markup."""

    def status(self, status: RenderableType, *args: Any, **kwargs: Any) -> Status:
        """As ``Console.status``, a string being shown as it is."""
        return super().status(Text(status) if isinstance(status, str) else status, *args, **kwargs)


def make_console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that does not wrap tables at 80 columns in pipes and logs."""
    stream = sys.stderr if stderr else sys.stdout
    return SafeConsole(stderr=stderr, soft_wrap=True, width=None if stream.isatty() else 160, emoji=False)


def error_text(message: str) -> Text:
    """A red line of plain text (no markup: the message may quote anything)."""
    return Text(message, style="red")
