"""`python -m parcimonie` runs the command line."""

from parcimonie.cli import main

main()
