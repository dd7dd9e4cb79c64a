"""What the server's preload process computed (``dashboard.preload_worker``), read back by the pages.

``parcimonie dashboard`` starts, beside the server, a child process that reads the estate and
computes Consolidation's first plans once the first page is drawn: on its own core, at a lower
priority (a thread of the server would share its interpreter lock with every page). It
writes each result as a file in a private folder (``PARCIMONIE_PRELOAD_DIR``, created by the server
with owner-only rights and removed when it stops), announced first by a ``.pending`` marker: a page
that needs a result still being computed waits for it rather than computing it a second time.
Reading one back costs milliseconds (numpy arrays and frames), computing it seconds at 50 000 VMs.
The worker waits for the first page to be drawn (``release``: its script has run) before it
computes: two cores shared by the server, the browser and the worker drew the first page 1,5×
slower.

Every page cache goes through its own loader as before; the loader asks ``fetch`` first. A key names
everything the result depends on (database, snapshot, request and the plan cache's key of the
assumptions and offers), so a result is never read for another question. Without the variable
(tests, a plain ``streamlit run``) nothing is preloaded and ``fetch`` answers None at once.
"""

import hashlib
import os
import pickle
import stat
import time
from pathlib import Path
from typing import Any

ENV = "PARCIMONIE_PRELOAD_DIR"
GO = "go"  # the file that lets the worker start computing: the first page is drawn, or a page waits
WAIT_S = 120.0  # longest wait for an announced result (the worker removes its markers when it stops)
_POLL_S = 0.02
_released: set[str] = set()  # folders this process let the worker compute in
_forgotten: set[str] = set()  # folders whose results this process no longer reads


def folder() -> Path | None:
    """The preload folder of this server, None when there is none (or its results were forgotten)."""
    value = os.environ.get(ENV)
    if not value or value in _forgotten:
        return None
    try:
        info = Path(value).stat()
    except OSError:
        return None
    # Results are unpickled: read only a folder of this user that nobody else may write into.
    private = info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077 == 0
    return Path(value) if private else None


def name_of(kind: str, key: tuple[Any, ...]) -> str:
    """The file stem of the result ``kind`` for ``key`` (the same in the server and the worker)."""
    return f"{kind}-{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}"


def announce(where: Path, names: list[str]) -> None:
    """Say that the results ``names`` are being computed: pages asking for them wait."""
    for name in names:
        (where / f"{name}.pending").touch()


def withdraw(where: Path) -> None:
    """No result left to wait for (the worker stops): remove every marker."""
    for marker in where.glob("*.pending"):
        marker.unlink(missing_ok=True)


def store(where: Path, name: str, value: object) -> None:
    """Write ``value`` as the result ``name`` (whole or not at all), then drop its marker."""
    part = where / f"{name}.part"
    part.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    part.replace(where / f"{name}.pickle")
    (where / f"{name}.pending").unlink(missing_ok=True)


def fetch(kind: str, key: tuple[Any, ...], *, wait_s: float = WAIT_S) -> object | None:
    """The result ``kind`` for ``key`` when the preload computed it, waiting while it is announced;
    None when it was not asked for, failed, or nothing is preloaded."""
    where = folder()
    if where is None:
        return None
    name = name_of(kind, key)
    result, pending = where / f"{name}.pickle", where / f"{name}.pending"
    deadline = time.monotonic() + wait_s
    while True:
        if result.exists():
            # Written by this server's own child in a folder only its user can open: not foreign data.
            value: object = pickle.loads(result.read_bytes())  # noqa: S301
            return value
        if not pending.exists() or time.monotonic() > deadline:
            return None
        release()  # a page waits for it: nothing left to protect from the worker
        time.sleep(_POLL_S)


def release() -> None:
    """Let the worker compute: the first page is drawn (its CPU is the pages' until then)."""
    where = folder()
    if where is None or str(where) in _released:
        return
    (where / GO).touch()
    _released.add(str(where))


def released(where: Path) -> bool:
    """Whether a page let the worker compute (``release``)."""
    return (where / GO).exists()


def forget() -> None:
    """Never read this server's preloaded results again in this process (the catalogue changed)."""
    value = os.environ.get(ENV)
    if value:
        _forgotten.add(value)
