"""Query rows as pandas DataFrames for notebooks; pandas is an optional extra.

IRIs become their full text, literals of the XSD number and boolean types become Python
numbers and booleans, other literals their lexical form. Unbound cells are ``None`` in text
columns (of dtype ``object``) and ``NaN`` in columns that hold only numbers or booleans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from pyoxigraph import BlankNode, Literal, NamedNode

from d3fgraph.errors import D3fgraphError
from d3fgraph.namespaces import XSD
from d3fgraph.query import Row

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["MissingExtraError", "cell_value", "rows_to_frame"]

_INTEGERS: Final = frozenset(
    XSD.term(name).value
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
)
_FLOATS: Final = frozenset(XSD.term(name).value for name in ("decimal", "double", "float"))


class MissingExtraError(D3fgraphError, ImportError):
    """An optional dependency is not installed; the message names the extra that adds it."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        self.package = package
        self.extra = extra
        msg = (
            f"{feature} needs {package}, which is not installed; "
            f"install it with: pip install 'd3fgraph[{extra}]'"
        )
        super().__init__(msg)


def cell_value(term: object) -> object:
    """Return the Python value of a query cell as the module docstring describes."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _FLOATS:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == XSD.boolean.value:
            return term.value in {"true", "1"}
        return term.value
    return str(term)


def rows_to_frame(rows: Sequence[Row], columns: Sequence[str] | None = None) -> DataFrame:
    """Return ``rows`` as a DataFrame with ``columns`` (default: the first row's keys).

    Raises:
        MissingExtraError: pandas is not installed.
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise MissingExtraError("pandas", "notebook", "A DataFrame of query rows") from exc

    names = list(columns) if columns is not None else list(rows[0]) if rows else []
    data = {}
    for name in names:
        values = [cell_value(row.get(name)) for row in rows]
        numeric = values and all(isinstance(v, int | float) for v in values if v is not None)
        # Text columns stay objects so that an unbound cell reads None, not NaN.
        data[name] = pd.Series(values, dtype=None if numeric else object)
    return pd.DataFrame(data, columns=names)
