"""Parcimonie's application shell: the `parcimonie` command, settings and logging set-up."""

__version__ = "0.1.0"
