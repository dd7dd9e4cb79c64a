"""A streaming reader of ``QueryPerf`` responses: samples straight into numpy arrays.

Both result formats are read: ``PerfEntityMetric`` ("normal": one element per sample) and
``PerfEntityMetricCSV`` (one comma-separated string per counter, several times smaller on the
wire). Each entity's element is freed as soon as it is read, so memory stays flat whatever the
batch size.
"""

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, cast

import numpy as np
from numpy.typing import NDArray
from pyVmomi.Iso8601 import ParseISO8601

from collectors.vsphere.soap import VIM, XSI_TYPE, UnreadableResponse

_RETURNVAL = f"{VIM}returnval"
_ENTITY = f"{VIM}entity"
_VALUE = f"{VIM}value"
_COUNTER = f"{VIM}id/{VIM}counterId"
_SAMPLE_STAMP = f"{VIM}sampleInfo/{VIM}timestamp"
_SAMPLE_CSV = f"{VIM}sampleInfoCSV"


@dataclass(frozen=True)
class EntitySamples:
    """One entity's samples: ``values[counter_id]`` has shape (n_samples,), in server order."""

    ref: str
    timestamps: tuple[datetime, ...]
    values: dict[int, NDArray[np.float64]]


def _stamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        parsed = ParseISO8601(text)
        if parsed is None:
            raise UnreadableResponse(f"QueryPerf: unreadable timestamp '{text}'") from None
        return cast(datetime, parsed)


def _floats(texts: Iterable[str | None]) -> NDArray[np.float64]:
    try:
        return np.array([t for t in texts if t], dtype=np.float64)
    except ValueError as err:
        raise UnreadableResponse(f"QueryPerf: a sample is not a number ({err})") from None


def _entity(element: ET.Element) -> EntitySamples:
    entity = element.find(_ENTITY)
    if entity is None or not entity.text:
        raise UnreadableResponse("QueryPerf: a result without its entity")
    csv = element.get(XSI_TYPE, "").endswith("PerfEntityMetricCSV")
    if csv:
        # sampleInfoCSV: "interval,timestamp,interval,timestamp,…"
        stamps = (element.findtext(_SAMPLE_CSV) or "").split(",")[1::2]
    else:
        stamps = [stamp.text or "" for stamp in element.iterfind(_SAMPLE_STAMP)]
    values: dict[int, NDArray[np.float64]] = {}
    for series in element.iterfind(_VALUE):
        counter = series.findtext(_COUNTER)
        if counter is None:
            raise UnreadableResponse(f"QueryPerf: a series of {entity.text} without its counter")
        if csv:
            values[int(counter)] = _floats((series.findtext(_VALUE) or "").split(","))
        else:
            values[int(counter)] = _floats(v.text for v in series.iterfind(_VALUE))
    return EntitySamples(entity.text, tuple(_stamp(s) for s in stamps if s), values)


def read_samples(stream: IO[bytes]) -> list[EntitySamples]:
    """Every entity's samples in a QueryPerf response; ``UnreadableResponse`` if malformed."""
    results: list[EntitySamples] = []
    seen_body = False
    try:
        for _event, element in ET.iterparse(stream, events=("end",)):
            if element.tag == _RETURNVAL:
                results.append(_entity(element))
                element.clear()
            elif element.tag == f"{VIM}QueryPerfResponse":
                seen_body = True
    except ET.ParseError as err:
        raise UnreadableResponse(f"QueryPerf: malformed XML ({err})") from None
    if not seen_body:
        raise UnreadableResponse("QueryPerf: no QueryPerfResponse in the answer")
    return results
