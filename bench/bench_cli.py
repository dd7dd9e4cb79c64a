"""Start-up of the `parcimonie` command: wall time and peak memory of short invocations.

Prints, for N runs each, the median and minimum wall time and the median peak RSS of
``python -c pass`` (the interpreter alone), ``python -m parcimonie --help`` and
``python -m parcimonie inventory --json`` on a 200-VM demo database made in a temporary folder
(``parcimonie demo --no-serve --vms 200``). Figures only: no timing is asserted. Each run is a
fresh process started from this checkout (``PYTHONPATH``), so the code measured is the code here.

Usage:
    python bench/bench_cli.py           # 20 runs of each
    python bench/bench_cli.py --small   # CI: 5 runs of each
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_VMS = 200


def _run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of ``python <args>``; fails if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)} exited with {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024  # Linux: ru_maxrss in KiB


def main() -> int:
    """Build the demo database, then time each command N times and print one line per command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="5 runs of each instead of 20")
    parser.add_argument("--runs", type=int, default=None, help="runs of each command")
    args = parser.parse_args()
    runs = args.runs or (5 if args.small else 20)
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PARCIMONIE_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
            "PARCIMONIE_DATA_DIR": folder,
            "PARCIMONIE_LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "-m", "parcimonie", "demo", "--no-serve", "--vms", str(DEMO_VMS)],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        commands = {
            "python -c pass": ["-c", "pass"],
            "parcimonie --help": ["-m", "parcimonie", "--help"],
            f"parcimonie inventory --json ({DEMO_VMS} VMs)": ["-m", "parcimonie", "inventory", "--json"],
        }
        print(f"{runs} runs each, {os.cpu_count()} CPUs")
        for label, command in commands.items():
            _run_once(command, env)  # warm the file cache and the bytecode
            samples = [_run_once(command, env) for _ in range(runs)]
            wall = [s for s, _ in samples]
            rss = [m for _, m in samples]
            print(
                f"{label}: median {statistics.median(wall):.3f} s, min {min(wall):.3f} s, "
                f"peak RSS {statistics.median(rss):.0f} MiB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
