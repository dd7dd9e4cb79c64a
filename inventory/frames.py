"""Query results as pandas frames, built a column at a time (``columns.fetch_columns``).

``pd.DataFrame(rows, columns=...)`` infers each column's dtype from Python objects, a few
milliseconds per column of 50 000 values. Columns of plain numbers, the most common, are converted
here by numpy to the dtype pandas would infer; the others are left to pandas. pandas is imported
by the function, so importing the inventory stays light.
"""

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Select
from sqlmodel import Session

from inventory.columns import fetch_columns

if TYPE_CHECKING:
    import pandas as pd

_NONE = type(None)
#: Python types of a column → the dtype pandas infers for them (ints with None become floats, NaN;
#: text stays objects, handed over as an array pandas takes as it is).
_NUMERIC: dict[frozenset[type], type] = {
    frozenset({int}): np.int64,
    frozenset({bool}): np.bool_,
    frozenset({float}): np.float64,
    frozenset({int, float}): np.float64,
    frozenset({int, _NONE}): np.float64,
    frozenset({float, _NONE}): np.float64,
    frozenset({int, float, _NONE}): np.float64,
    frozenset({str}): np.object_,
    frozenset({str, _NONE}): np.object_,
}


def query_frame(session: Session, statement: Select[Any], columns: tuple[str, ...]) -> "pd.DataFrame":
    """The rows of ``statement`` (Core columns named as ``columns``) as the frame
    ``pd.DataFrame(rows, columns=columns)`` gives, without a ``Row`` per row."""
    return columns_frame(fetch_columns(session, statement), columns)


def columns_frame(values: dict[str, list[Any]], columns: tuple[str, ...]) -> "pd.DataFrame":
    """Lists of values by name as the frame of their rows, ``pd.DataFrame(rows, columns=columns)``."""
    import pandas as pd

    if not values[columns[0]]:
        return pd.DataFrame([], columns=list(columns))
    return pd.DataFrame({name: column_array(values[name]) for name in columns})


def column_array(values: list[Any]) -> NDArray[Any] | list[Any]:
    """``values`` as the numpy array pandas would infer for them when they are plain numbers, booleans
    or text, else as they are (pandas infers)."""
    kinds = frozenset(map(type, values))
    dtype = _NUMERIC.get(kinds)
    if dtype is None:
        return values
    try:
        array: NDArray[Any] = np.array(values, dtype=dtype)  # None → NaN
    except OverflowError:  # an int beyond int64: pandas decides
        return values
    if int in kinds and dtype is np.float64 and (np.abs(array) >= 2.0**63).any():
        return values  # the same: pandas keeps ints beyond int64 as objects
    return array
