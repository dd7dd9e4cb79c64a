"""Engine creation and schema upgrades: SQLite (WAL) by default, any SQLAlchemy URL otherwise.

Also the URL rules every surface shares: the default SQLite file, and URLs with the password masked.
"""

import ast
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DEFAULT_DATABASE_FILE = "parcimonie.db"


def default_database_url(data_dir: Path) -> str:
    """The URL of the SQLite database kept in ``data_dir`` when no URL is configured."""
    return f"sqlite:///{data_dir / DEFAULT_DATABASE_FILE}"


def safe_url(url: str) -> str:
    """The database URL with any password masked, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL when that file does not exist (a mistyped path?), else None."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database).expanduser()
    return None if path.exists() else path


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created and WAL mode set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> "Config":
    """Alembic configuration bound to ``engine`` (no alembic.ini needed)."""
    from alembic.config import Config  # here: alembic costs ~70 ms at import, only migrations need it

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revisions() -> set[str]:
    """The head revisions of the migrations, read from their files without importing Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target: ast.expr
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                values[target.id] = ast.literal_eval(value)
        if isinstance(values.get("revision"), str):
            revisions.add(str(values["revision"]))
            down = values.get("down_revision")
            if isinstance(down, str):
                parents.add(down)
            elif isinstance(down, tuple | list):  # a merge revision
                parents.update(str(d) for d in down)
    return revisions - parents


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at the migrations' heads (one query, no Alembic import)."""
    try:
        with engine.connect() as connection:
            current = {str(v) for v in connection.execute(text("SELECT version_num FROM alembic_version")).scalars()}
    except SQLAlchemyError:  # no version table yet: a new database
        return False
    return bool(current) and current == head_revisions()


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` through the Alembic migrations.

    Already at the heads, nothing runs: commands on an up-to-date database skip Alembic (~80 ms).
    """
    if revision == "head" and schema_is_current(engine):
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (for tests and emergencies)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def is_initialised(engine: Engine) -> bool:
    """True when the schema exists (the migrations have run at least once)."""
    return inspect(engine).has_table("alembic_version")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error: one transaction."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
