"""Run every benchmark script in bench/ one after the other and print their figures.

`--small` passes `--small` to each (the CI sizes). Exits non-zero if any benchmark fails.
"""

import subprocess
import sys
from pathlib import Path


def main() -> int:
    """Run bench/bench_*.py in name order."""
    extra = sys.argv[1:]
    failed: list[str] = []
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"=== {script.name} {' '.join(extra)}", flush=True)
        if subprocess.call([sys.executable, str(script), *extra]) != 0:
            failed.append(script.name)
    if failed:
        print(f"failed benchmarks: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
