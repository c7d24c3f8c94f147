"""Tables for readers: one helper formats every table a notebook shows, by column meaning.

:func:`table` takes a plain frame and a mapping ``column -> kind`` and returns a pandas
``Styler`` that renders as HTML in JupyterLab and in the reports: percentages, money with its
currency and thousands separators (compact units where large), dates without times, counts as
integers, booleans as yes/no, missing values as "—", no index column unless it is a label, and a
caption. The frame itself is not changed, so tests and nbval compare the plain values (recorded
results), never the styled text.

Kinds: ``money`` (needs ``currency``), ``money_k`` / ``money_m`` / ``money_b`` / ``money_t``
(thousands / millions / billions / trillions), ``money_auto`` (the unit picked per value: M, B or
T, at least 3 significant digits), ``pct`` (a share, 0.387 → 38.7%), ``pp`` (percentage points), ``count``, ``ratio`` (2
decimals), ``number`` (3 decimals; thousands separators from a million on, 3 significant digits
below 0.001), ``pvalue`` ("< 0.001" below 0.001), ``pvalue_exp`` (×10⁻ⁿ below 0.001, where the
size matters), ``date``, ``month``, ``bool``, ``text``. No kind ever writes e-notation
(``4.7e+11``): a browser test checks every rendered report for it. Money can take its currency
from a column of each row (``currency_column``), for tables that mix currencies.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

MISSING = "—"
SYMBOLS = {"KRW": "₩", "USD": "$", "EUR": "€"}
KINDS = ("money", "money_k", "money_m", "money_b", "money_t", "money_auto", "pct", "pp", "count", "ratio",
         "number", "pvalue", "pvalue_exp", "date", "month", "bool", "text")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: Below this a p-value is written as "< 0.001" (kind ``pvalue``) or in powers of ten (``pvalue_exp``).
P_FLOOR = 1e-3
_SCALE = {"money": (1, ""), "money_k": (1e3, "K"), "money_m": (1e6, "M"), "money_b": (1e9, "B"),
          "money_t": (1e12, "T")}


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_sci(x: float, digits: int = 3) -> str:
    """A number in powers of ten as a reader writes it, never in e-notation.

    Parameters
    ----------
    x : float
        Any finite number (0 gives ``"0"``).
    digits : int
        Significant digits of the mantissa (>= 1).

    Returns
    -------
    str
        ``m×10ⁿ`` with a superscript exponent and a true minus sign.

    Raises
    ------
    ValueError
        If ``digits`` < 1.

    Notes
    -----
    :math:`x = m \\cdot 10^n` with :math:`1 \\le |m| < 10`, :math:`n = \\lfloor \\log_{10}|x| \\rfloor`
    (after rounding m to ``digits``).

    Examples
    --------
    >>> format_sci(1.79e-38), format_sci(-2.5e12, 2), format_sci(0.0)
    ('1.79×10⁻³⁸', '−2.5×10¹²', '0')
    """
    if digits < 1:
        raise ValueError(f"digits must be >= 1, got {digits}")
    x = float(x)
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return _inf(x)
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa.replace('-', '−')}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def format_pvalue(p: float, exact: bool = False) -> str:
    """A p-value for readers: ``"< 0.001"`` below 0.001 (or its size in powers of ten), else 3 decimals.

    Parameters
    ----------
    p : float
        A probability in [0, 1].
    exact : bool
        Below 0.001, write the size (``1.79×10⁻³⁸``) instead of ``< 0.001``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``p`` is not in [0, 1].

    Notes
    -----
    0.001 is :data:`P_FLOOR`; a p-value of exactly 0 (below float precision) is ``< 10⁻³⁰⁷``.

    Examples
    --------
    >>> format_pvalue(0.0234), format_pvalue(1.79e-38), format_pvalue(1.79e-38, exact=True)
    ('0.023', '< 0.001', '1.79×10⁻³⁸')
    """
    p = float(p)
    if not 0 <= p <= 1 + 1e-12:
        raise ValueError(f"a p-value must be in [0, 1], got {p!r}")
    if p >= P_FLOOR:
        return f"{min(p, 1.0):.3f}"
    if not exact:
        return "< 0.001"
    return format_sci(p) if p > 0 else "< 10⁻³⁰⁷"


def format_sig(x: float, digits: int = 4) -> str:
    """A model parameter or statistic in ``digits`` significant digits, never in e-notation.

    Parameters
    ----------
    x : float
        Any real number.
    digits : int
        Significant digits (>= 1) between 0.001 and ``10**digits``.

    Returns
    -------
    str
        ``"2.36"`` in that range; a whole number with thousands separators at or above
        ``10**digits`` (``"53,560"``); :func:`format_sci` below 0.001 (``"3.82×10⁻⁶"``).

    Raises
    ------
    ValueError
        If ``digits`` < 1.

    Examples
    --------
    >>> format_sig(2.3604), format_sig(53560.2), format_sig(3.819e-06), format_sig(0.0)
    ('2.36', '53,560', '3.82×10⁻⁶', '0')
    """
    if digits < 1:
        raise ValueError(f"digits must be >= 1, got {digits}")
    x = float(x)
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return _inf(x)
    if abs(x) < 1e-3:
        return format_sci(x, min(digits, 3))
    if abs(x) >= 10 ** digits:
        return f"{x:,.0f}".replace("-", "−")
    return f"{x:.{digits}g}".replace("-", "−")


def _inf(x: float) -> str:
    return "∞" if x > 0 else "−∞" if x < 0 else "NaN"


def _number(x: float, decimals: int | None) -> str:
    if not math.isfinite(x):
        return _inf(x)
    if abs(x) >= 1e6:
        return f"{x:,.{0 if decimals is None else decimals}f}"
    if x != 0 and abs(x) < 1e-3:
        if abs(x) >= 1e-6:  # 3 significant digits as a plain decimal: 0.000733
            return f"{x:.{2 - math.floor(math.log10(abs(x)))}f}"
        return format_sci(x)
    return f"{x:,.{3 if decimals is None else decimals}f}"


def format_value(value: Any, kind: str, currency: str | None = None, decimals: int | None = None) -> str:
    """One value as a reader sees it.

    Examples
    --------
    >>> format_value(0.387218, "pct"), format_value(1234567, "money", "KRW"), format_value(True, "bool")
    ('38.7%', '₩1,234,567', 'yes')
    >>> format_value(2.4203e9, "money_m", "KRW"), format_value(float("nan"), "ratio")
    ('₩2,420.3M', '—')
    >>> format_value(-3.2415e6, "money_m", "KRW"), format_value(-0.4, "money", "USD")
    ('−₩3.2M', '$0')
    >>> format_value(4.7e11, "money_auto", "USD"), format_value(4.7e11, "number"), format_value(7.33e-4, "number")
    ('$470.0B', '470,000,000,000', '0.000733')
    >>> format_value(1.03e-151, "pvalue"), format_value(1.03e-151, "pvalue_exp")
    ('< 0.001', '1.03×10⁻¹⁵¹')
    """
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {kind!r}; choose one of {', '.join(KINDS)}")
    if _missing(value):
        return MISSING
    if kind.startswith("money"):
        if currency is None:
            raise ValueError("money columns need a currency")
        auto = kind == "money_auto"
        if auto:
            a = abs(float(value))
            kind = "money_t" if a >= 1e12 else "money_b" if a >= 1e9 else "money_m" if a >= 1e6 else "money"
        scale, unit = _SCALE[kind]
        d = (0 if scale == 1 else 1) if decimals is None else decimals
        if auto and decimals is None and scale > 1:  # at least 3 significant digits: $1.19B, $38.3B
            d = max(1, 3 - len(str(int(abs(float(value)) // scale))))
        x = float(value) / scale
        digits = f"{abs(x):,.{d}f}"
        sign = "−" if x < 0 and digits.strip("0.,") else ""  # no sign on an amount that rounds to 0
        sym = SYMBOLS.get(currency)
        body = f"{digits}{unit}"
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
        return _number(float(value), decimals)
    if kind in ("pvalue", "pvalue_exp"):
        return format_pvalue(value, exact=kind == "pvalue_exp")
    if kind == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if kind == "month":
        return f"{pd.Timestamp(value):%Y-%m}"
    if kind == "bool":
        return "yes" if bool(value) else "no"
    if isinstance(value, float):  # a float in a text column: never str() (it can give e-notation)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else _number(value, decimals)
    return str(value)


def table(df: pd.DataFrame, kinds: Mapping[str, str] | None = None, *, currency: str | None = None,
          caption: str | None = None, index: bool | None = None, headers: Mapping[str, str] | None = None,
          decimals: Mapping[str, int] | None = None, currency_column: str | None = None) -> Any:
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
    decimals : mapping column -> int, optional
        Decimals of a column (else the kind's default).
    currency_column : str, optional
        A column holding each row's ISO currency code: money columns then use the row's currency
        (``currency`` is the fallback for rows where it is empty).

    Returns
    -------
    pandas.io.formats.style.Styler

    Raises
    ------
    ValueError
        If a column of ``kinds`` (or ``currency_column``) is not in the frame, or a kind is unknown.

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
    if currency_column is not None and currency_column not in df.columns:
        raise ValueError(f"table(): currency_column {currency_column!r} is not in the frame ({list(df.columns)})")
    bad = sorted({k for k in kinds.values() if k not in KINDS})
    if bad:
        raise ValueError(f"unknown column kind {bad[0]!r}; choose one of {', '.join(KINDS)}")
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
    if currency_column is not None:
        money = [c for c in shown.columns if str(kinds.get(c, "")).startswith("money")]
        for cur in shown[currency_column].dropna().unique():
            rows = (shown[currency_column] == cur).to_numpy()
            for col in money:
                digits = decimals.get(col)
                styler = styler.format(lambda v, k=kinds[col], c=cur, d=digits: format_value(v, k, c, d),
                                       subset=pd.IndexSlice[rows, [col]], na_rep=MISSING)
    if isinstance(shown.index, pd.DatetimeIndex):
        styler = styler.format_index(lambda v: format_value(v, "date"))
    if headers:
        styler = styler.relabel_index([headers.get(c, c) for c in shown.columns], axis="columns")
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    return styler.set_uuid(_table_id(shown, caption, kinds)).set_table_attributes('class="report-table"')


_ID_LETTERS = "abcdfghjkmnpqrstuvwxyz"  # no digits, no 'e': an id can never read as 9e3


def _table_id(shown: pd.DataFrame, caption: str | None, kinds: Mapping[str, str]) -> str:
    """A table id from its content: the same table renders byte-identically (pandas' default id is
    random, so every re-run changed the report and an id such as ``a9e39`` looked like e-notation)."""
    digest = hashlib.sha256(f"{caption!r}|{sorted(kinds.items())!r}|".encode() + shown.to_csv().encode()).digest()
    return "".join(_ID_LETTERS[b % len(_ID_LETTERS)] for b in digest[:10])
