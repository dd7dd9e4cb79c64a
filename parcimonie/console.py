"""Rich consoles for the command line: wide enough for tables when output is not a terminal."""

import sys

from rich.console import Console


def make_console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that does not wrap tables at 80 columns in pipes and logs."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, soft_wrap=True, width=None if stream.isatty() else 160)
