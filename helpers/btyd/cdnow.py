"""The CDNOW purchase log (Fader, Hardie & Lee 2005): a strict reader of the master and sample layouts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.config import resolve_path
from helpers.contracts import DataContractError

#: Currency of CDNOW amounts (US dollars of 1997-98).
CURRENCY = "USD"

CDNOW_LAYOUTS = {
    4: ("customer_id", "date", "quantity", "amount"),
    5: ("customer_id", "sample_id", "date", "quantity", "amount"),
}


def load_cdnow(path: str | Path = "data/raw/CDNOW_master.txt") -> pd.DataFrame:
    """Read a CDNOW transaction file (master or 1/10 sample layout) into a tidy table.

    Parameters
    ----------
    path : str or Path
        Relative to the project root, or absolute. Whitespace-separated text, one purchase per
        line: ``customer_id date(YYYYMMDD) number_of_cds dollar_value`` (master, 4 fields) or
        ``customer_id sample_id date number_of_cds dollar_value`` (sample, 5 fields). An optional
        first header line (as in the master file shipped by ``lifetimes``) is skipped.

    Returns
    -------
    DataFrame
        Columns ``customer_id`` (str, as in the file, leading zeros kept), ``date``
        (datetime64, day), ``quantity`` (int64, CDs, >= 0) and ``amount`` (float64, USD of
        1997-98, >= 0), in file order.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataContractError
        If the file is empty, has a field count other than 4 or 5, a line with a different
        number of fields, or a date/quantity/amount that does not parse (naming the line).

    Notes
    -----
    Dates are parsed with the exact format ``%Y%m%d``; no value is coerced silently.

    Examples
    --------
    >>> tx = load_cdnow("data/raw/CDNOW_sample.txt")
    >>> list(tx.columns), len(tx)
    (['customer_id', 'date', 'quantity', 'amount'], 6919)
    """
    resolved = resolve_path(path)
    if not resolved.is_file():
        raise FileNotFoundError(f"CDNOW file {str(path)!r} not found (looked at {resolved})")
    with resolved.open(encoding="ascii", errors="replace") as fh:
        lines = fh.read().splitlines()
    rows: list[list[str]] = []
    line_no: list[int] = []
    width: int | None = None
    for i, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields:
            continue
        if not rows and i == 1 and not fields[0].isdigit():
            continue  # header line
        if width is None:
            if len(fields) not in CDNOW_LAYOUTS:
                raise DataContractError(
                    f"{path}: line {i} has {len(fields)} fields; a CDNOW file has 4 (master: "
                    f"customer_id date cds dollars) or 5 (sample: customer_id sample_id date cds "
                    f"dollars) whitespace-separated fields")
            width = len(fields)
        elif len(fields) != width:
            raise DataContractError(f"{path}: line {i} has {len(fields)} fields, expected {width} "
                                    f"like the first data line: {line.strip()!r}")
        rows.append(fields)
        line_no.append(i)
    if not rows:
        raise DataContractError(f"{path}: the file has no data lines")
    raw = pd.DataFrame(rows, columns=list(CDNOW_LAYOUTS[width]), dtype=str)
    lines_arr = np.asarray(line_no)

    def fail(column: str, mask: pd.Series, rule: str) -> None:
        bad = np.flatnonzero(mask.to_numpy())
        shown = ", ".join(f"line {lines_arr[j]}: {raw[column].iloc[j]!r}" for j in bad[:5])
        raise DataContractError(f"{path}: column {column!r} {rule}; {len(bad)} line(s) fail ({shown})")

    date = pd.to_datetime(raw["date"], format="%Y%m%d", errors="coerce")
    if date.isna().any():
        fail("date", date.isna(), "must be a date YYYYMMDD")
    qty = pd.to_numeric(raw["quantity"], errors="coerce")
    if (qty.isna() | (qty % 1 != 0) | (qty < 0)).any():
        fail("quantity", qty.isna() | (qty % 1 != 0) | (qty < 0), "must be a whole number >= 0")
    amount = pd.to_numeric(raw["amount"], errors="coerce")
    if (amount.isna() | ~np.isfinite(amount)).any():
        fail("amount", amount.isna() | ~np.isfinite(amount), "must be a finite number (USD)")
    return pd.DataFrame({
        "customer_id": raw["customer_id"].astype(str),
        "date": date.astype("datetime64[s]"),
        "quantity": qty.astype("int64"),
        "amount": amount.astype("float64"),
    })
