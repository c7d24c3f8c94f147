"""Result values for readers: labels and formats for the report header, the index and comparisons.

A headline entry in ``runs.yaml`` is a result key, or ``{key: kind}`` with a kind of
:mod:`helpers.tables` (``pct``, ``money_m``, ``ratio``...). Without a kind the key's last part
decides: shares, rates, growth → percent; ROI, ratios, MASE, lift → ratio; money words (budget,
total, value, fee, clv...) → money in the run's currency; integers → counts; booleans → yes/no.
"""

from __future__ import annotations

import re
from typing import Any

PCT_WORDS = ("share", "rate", "yoy", "cagr", "contribution", "growth", "coverage", "prob", "reduction", "margin")
RATIO_WORDS = ("roi", "ratio", "mase", "lift", "gini", "elasticity", "factor", "days", "per_month")
MONEY_WORDS = ("budget", "baseline", "gap", "target", "total", "cap", "amount", "value", "fee", "clv", "profit",
               "paid", "cost", "revenue", "spend", "allocation", "sales")


def headline_spec(entries: tuple[Any, ...]) -> list[tuple[str, str | None]]:
    """``[(key, kind or None)]`` from a ``headline`` list of keys or ``{key: kind}`` mappings."""
    out: list[tuple[str, str | None]] = []
    for entry in entries:
        if isinstance(entry, dict):
            out.extend((str(k), str(v) if v else None) for k, v in entry.items())
        else:
            out.append((str(entry), None))
    return out


def guess_kind(key: str, value: Any) -> str:
    """The display kind of a result from its key and value.

    Examples
    --------
    >>> guess_kind("amazon.online_stores.share", 0.39), guess_kind("incremental_roi", 3.9)
    ('pct', 'ratio')
    >>> guess_kind("budget", 2.1e7), guess_kind("cap_binds", False), guess_kind("customers", 23502)
    ('money_m', 'bool', 'count')
    >>> guess_kind("event_study.pretrend_p", 3e-7), guess_kind("top_pair.p_adjusted", 0.2), guess_kind("p_value", 0.2)
    ('pvalue', 'pvalue', 'pvalue')
    """
    if isinstance(value, bool):
        return "bool"
    if not isinstance(value, (int, float)):
        return "text"
    parts = key.split(".")
    last = parts[-1] if not parts[-1].isdigit() or len(parts) == 1 else parts[-2]
    words = re.split(r"[._]", last)
    if last.endswith(("_low", "_high")):
        words = re.split(r"[._]", last.rsplit("_", 1)[0])
    if "p" in words or "pvalue" in words:  # pretrend_p, p_value, p_adjusted: "< 0.001", never e-notation
        return "pvalue"
    if any(w in RATIO_WORDS for w in words) or last in RATIO_WORDS:
        return "ratio"
    if any(w in PCT_WORDS for w in words):
        return "pct"
    if any(w in MONEY_WORDS for w in words) or key.startswith(("clv.", "allocation.")):
        v = abs(float(value))
        return "money_t" if v >= 1e12 else "money_b" if v >= 1e9 else "money_m" if v >= 1e6 else "money"
    if isinstance(value, int):
        return "count"
    return "number"


ACRONYMS = {"roi": "ROI", "mase": "MASE", "yoy": "YoY", "cagr": "CAGR", "clv": "CLV", "bgnbd": "BG/NBD",
            "gg": "Gamma-Gamma", "cuped": "CUPED", "krw": "KRW", "usd": "USD", "aov": "AOV", "rfm": "RFM", "gmv": "GMV"}


def label(key: str) -> str:
    """A readable label: ``amazon.online_stores.share`` → ``Amazon · online stores · share``.

    Examples
    --------
    >>> label("amazon.online_stores.share"), label("backtest_mase"), label("incremental_roi_low")
    ('Amazon · online stores · share', 'Backtest MASE', 'Incremental ROI low')
    """
    out = []
    for i, part in enumerate(key.split(".")):
        words = [ACRONYMS.get(w, w) for w in part.split("_")]
        text = " ".join(words)
        out.append(text if i or text[:1].isupper() else text[:1].upper() + text[1:])
    return " · ".join(out)


def format_result(key: str, value: Any, currency: str | None = None, kind: str | None = None) -> str:
    """A recorded value as a reader sees it (money needs ``currency``; without one it is a number)."""
    if isinstance(value, dict):
        return "(table)"
    kind = kind or guess_kind(key, value)
    if kind.startswith("money") and not currency:
        kind = "number"
    try:
        from helpers.tables import format_value  # pandas: only when a value is formatted

        return format_value(value, kind, currency)
    except (TypeError, ValueError):
        return str(value)


def run_currency(parameters: dict[str, Any], results: dict[str, Any]) -> str | None:
    for source in (results, parameters):
        cur = source.get("currency")
        if isinstance(cur, str) and re.fullmatch(r"[A-Z]{3}", cur):
            return cur
    return None
