"""Tables for readers: one helper formats every table a notebook shows, by column meaning.

:func:`table` takes a plain frame and a mapping ``column -> kind`` and returns a pandas
``Styler`` that renders as HTML in JupyterLab and in the reports: percentages, money with its
currency and thousands separators (compact units where large), dates without times, counts as
integers, booleans as yes/no, missing values as "—", no index column unless it is a label, and a
caption. The frame itself is not changed, so tests and nbval compare the plain values (recorded
results), never the styled text.

Kinds: ``money`` (needs ``currency``), ``money_m`` / ``money_b`` (millions / billions),
``pct`` (a share, 0.387 → 38.7%), ``pp`` (percentage points), ``count``, ``ratio`` (2 decimals),
``number`` (3 significant decimals), ``date``, ``month``, ``bool``, ``text``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

MISSING = "—"
SYMBOLS = {"KRW": "₩", "USD": "$", "EUR": "€"}
KINDS = ("money", "money_k", "money_m", "money_b", "money_t", "pct", "pp", "count", "ratio", "number",
         "date", "month", "bool", "text")
_SCALE = {"money": (1, ""), "money_k": (1e3, "K"), "money_m": (1e6, "M"), "money_b": (1e9, "B"),
          "money_t": (1e12, "T")}


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_value(value: Any, kind: str, currency: str | None = None, decimals: int | None = None) -> str:
    """One value as a reader sees it.

    Examples
    --------
    >>> format_value(0.387218, "pct"), format_value(1234567, "money", "KRW"), format_value(True, "bool")
    ('38.7%', '₩1,234,567', 'yes')
    >>> format_value(2.4203e9, "money_m", "KRW"), format_value(float("nan"), "ratio")
    ('₩2,420.3M', '—')
    """
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {kind!r}; choose one of {', '.join(KINDS)}")
    if _missing(value):
        return MISSING
    if kind.startswith("money"):
        if currency is None:
            raise ValueError("money columns need a currency")
        scale, unit = _SCALE[kind]
        d = (0 if scale == 1 else 1) if decimals is None else decimals
        x = float(value) / scale
        sign = "−" if x < 0 else ""
        sym = SYMBOLS.get(currency)
        body = f"{abs(x):,.{d}f}{unit}"
        return f"{sign}{sym}{body}" if sym else f"{sign}{body} {currency}"
    if kind == "pct":
        return f"{float(value) * 100:.{1 if decimals is None else decimals}f}%"
    if kind == "pp":
        return f"{float(value) * 100:+.{1 if decimals is None else decimals}f} pp"
    if kind == "count":
        return f"{int(round(float(value))):,}"
    if kind == "ratio":
        return f"{float(value):,.{2 if decimals is None else decimals}f}"
    if kind == "number":
        x = float(value)
        if x != 0 and (abs(x) >= 1e6 or abs(x) < 1e-3):
            return f"{x:.3g}".replace("e+0", "e").replace("e-0", "e-") if not math.isinf(x) else str(x)
        return f"{x:,.{3 if decimals is None else decimals}f}"
    if kind == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if kind == "month":
        return f"{pd.Timestamp(value):%Y-%m}"
    if kind == "bool":
        return "yes" if bool(value) else "no"
    return str(value)


def table(df: pd.DataFrame, kinds: Mapping[str, str] | None = None, *, currency: str | None = None,
          caption: str | None = None, index: bool | None = None, headers: Mapping[str, str] | None = None,
          decimals: Mapping[str, int] | None = None) -> Any:
    """A styled, formatted view of ``df`` for display (the frame is not modified).

    Parameters
    ----------
    df : DataFrame
    kinds : mapping column -> kind, optional
        Columns not named are guessed: bool → ``bool``, integers → ``count``, datetimes →
        ``date``, floats → ``number``, else ``text``.
    currency : str, optional
        ISO code for money columns.
    caption : str, optional
    index : bool, optional
        Show the index; default: only when it is a label (not a plain 0…n range).
    headers : mapping column -> header, optional
        Reader-facing column names (put units here).

    Examples
    --------
    >>> t = table(pd.DataFrame({"share": [0.5]}), {"share": "pct"}, caption="x")
    >>> "50.0%" in t.to_html()
    True
    """
    kinds = dict(kinds or {})
    unknown = sorted(set(kinds) - set(df.columns))
    if unknown:
        raise ValueError(f"table(): columns {unknown} are not in the frame ({list(df.columns)})")
    decimals = dict(decimals or {})
    shown = df.copy()
    if index is None:
        index = not isinstance(shown.index, pd.RangeIndex)
    formatters = {}
    for col in shown.columns:
        kind = kinds.get(col)
        if kind is None:
            s = shown[col]
            if pd.api.types.is_bool_dtype(s):
                kind = "bool"
            elif pd.api.types.is_integer_dtype(s):
                kind = "count"
            elif pd.api.types.is_datetime64_any_dtype(s):
                kind = "date"
            elif pd.api.types.is_float_dtype(s):
                kind = "number"
            else:
                kind = "text"
        digits = decimals.get(col)
        formatters[col] = (lambda v, k=kind, d=digits: format_value(v, k, currency, d))
    styler = shown.style.format(formatters, na_rep=MISSING)
    if isinstance(shown.index, pd.DatetimeIndex):
        styler = styler.format_index(lambda v: format_value(v, "date"))
    if headers:
        styler = styler.relabel_index([headers.get(c, c) for c in shown.columns], axis="columns")
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    return styler.set_table_attributes('class="report-table"')
