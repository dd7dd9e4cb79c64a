"""The errors a collection or an import can end with, translated once at the source boundary.

Messages name the host, file, sheet, line or column at fault, and never carry a secret.
"""


class CollectionError(Exception):
    """A collection or an import could not produce a trustworthy snapshot."""


class SourceUnavailable(CollectionError):
    """The source could not be reached or dropped mid-run; the next run may succeed."""


class SourceAuthFailed(CollectionError):
    """The source refused the credentials or the TLS certificate: a human must act."""


class InvalidSourceData(CollectionError):
    """The source answered, but with data that cannot be trusted (a malformed file, a bad row)."""
