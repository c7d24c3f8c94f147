"""How the shipped coupon CSVs are written (shared by the simulator and the pipeline step)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a table as the shipped CSVs are written: ISO dates, true/false, 2 decimals, LF line ends."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            fmt = "%Y-%m-%d" if col in ("start", "end") else "%Y-%m-%d %H:%M:%S"
            out[col] = out[col].dt.strftime(fmt)
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "true", False: "false"})
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.2f")
    return path
