"""Record headline numbers inside an executed notebook, and read them back.

A small, self-written version of scrapbook's ``glue``: :func:`record` displays the value under
a private MIME type, so it is stored in the executed ``.ipynb`` (and invisible in HTML);
:func:`read_results` collects every recorded key from a notebook file. Keys are lower-case
dotted names (``amazon.online_stores.share``) that stay stable across runs; tools, tests, the
report index and ``reports/results.csv`` read values by key, never from HTML.
"""

from __future__ import annotations

import json
import math
import re
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MIME_TYPE = "application/vnd.ecommerce-helpers.result+json"
KEY_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
MAX_TABLE_ROWS = 500

_recorded: dict[str, Any] = {}


def slug(name: object) -> str:
    """Lower-case snake_case form of a name, for use as one part of a result key.

    Examples
    --------
    >>> slug("Third-party seller services")
    'third_party_seller_services'
    >>> slug("S+")
    's_plus'
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = text.replace("+", "_plus").replace("%", "pct")
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text)
    if not text:
        raise ValueError(f"cannot build a result key part from {name!r}: no letters or digits")
    return text


def key(*parts: object) -> str:
    """Join parts into a dotted result key, slugging each part.

    Examples
    --------
    >>> key("Amazon", "Online stores", "share")
    'amazon.online_stores.share'
    """
    return ".".join(slug(p) for p in parts)


def _to_jsonable(name: str, value: Any) -> Any:
    # pandas and numpy are looked up, not imported: a value can only be one of their types when
    # they are already loaded, and the runner reads results before any kernel without them.
    pd = sys.modules.get("pandas")
    np = sys.modules.get("numpy")
    if pd is not None and isinstance(value, pd.DataFrame):
        if len(value) > MAX_TABLE_ROWS:
            raise ValueError(
                f"result {name!r}: a table of {len(value)} rows is too large to record "
                f"(at most {MAX_TABLE_ROWS}); record a summary instead"
            )
        frame = value.reset_index() if not isinstance(value.index, pd.RangeIndex) else value
        return {
            "columns": [str(c) for c in frame.columns],
            "data": [[_to_jsonable(name, v) for v in row] for row in frame.itertuples(index=False)],
        }
    if pd is not None and isinstance(value, pd.Series):
        return _to_jsonable(name, value.to_frame())
    if isinstance(value, bool) or (np is not None and isinstance(value, np.bool_)):
        return bool(value)
    if isinstance(value, int) or (np is not None and isinstance(value, np.integer)):
        return int(value)
    if isinstance(value, float) or (np is not None and isinstance(value, np.floating)):
        f = float(value)
        if not math.isfinite(f):
            raise ValueError(
                f"result {name!r} is {f}; a headline number must be finite "
                "(fix the input or record a flag explaining why it is undefined)"
            )
        return f
    if isinstance(value, str):
        return value
    if value is None:
        return None
    if pd is not None and isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(
        f"result {name!r}: cannot record a value of type {type(value).__name__}; "
        "use a number, bool, string, None or a small DataFrame"
    )


def record(name: str, value: Any, *, display: bool = True) -> Any:
    """Record a headline number (or small table) under a stable dotted key.

    Parameters
    ----------
    name : str
        Lower-case dotted key, e.g. ``"amazon.online_stores.share"``; build parts with
        :func:`key` / :func:`slug`.
    value : int, float, bool, str, None or DataFrame
        Floats must be finite. Tables are limited to 500 rows.
    display : bool
        Emit the value into the notebook output (how it is stored in the ``.ipynb``).

    Returns
    -------
    The JSON form of the value that was stored.

    Raises
    ------
    ValueError
        If the key is not lower-case dotted, or a float is NaN/inf.
    TypeError
        If the value's type cannot be recorded.

    Examples
    --------
    >>> record("example.share", 0.25, display=False)
    0.25
    """
    if not isinstance(name, str) or not KEY_PATTERN.match(name):
        raise ValueError(
            f"result key {name!r} is not a lower-case dotted name like 'amazon.online_stores.share'"
        )
    stored = _to_jsonable(name, value)
    _recorded[name] = stored
    if display:
        from IPython.display import display as ipy_display

        ipy_display({MIME_TYPE: {"key": name, "value": stored}}, raw=True)
    return stored


def recorded() -> dict[str, Any]:
    """Everything recorded so far in this kernel, in recording order."""
    return dict(_recorded)


def results_frame() -> pd.DataFrame:
    """Scalars recorded so far as a two-column table (key, value), for display."""
    import pandas as pd

    rows = [(k, v) for k, v in _recorded.items() if not isinstance(v, Mapping)]
    return pd.DataFrame(rows, columns=["key", "value"])


def read_results(path: str | Path) -> dict[str, Any]:
    """Read every recorded result from an executed notebook file.

    Raises
    ------
    FileNotFoundError
        If the notebook does not exist.
    ValueError
        If the file is not a valid notebook.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no notebook at {path}")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a notebook (invalid JSON: {exc})") from exc
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            payload = output.get("data", {}).get(MIME_TYPE)
            if payload is not None:
                out[payload["key"]] = payload["value"]
    return out


def flatten(results: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Scalar (key, value) pairs; tables are expanded to ``key[row].column`` entries."""
    rows: list[tuple[str, Any]] = []
    for k, v in results.items():
        if isinstance(v, Mapping) and "columns" in v and "data" in v:
            for i, row in enumerate(v["data"]):
                for col, cell in zip(v["columns"], row, strict=True):
                    rows.append((f"{k}[{i}].{col}", cell))
        else:
            rows.append((k, v))
    return rows
