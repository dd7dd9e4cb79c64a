"""Local collector: this machine through psutil, /proc and /sys."""

from collectors.local.collector import collect_local, local_source, map_machine
from collectors.local.probe import MachineFacts, probe_machine

__all__ = ["MachineFacts", "collect_local", "local_source", "map_machine", "probe_machine"]
