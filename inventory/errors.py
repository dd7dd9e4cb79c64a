"""The errors a collection or an import can end with, translated once at the source boundary.

Messages name the host, file, sheet, line or column at fault, and never carry a secret.
"""

from sqlalchemy.exc import ArgumentError


class CollectionError(Exception):
    """A collection or an import could not produce a trustworthy snapshot."""


class SourceUnavailable(CollectionError):
    """The source could not be reached or dropped mid-run; the next run may succeed."""


class SourceAuthFailed(CollectionError):
    """The source refused the credentials or the TLS certificate: a human must act."""


class InvalidSourceData(CollectionError):
    """The source answered, but with data that cannot be trusted (a malformed file, a bad row)."""


class InvalidRecord(InvalidSourceData, ValueError):
    """A record carries a value the inventory refuses (see ``inventory.limits``): nothing is written.

    ``kind`` (site, cluster, host, vm, datastore), ``external_id`` and ``name`` say which record,
    ``field`` which value, ``value`` the value refused and ``allowed`` what would have been accepted.
    Collectors that validate at parse time catch it to name their file, line and column.
    """

    def __init__(
        self,
        *,
        kind: str,
        external_id: str | None,
        name: str | None,
        field: str,
        value: object,
        allowed: str,
        source: str | None = None,
    ) -> None:
        self.kind = kind
        self.external_id = external_id
        self.name = name
        self.field = field
        self.value = value
        self.allowed = allowed
        self.source = source
        super().__init__(self.describe())

    def describe(self) -> str:
        """The message: which record, which field, the value and what is allowed (never a raw NUL)."""
        who = self.kind
        if self.name is not None and self.name != self.external_id:
            who += f" {_shown(self.name)}"
        if self.external_id is not None:
            who += f" (id {_shown(self.external_id)})"
        where = f"{self.source} : " if self.source else ""
        return f"{where}{who} : {self.field} = {_shown(self.value)} refusé ({self.allowed})"

    def in_source(self, source: str) -> "InvalidRecord":
        """The same error, its message prefixed with the source."""
        return InvalidRecord(
            kind=self.kind,
            external_id=self.external_id,
            name=self.name,
            field=self.field,
            value=self.value,
            allowed=self.allowed,
            source=source,
        )


def _shown(value: object, limit: int = 60) -> str:
    """A value as a message shows it: repr (so NUL bytes and spaces are visible), cut when long."""
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
        if isinstance(value, str):
            text += f" ({len(value)} caractères)"
    return text.replace("\x00", "\\x00")


class ImportInProgress(SourceUnavailable):
    """Another run is writing the same source (or, on SQLite, the database) and did not finish in time."""


class DatabaseUnusable(Exception):
    """The configured database cannot be used as it is; the message (French, no password) says why."""


class InvalidDatabaseUrl(DatabaseUnusable, ArgumentError):
    """The database URL cannot be read, or names an unknown kind of database.

    Also an ``ArgumentError``, as SQLAlchemy raised before, so callers that caught that still do.
    """


class DriverMissing(DatabaseUnusable, ArgumentError):
    """The Python driver of the URL's database (``mysql://`` → MySQLdb…) is not installed."""


class DatabaseFolderUnavailable(DatabaseUnusable):
    """The folder of the SQLite file cannot be created (permissions, a file in the way…)."""


class NotADatabase(DatabaseUnusable):
    """The SQLite path is a folder, or a file that is not a SQLite database."""


class DatabaseTooNew(DatabaseUnusable):
    """The database was migrated by a newer Parcimonie: its revision is unknown to this one."""


class DatabaseReadOnly(DatabaseUnusable):
    """A SQLite database opened read-only (``mode=ro``) needs its schema created or upgraded."""
