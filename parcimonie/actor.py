"""Who runs a command line: the operating-system user, named in the audit trail."""

import getpass


def cli_actor() -> str:
    """The operating-system user running this process (``getpass.getuser``), or "?" when none is known."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER/LOGNAME and no passwd entry (some containers)
        return "?"
