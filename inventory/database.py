"""Engine creation and schema upgrades: SQLite (WAL) by default, any SQLAlchemy URL otherwise.

Also the URL rules every surface shares: the default SQLite file, and URLs with the password masked.
"""

import ast
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlmodel import Session, create_engine

from inventory.errors import (
    DatabaseFolderUnavailable,
    DatabaseReadOnly,
    DatabaseTooNew,
    DriverMissing,
    ImportInProgress,
    InvalidDatabaseUrl,
    NotADatabase,
)

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DEFAULT_DATABASE_FILE = "parcimonie.db"
#: How long a write waits for another run of the same source (on SQLite: any write) to finish.
WRITE_LOCK_WAIT_S = 120.0
_SQLITE_BUSY_MS = 10_000  # how long any SQLite statement waits for a lock


def default_database_url(data_dir: Path) -> str:
    """The URL of the SQLite database kept in ``data_dir`` when no URL is configured."""
    return f"sqlite:///{data_dir / DEFAULT_DATABASE_FILE}"


def safe_url(url: str) -> str:
    """The database URL with any password masked, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL points to, or None (in-memory, not SQLite).

    Understands plain paths (``sqlite:///data/p.db``) and SQLite URIs
    (``sqlite:///file:/data/p.db?mode=ro&uri=true``).
    """
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    assert database is not None
    if database.startswith("file:") and str(parsed.query.get("uri", "")).lower() in ("true", "1"):
        if parsed.query.get("mode") == "memory":
            return None
        path = unquote(urlsplit(database).path)
        return None if path in ("", ":memory:") else Path(path).expanduser()
    return Path(database).expanduser()


def _read_only(url: str) -> bool:
    return make_url(url).query.get("mode") == "ro"


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL when that file does not exist (a mistyped path?), else None."""
    path = sqlite_file(url)
    return None if path is None or path.exists() else path


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
    cursor.close()


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse a folder given as the database; create the database's folder when ``create``.

    The file itself is never opened here: closing any descriptor of a SQLite file releases every
    POSIX lock this process holds on it, and another process could then reset the WAL under a live
    connection (writes lost). A file that is not a database is recognised from SQLite's own error
    (``upgrade_database``).
    """
    if path.is_dir():
        raise NotADatabase(f"la base {path} est un dossier, pas une base SQLite : indiquez un fichier")
    if path.exists():
        return
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatabaseFolderUnavailable(
                f"impossible de créer le dossier {path.parent} de la base : {err.strerror or err}"
            ) from None


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created and WAL mode set.

    Raises ``DatabaseUnusable`` subclasses with a French message (never a password):
    ``InvalidDatabaseUrl``, ``DriverMissing``, ``DatabaseFolderUnavailable``, ``NotADatabase``.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidDatabaseUrl(
            "URL de base de données illisible (attendu : sqlite:///chemin/parcimonie.db ou "
            "postgresql+psycopg://utilisateur@serveur/base)"
        ) from None
    scheme = parsed.drivername
    try:
        if parsed.get_backend_name() == "sqlite":
            read_only = _read_only(url)
            path = sqlite_file(url)
            if path is not None:
                _check_sqlite_file(path, create=not read_only)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except NoSuchModuleError:
        raise InvalidDatabaseUrl(
            f"type de base inconnu : {scheme}:// dans {safe_url(url)} (attendu : sqlite:// ou postgresql+psycopg://)"
        ) from None
    except ImportError as err:
        module = err.name or str(err)
        raise DriverMissing(
            f"pilote absent pour {scheme}:// : installez le module Python {module} "
            f"(ou utilisez sqlite:// ou postgresql+psycopg://) — base {safe_url(url)}"
        ) from None


def alembic_config(engine: Engine) -> "Config":
    """Alembic configuration bound to ``engine`` (no alembic.ini needed)."""
    from alembic.config import Config  # here: alembic costs ~70 ms at import, only migrations need it

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revisions() -> set[str]:
    """The head revisions of the migrations, read from their files without importing Alembic."""
    revisions, parents = _revision_graph()
    return revisions - parents


def known_revisions() -> set[str]:
    """Every revision this Parcimonie's migrations know."""
    return _revision_graph()[0]


def _revision_graph() -> tuple[set[str], set[str]]:
    """The revisions of the migration files, and those that are another's parent."""
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
    return revisions, parents


def _current_revisions(engine: Engine) -> set[str] | None:
    """The database's Alembic revisions, or None when it has no version table (a new database)."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return {str(v) for v in connection.execute(text("SELECT version_num FROM alembic_version")).scalars()}


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at the migrations' heads (one query, no Alembic import)."""
    try:
        current = _current_revisions(engine)
    except SQLAlchemyError:  # unreadable: upgrade_database says why
        return False
    return bool(current) and current == head_revisions()


def _not_a_database(engine: Engine, err: DBAPIError) -> NotADatabase | None:
    message = str(err.orig or err)
    if engine.dialect.name == "sqlite" and ("not a database" in message or "malformed" in message):
        where = sqlite_file(engine.url.render_as_string(hide_password=False)) or engine.url.database
        return NotADatabase(
            f"la base {where} n'est pas une base SQLite (fichier d'un autre type, ou abîmé ?) : "
            "vérifiez PARCIMONIE_DATABASE_URL"
        )
    return None


def check_revision(engine: Engine) -> None:
    """Raise ``DatabaseTooNew`` when a newer Parcimonie migrated the database (an unknown revision)."""
    unknown = sorted((_current_revisions(engine) or set()) - known_revisions())
    if unknown:
        raise DatabaseTooNew(
            f"la base {engine.url.render_as_string(hide_password=True)} a été créée par une version "
            f"plus récente de Parcimonie (révision {', '.join(unknown)}) : mettez Parcimonie à jour"
        )


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` through the Alembic migrations.

    Already at the heads, nothing runs: commands on an up-to-date database skip Alembic (~80 ms).
    Raises ``DatabaseTooNew`` for a database a newer Parcimonie migrated, ``NotADatabase`` for a
    SQLite file that is not a database.
    """
    try:
        if revision == "head" and schema_is_current(engine):
            return
        check_revision(engine)
        if engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro":
            raise DatabaseReadOnly(
                f"la base {engine.url.database} est ouverte en lecture seule (mode=ro) mais doit être créée ou "
                "mise à jour : ouvrez-la une fois sans mode=ro (parcimonie init)"
            )
        from alembic import command

        command.upgrade(alembic_config(engine), revision)
    except DBAPIError as err:
        if (mapped := _not_a_database(engine, err)) is not None:
            raise mapped from None
        raise


def downgrade_database(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (for tests and emergencies)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def is_initialised(engine: Engine) -> bool:
    """True when the schema exists (the migrations have run at least once)."""
    return inspect(engine).has_table("alembic_version")


def _lock_key(source: str) -> int:
    """A stable signed 64-bit key for ``source`` (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"parcimonie:{source}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _in_progress(source: str, detail: str) -> ImportInProgress:
    return ImportInProgress(
        f"{source} : une autre importation de cette source est en cours ({detail}) : réessayez quand elle sera terminée"
    )


def is_locked_error(err: BaseException) -> bool:
    """True for SQLite's "database is locked" and PostgreSQL's lock timeout."""
    orig = getattr(err, "orig", None)
    return "database is locked" in str(orig or err) or getattr(orig, "sqlstate", None) == "55P03"


def lock_source(session: Session, source: str) -> None:
    """Take the write lock of ``source`` for the session's transaction (its first statement).

    PostgreSQL: a transaction-level advisory lock per source, so runs of other sources go on.
    SQLite: ``BEGIN IMMEDIATE`` (the database's one write lock). Either way a second run of the
    same source waits for the first to commit, then sees its rows and updates them: no duplicate,
    no ``IntegrityError``. Waiting longer than ``WRITE_LOCK_WAIT_S`` raises ``ImportInProgress``.
    """
    connection = session.connection()
    backend = connection.dialect.name
    wait_ms = int(WRITE_LOCK_WAIT_S * 1000)
    try:
        if backend == "sqlite":
            connection.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
        elif backend == "postgresql":
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(source)})
            connection.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")
    except OperationalError as err:
        if is_locked_error(err):
            raise _in_progress(source, f"attente de {WRITE_LOCK_WAIT_S:.0f} s dépassée") from None
        raise


def lock_schema(connection: Connection) -> None:
    """Serialise schema migrations: the first statement of the migrations' transaction.

    Several commands started at once on a new database would otherwise all create the tables
    (``table … already exists``); with the lock the others wait, then find the schema current.
    """
    backend = connection.dialect.name
    if backend == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(WRITE_LOCK_WAIT_S * 1000)}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
    elif backend == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key("schema")})


@contextmanager
def source_write_scope(engine: Engine, source: str) -> Iterator[Session]:
    """``session_scope`` holding the write lock of ``source`` (see ``lock_source``) until commit.

    A unique-key clash on ``(source, external_id)`` (a writer that took no lock) is reported as
    ``ImportInProgress`` too, never as an ``IntegrityError`` traceback.
    """
    try:
        with session_scope(engine) as session:
            lock_source(session, source)
            yield session
    except IntegrityError as err:
        message = str(err.orig or err)
        if "_source_ext" in message or ".external_id" in message:
            raise _in_progress(source, "écriture concurrente") from None
        raise


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
