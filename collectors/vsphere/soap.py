"""Raw SOAP calls on pyVmomi's session, and a fast reader of PropertyCollector results.

pyVmomi builds a Python object per XML element through expat callbacks; for bulk reads
(thousands of VMs, hundreds of thousands of statistics samples) that deserialiser is most of
the collection time. ``invoke_raw`` sends the request pyVmomi serialises, on the stub's own
connection pool and session cookie, and hands the response stream to a parser of ours built on
``xml.etree.ElementTree`` (C-accelerated). Faults (HTTP 500) still go through pyVmomi's
deserialiser, so they are raised as the same ``vmodl.MethodFault`` types as before.

``read_properties`` turns a ``RetrievePropertiesEx`` response into the same plain values as
``client.plain`` applied to pyVmomi's objects: references as ids, data objects as dicts of their
set fields (pyVmomi's defaults included), typed by pyVmomi's own type tables.
"""

import http.client
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import IO, Any, TypeVar

from pyVmomi import VmomiSupport
from pyVmomi.Iso8601 import ParseISO8601
from pyVmomi.SoapAdapter import SoapResponseDeserializer
from pyVmomi.VmomiSupport import DataObject, ManagedObject

T = TypeVar("T")

VIM = "{urn:vim25}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
_MOREF = "ManagedObjectReference"
_SKIPPED = ("dynamicType", "dynamicProperty")


class UnreadableResponse(ValueError):
    """A response that is not the XML the call should return (the message says where)."""


def invoke_raw(stub: Any, mo: Any, method: str, args: Sequence[Any], parse: Callable[[IO[bytes]], T]) -> T:
    """Call ``mo.method(*args)`` on ``stub``'s session; ``parse`` reads the 200 response stream.

    Mirrors ``SoapStubAdapter.InvokeMethod`` (headers, cookie, pooled connections, dropping the
    pool when the server misbehaves) but replaces its object deserialiser by ``parse``.
    """
    info = _method_info(type(mo), method)  # type: ignore[arg-type]
    request = stub.SerializeRequest(mo, info, list(args))
    headers = {"Cookie": stub.cookie, "SOAPAction": stub.versionId, "Content-Type": "text/xml; charset=UTF-8"}
    conn = stub.GetConnection()
    try:
        conn.request("POST", stub.path, request, headers)
        response = conn.getresponse()
    except (OSError, http.client.HTTPException):
        conn.close()
        stub.DropConnections()
        raise
    try:
        if response.status == 200:
            result = parse(response)
            response.read()
        elif response.status == 500:
            fault = SoapResponseDeserializer(stub).Deserialize(response, info.result)
            response.read()
        else:
            raise http.client.HTTPException(f"{response.status} {response.reason}")
    except BaseException:
        conn.close()
        stub.DropConnections()
        raise
    stub.ReturnConnection(conn)
    if response.status == 500:
        if isinstance(fault, BaseException):
            raise fault
        raise UnreadableResponse(f"{method}: HTTP 500 without a SOAP fault")
    return result


@cache
def _method_info(kind: Any, method: str) -> Any:
    """pyVmomi's description of a method, by its Python name or its WSDL name (QueryPerf)."""
    while hasattr(kind, "_methodInfo"):
        for name, info in kind._methodInfo.items():
            if method in (name, info.wsdlName):
                return info
        kind = kind.__bases__[0]
    raise AttributeError(f"{kind.__name__} has no method {method}")


# -- typed values -----------------------------------------------------------------------------


def _text(element: ET.Element) -> str:
    return element.text or ""


def _bool(element: ET.Element) -> bool:
    return (element.text or "").strip() in ("true", "1")


def _datetime(element: ET.Element) -> datetime | str:
    text = _text(element).strip()
    parsed = ParseISO8601(text)
    return parsed if parsed is not None else text


@cache
def _wsdl_type(name: str) -> Any:
    """The pyVmomi type of an ``xsi:type`` value (``xsd:int``, ``HostSystemInfo``, ``ArrayOf…``)."""
    prefix, _, local = name.rpartition(":")
    if local == _MOREF:
        return ManagedObject
    if local == f"ArrayOf{_MOREF}":
        return ManagedObject.Array  # type: ignore[attr-defined]
    namespace = XSD_NS if prefix in ("xsd", "xs") else "urn:vim25"
    try:
        return VmomiSupport.GetWsdlType(namespace, local)
    except KeyError:
        return str


@cache
def _defaults(kind: type) -> tuple[tuple[str, Any], ...]:
    """A data object's set-by-default fields, as ``plain`` shows them ([] for arrays, 0, '')."""
    from collectors.vsphere.client import plain

    blank = kind()
    values = ((info.name, getattr(blank, info.name)) for info in blank._GetPropertyList())
    return tuple((name, plain(value)) for name, value in values if name not in _SKIPPED and value is not None)


@cache
def _field_type(kind: Any, name: str) -> Any:
    try:
        return kind._GetPropertyInfo(name).type
    except AttributeError:
        return None


def _data_object(element: ET.Element, kind: type) -> dict[str, Any]:
    values = {name: ([] if isinstance(value, list) else value) for name, value in _defaults(kind)}
    for child in element:
        name = child.tag.rpartition("}")[2]
        if name in _SKIPPED:
            continue
        field = _field_type(kind, name)
        if field is None:  # a field newer than pyVmomi's tables: kept as text
            values[name] = _text(child)
        elif issubclass(field, list):
            values.setdefault(name, []).append(value_of(child, field.Item))
        else:
            values[name] = value_of(child, field)
    return values


@cache
def _reader(kind: Any) -> Callable[[ET.Element], Any]:
    """How to read an element of pyVmomi type ``kind`` as plain Python."""
    if issubclass(kind, list):
        item = kind.Item
        return lambda element: [value_of(child, item) for child in element]
    if issubclass(kind, ManagedObject):
        return _text
    if issubclass(kind, DataObject):
        return lambda element: _data_object(element, kind)
    if issubclass(kind, bool):
        return _bool
    if issubclass(kind, int):
        return lambda element: int(_text(element))
    if issubclass(kind, float):
        return lambda element: float(_text(element))
    if issubclass(kind, datetime):
        return _datetime
    return _text


def value_of(element: ET.Element, declared: type | None = None) -> Any:
    """An element's value: by its ``xsi:type`` when it has one, else by the declared type."""
    name = element.get(XSI_TYPE)
    kind = _wsdl_type(name) if name else (declared or str)
    return _reader(kind)(element)


# -- PropertyCollector ------------------------------------------------------------------------


def read_properties(stream: IO[bytes], method: str) -> tuple[list[tuple[str, str, dict[str, Any]]], str | None]:
    """``(objects, token)`` of a RetrievePropertiesEx/ContinueRetrievePropertiesEx response.

    Each object is ``(managed object id, type name, {path: plain value})``.
    """
    objects: list[tuple[str, str, dict[str, Any]]] = []
    token: list[str] = []

    def handle(element: ET.Element) -> None:
        if element.tag == f"{VIM}token":
            token.append(_text(element))
            return
        obj = element.find(f"{VIM}obj")
        if obj is None:
            raise UnreadableResponse(f"{method}: an object without its reference")
        props: dict[str, Any] = {}
        for prop in element.iterfind(f"{VIM}propSet"):
            name, val = prop.find(f"{VIM}name"), prop.find(f"{VIM}val")
            if name is None or val is None:
                raise UnreadableResponse(f"{method}: property of {obj.text} without name or value")
            props[_text(name)] = value_of(val)
        objects.append((_text(obj), obj.get("type") or "", props))

    seen_body = False
    try:
        for _event, element in ET.iterparse(stream, events=("end",)):
            tag = element.tag
            if tag == f"{VIM}objects" or tag == f"{VIM}token":
                handle(element)
                element.clear()
            elif tag == f"{VIM}{method}Response":
                seen_body = True
    except ET.ParseError as err:
        raise UnreadableResponse(f"{method}: malformed XML ({err})") from None
    if not seen_body:
        raise UnreadableResponse(f"{method}: no {method}Response in the answer")
    return objects, (token[0] if token else None)
