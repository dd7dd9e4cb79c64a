"""A thin wrapper over pyVmomi: connect, bulk property retrieval, performance queries.

Every call goes through ``_call``: a timeout (the HTTP connection timeout of the SOAP stub),
retries with exponential backoff on transient errors, and the translation of SDK errors into
``SourceUnavailable`` / ``SourceAuthFailed`` / ``InvalidSourceData``, once, here. Messages name
the source and its address, never the password.
"""

import http.client
import logging
import ssl
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from pydantic import SecretStr
from pyVmomi import vim, vmodl
from pyVmomi.SoapAdapter import SoapStubAdapter
from pyVmomi.VmomiSupport import DataObject, GetServiceVersions, ManagedObject, versionIdMap

from collectors.sources import VSphereSource
from collectors.vsphere.samples import EntitySamples, read_samples
from collectors.vsphere.soap import UnreadableResponse, invoke_raw, read_properties
from inventory.errors import InvalidSourceData, SourceAuthFailed, SourceUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")
_PC = vmodl.query.PropertyCollector
_AUTH_FAULTS = (vim.fault.InvalidLogin, vim.fault.NoPermission, vim.fault.NotAuthenticated)
_TRANSIENT = (OSError, http.client.HTTPException, vmodl.fault.HostCommunication)
_MAX_BACKOFF_S = 8.0


@dataclass(frozen=True)
class RawObject:
    """One managed object as the PropertyCollector returned it: its id, type and properties.

    Property values are plain Python: references become managed object ids ("host-31"), data
    objects become dicts of their set fields.
    """

    ref: str
    type: str
    props: dict[str, Any]


def _fault_msg(fault: vmodl.MethodFault) -> str | None:
    """The fault's ``msg``: an optional vmodl.MethodFault property that pyVmomi's stubs leave out."""
    msg: str | None = fault.msg  # type: ignore[attr-defined]
    return msg


def plain(value: Any) -> Any:
    """An SDK value as plain Python (ids for references, dicts for data objects)."""
    if isinstance(value, str):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, datetime)):
        return value
    if isinstance(value, ManagedObject):
        return value._moId
    if isinstance(value, DataObject):
        return {
            info.name: plain(getattr(value, info.name))
            for info in value._GetPropertyList()
            if info.name not in ("dynamicType", "dynamicProperty") and getattr(value, info.name) is not None
        }
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return str(value)


def tls_context(source: VSphereSource) -> ssl.SSLContext:
    """Verification on by default; ``ca_file`` adds an internal CA; ``insecure`` turns it off loudly."""
    if source.insecure:
        logger.warning(
            "%s: TLS verification is OFF (insecure=true): the identity of %s is not checked; "
            "set ca_file to your internal CA instead",
            source.source,
            source.address,
        )
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    cafile = str(source.ca_file) if source.ca_file else None
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as err:
        raise SourceAuthFailed(f"{source.source}: cannot load ca_file {source.ca_file}: {err}") from None


class VSphereClient:
    """A logged-in session on one vCenter; use as a context manager (logs out on exit)."""

    def __init__(
        self,
        source: VSphereSource,
        *,
        password: SecretStr,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.source = source
        self._password = password
        self._sleep = sleep
        self._stub: Any = None
        self.content: Any = None

    # -- plumbing -------------------------------------------------------------------------------

    def _where(self) -> str:
        return f"{self.source.source} ({self.source.address})"

    def _call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one SDK call with retries on transient errors; translate what it raises."""
        attempts = self.source.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return fn(*args, **kwargs)
            except ssl.SSLCertVerificationError as err:
                raise SourceAuthFailed(
                    f"{self._where()}: TLS certificate not trusted ({err.verify_message}); "
                    "set ca_file to the CA that signed it (or insecure=true in a lab)"
                ) from None
            except _AUTH_FAULTS as err:
                raise SourceAuthFailed(
                    f"{self._where()}: {what} refused for user '{self.source.user}': {_fault_msg(err)}"
                ) from None
            except _TRANSIENT as err:
                reason = getattr(err, "msg", None) or getattr(err, "strerror", None) or str(err)
                reason = reason or type(err).__name__
                if attempt == attempts:
                    raise SourceUnavailable(
                        f"{self._where()}: {what} failed after {attempts} attempt(s): {reason}"
                    ) from None
                delay = min(_MAX_BACKOFF_S, 0.25 * 2 ** (attempt - 1))
                logger.info("%s: %s failed (%s), retry in %.2f s", self._where(), what, reason, delay)
                self._sleep(delay)
            except vmodl.MethodFault as err:
                raise InvalidSourceData(f"{self._where()}: {what}: {_fault_msg(err) or type(err).__name__}") from None
            except UnreadableResponse as err:
                raise InvalidSourceData(f"{self._where()}: {what}: unreadable response: {err}") from None
        raise AssertionError("unreachable")

    def raw(self, what: str, mo: Any, method: str, args: Sequence[Any], parse: Callable[[Any], T]) -> T:
        """``mo.method(*args)`` on this session, its response read by ``parse`` instead of pyVmomi.

        Same endpoint, cookie, timeout, retries and error translation as every other call.
        """
        result: T = self._call(what, invoke_raw, self._stub, mo, method, args, parse)
        return result

    def _api_version(self, context: ssl.SSLContext | None) -> str:
        """The newest API version both pyVmomi and the server speak (vimServiceVersions.xml)."""
        s = self.source

        def fetch() -> bytes:
            if s.scheme == "https":
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    s.host, s.port, timeout=s.timeout_s, context=context
                )
            else:
                conn = http.client.HTTPConnection(s.host, s.port, timeout=s.timeout_s)
            try:
                conn.request("GET", "/sdk/vimServiceVersions.xml")
                response = conn.getresponse()
                if response.status != 200:
                    raise InvalidSourceData(f"{self._where()}: not a vSphere API endpoint (HTTP {response.status})")
                return response.read()
            finally:
                conn.close()

        body = self._call("connection", fetch)
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise InvalidSourceData(f"{self._where()}: unreadable vimServiceVersions.xml") from None
        offered: set[str] = set()
        for namespace in root.findall("namespace"):
            if namespace.findtext("name") == "urn:vim25":
                offered.add(namespace.findtext("version") or "")
                offered.update(v.text or "" for v in namespace.findall("priorVersions/version"))
        for version in GetServiceVersions("vim25"):
            if versionIdMap.get(version) in offered:
                return str(version)
        raise InvalidSourceData(f"{self._where()}: no API version in common (server offers {sorted(offered)})")

    # -- session --------------------------------------------------------------------------------

    def connect(self) -> None:
        """Open the session: TLS handshake and version probe, then login."""
        s = self.source
        context = tls_context(s) if s.scheme == "https" else None
        version = self._api_version(context)
        self._stub = SoapStubAdapter(
            host=s.host,
            port=s.port if s.scheme == "https" else -s.port,
            version=version,
            sslContext=context,
            httpConnectionTimeout=s.timeout_s,
            poolSize=8,
        )
        instance = vim.ServiceInstance("ServiceInstance", self._stub)
        self.content = self._call("RetrieveServiceContent", instance.RetrieveContent)
        self._call("login", self.content.sessionManager.Login, s.user, self._password.get_secret_value(), None)
        logger.debug("%s: logged in (API %s, %s)", self._where(), version, self.content.about.fullName)

    def close(self) -> None:
        """Log out (best effort: the session expires on the server anyway)."""
        if self.content is None:
            return
        try:
            self.content.sessionManager.Logout()
        except Exception as err:  # noqa: BLE001  (logging out of a dead server must not mask the result)
            logger.debug("%s: logout failed: %r", self._where(), err)
        finally:
            self.content = None
            self._stub = None

    def __enter__(self) -> "VSphereClient":
        self.connect()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- bulk reads -----------------------------------------------------------------------------

    def retrieve(
        self,
        kind: type,
        paths: Sequence[str],
        *,
        extra: dict[type, Sequence[str]] | None = None,
        page_size: int = 1000,
        sdk: bool = False,
    ) -> list[RawObject]:
        """All objects of ``kind`` with ``paths``, in one ContainerView and paged retrievals.

        ``extra`` adds paths for subtypes (ClusterComputeResource within ComputeResource).
        Responses are read by ``soap.read_properties``; ``sdk=True`` lets pyVmomi deserialise
        them instead (the reference the tests compare against, about 5× slower).
        """
        name = kind.__name__.rsplit(".", 1)[-1]
        manager = self.content.viewManager
        view = self._call(
            f"CreateContainerView({name})",
            manager.CreateContainerView,
            self.content.rootFolder,
            [kind],
            True,
        )
        try:
            traversal = _PC.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)
            prop_specs = [_PC.PropertySpec(type=kind, pathSet=list(paths))]
            prop_specs += [_PC.PropertySpec(type=t, pathSet=list(p)) for t, p in (extra or {}).items()]
            spec = _PC.FilterSpec(
                objectSet=[_PC.ObjectSpec(obj=view, skip=True, selectSet=[traversal])],
                propSet=prop_specs,
            )
            collector = self.content.propertyCollector
            options = _PC.RetrieveOptions(maxObjects=page_size)
            if sdk:
                return self._retrieve_sdk(name, collector, spec, options)
            objects: list[RawObject] = []
            page, token = self.raw(
                f"RetrievePropertiesEx({name})",
                collector,
                "RetrievePropertiesEx",
                [[spec], options],
                lambda stream: read_properties(stream, "RetrievePropertiesEx"),
            )
            while True:
                objects.extend(RawObject(ref, kind_name, props) for ref, kind_name, props in page)
                if not token:
                    break
                page, token = self.raw(
                    f"ContinueRetrievePropertiesEx({name})",
                    collector,
                    "ContinueRetrievePropertiesEx",
                    [token],
                    lambda stream: read_properties(stream, "ContinueRetrievePropertiesEx"),
                )
            return objects
        finally:
            try:
                view.Destroy()
            except Exception as err:  # noqa: BLE001  (a view dies with the session anyway)
                logger.debug("%s: destroying view failed: %r", self._where(), err)

    def _retrieve_sdk(self, name: str, collector: Any, spec: Any, options: Any) -> list[RawObject]:
        objects: list[RawObject] = []
        result = self._call(f"RetrievePropertiesEx({name})", collector.RetrievePropertiesEx, [spec], options)
        while result is not None:
            for item in result.objects or ():
                props = {p.name: plain(p.val) for p in item.propSet or ()}
                objects.append(RawObject(item.obj._moId, type(item.obj).__name__.rsplit(".", 1)[-1], props))
            if not result.token:
                break
            result = self._call(
                f"ContinueRetrievePropertiesEx({name})", collector.ContinueRetrievePropertiesEx, result.token
            )
        return objects

    # -- performance ----------------------------------------------------------------------------

    def counter_ids(self, names: Sequence[str]) -> dict[str, int]:
        """Counter keys of ``group.name.rollup`` counter names present on this server."""
        perf = self.content.perfManager
        counters = self._call("perfCounter", getattr, perf, "perfCounter")
        by_name = {f"{c.groupInfo.key}.{c.nameInfo.key}.{c.rollupType}": c.key for c in counters}
        return {name: by_name[name] for name in names if name in by_name}

    def historical_intervals(self) -> list[tuple[int, int]]:
        """(sampling period, retention) in seconds of the enabled historical intervals."""
        perf = self.content.perfManager
        intervals = self._call("historicalInterval", getattr, perf, "historicalInterval")
        return sorted((i.samplingPeriod, i.length) for i in intervals or () if i.enabled)

    def server_time(self) -> datetime:
        """The vCenter's clock (statistics windows are set on it, not on ours)."""
        instance = vim.ServiceInstance("ServiceInstance", self._stub)
        value: datetime = self._call("CurrentTime", instance.CurrentTime)
        return value

    def query_samples(self, specs: Sequence[Any]) -> list[EntitySamples]:
        """One QueryPerf call for the given QuerySpecs, read straight into numpy arrays."""
        perf = self.content.perfManager
        return self.raw(f"QueryPerf({len(specs)} entities)", perf, "QueryPerf", [list(specs)], read_samples)

    def query_perf(self, specs: Sequence[Any]) -> list[Any]:
        """One QueryPerf call deserialised by pyVmomi (the reference for ``query_samples``)."""
        result = self._call(f"QueryPerf({len(specs)} entities)", self.content.perfManager.QueryPerf, list(specs))
        return list(result or ())

    def entity(self, kind: type, ref: str) -> Any:
        """A managed object stub bound to this session (for QuerySpec entities)."""
        return kind(ref, self._stub)
