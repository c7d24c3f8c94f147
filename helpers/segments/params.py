"""Parameters of notebook 06 (RFM segments, concentration, dynamic groups, bought together).

The notebook's parameters cell is generated from :class:`Params`
(``python -m helpers params 06_rfm_segments --write``); the runner validates ``-p`` overrides
against it before a kernel starts, and the notebook's first cell after the parameters calls
``segments.Params.from_notebook(globals())``. Light on purpose: no pandas or numpy here.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from helpers.params import NotebookParams, data_path

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
#: Quantile bins of an RFM score: fewer than 3 cannot make low/mid/high levels.
MIN_BINS, MAX_BINS = 3, 10


def iso_date(name: str, value: str) -> _dt.date:
    """``value`` as a date, or a ``ValueError`` naming ``name``.

    Examples
    --------
    >>> iso_date("as_of", "2024-06-30")
    datetime.date(2024, 6, 30)
    """
    if not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError(f"{name} = {value!r} is not an ISO date like '1998-06-30'")
    try:
        return _dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} = {value!r} is not a valid calendar date") from None


class Params(NotebookParams):
    """Notebook 06: CDNOW RFM segments and concentration; a shopper event log's groups and pairs."""

    NOTEBOOK = "06_rfm_segments"

    transactions_path: str = data_path(
        "data/raw/CDNOW_master.txt",
        "purchases: a CDNOW-layout text file (amounts in USD), a CSV following the transactions "
                    "contract, a Parquet file or glob or folder, or a database URL such as "
                    "duckdb:///path/shop.duckdb")
    transactions_table: str = Field(
        "", description="table name when transactions_path is a database URL such as "
                        "duckdb:///path/shop.duckdb; empty for files")
    returns: Literal["drop", "net"] = Field(
        "drop", description="lines with amount of 0 or less: drop them, or net them against the customer's "
                            "latest earlier purchase")
    observation_end: str = Field(
        "1998-06-30", description="end of the observation window, ISO date; later lines are excluded "
                                  "and counted")
    freq: Literal["D", "W", "M"] = Field(
        "D", description="period of the customer summary: D day, W week (Mon-Sun), M calendar month")
    monetary: Literal["average", "total"] = Field(
        "average", description="what the M score ranks: average order value, or total revenue (collinear with F)")
    rfm_bins: int = Field(5, ge=MIN_BINS, le=MAX_BINS, description="quantile bins of each RFM score")
    top_pcts: list[float] = Field(
        [1.0, 5.0, 10.0, 20.0], min_length=1,
        description="top x% of customers whose revenue share is reported, each in (0, 100), %")
    claim_visitor_pct: float = Field(
        5.0, gt=0, lt=100, description="the claim's share of visitors (under x% of visitors make 90% "
                                       "of revenue), %")
    calibration_end: str | None = Field(
        None, description="segments checked out of sample: last day of the calibration period, ISO; "
                          "None is the middle day of the data")
    holdout_end: str | None = Field(
        None, description="last day of the holdout period that checks the segments, ISO; None is the "
                          "day of the last purchase")
    validation_splits: int = Field(
        3, ge=1, le=8, description="segments checked out of sample: rolling-origin checks, each split_step_days "
                                   "earlier with a holdout as long as the first (fewer where the data end)")
    split_step_days: int = Field(91, ge=7, le=3650, description="days between the calibration ends of the checks")
    validation_boot: int = Field(
        20000, ge=200, le=200000, description="bootstrap replicates of the out-of-sample intervals (20,000 keeps "
                                              "each revenue endpoint's Monte-Carlo error near 1% of its width; "
                                              "the report prints it)")
    conf_level: float = Field(0.95, gt=0.5, lt=1, description="two-sided level of the out-of-sample intervals")
    boot_seed: int = Field(2024, ge=0, description="random seed of the out-of-sample bootstrap")
    events_path: str = data_path(
        "data/synthetic/segments_events.csv",
        "shopper event log (contract segment_events); empty text generates one with seed")
    truth_path: str = data_path(
        "data/synthetic/segments_planted_pairs.csv",
        "planted pairs of that log (contract segment_planted_pairs); empty text for none")
    as_of: str | None = Field(
        None, description="date the dynamic groups are evaluated, ISO; None is the day of the last event")
    new_days: int = Field(30, ge=1, le=3650, description="new: first event within this many days before as_of")
    inactive_days: int = Field(60, ge=1, le=3650,
                               description="inactive: no event in this many days before as_of")
    cart_days: int = Field(14, ge=1, le=3650,
                           description="abandoned cart: a cart add in this many days, not bought afterwards")
    loyal_min_orders: int = Field(4, ge=2, description="loyal: at least this many orders")
    category_min_share: float = Field(
        0.5, gt=0, le=1, description="prefers a category: share of the shopper's views in one category")
    min_support: float = Field(
        0.01, gt=0, lt=1, description="bought together: minimum share of orders containing the pair")
    min_expected: float = Field(
        5.0, gt=0, description="bought together: fewest orders expected to hold both products if bought "
                               "independently (N_A N_B / N) for a pair to be tested")
    null_replicates: int = Field(
        40, ge=1, le=2000, description="bought together: swap-randomised logs (no affinity) on which the "
                                       "false-discovery rate of the pair tests is measured")
    fdr_level: float = Field(
        0.05, gt=0, lt=0.5, description="bought together: Benjamini-Hochberg false-discovery level of the pair tests")
    seed: int = Field(6, ge=0, description="random seed of the generated event log when events_path is empty")

    @field_validator("transactions_path")
    @classmethod
    def _transactions_path(cls, value: str) -> str:
        # a data path: the runner checks that a file, folder or glob exists before any kernel starts
        # (relative command-line paths from the current directory) and skips database URLs
        if value.strip() == "":
            raise ValueError("transactions_path must be a file path, a glob or a database URL, got empty text")
        return value

    @model_validator(mode="after")
    def _table_goes_with_a_url(self) -> Params:
        is_url = bool(_URL.match(self.transactions_path.strip()))
        if is_url and self.transactions_table.strip() == "":
            raise ValueError(f"transactions_path = {self.transactions_path!r} is a database URL: name the table "
                             "in transactions_table too")
        if not is_url and self.transactions_table.strip() != "":
            raise ValueError(f"transactions_table = {self.transactions_table!r} goes only with a database URL "
                             "in transactions_path (e.g. duckdb:///path/shop.duckdb); it is a file here")
        return self

    @field_validator("top_pcts")
    @classmethod
    def _top_pcts(cls, value: list[float]) -> list[float]:
        outside = [x for x in value if not 0 < x < 100]
        if outside:
            raise ValueError(f"top_pcts has {outside} outside (0, 100)")
        if len(set(value)) != len(value):
            raise ValueError(f"top_pcts = {value} has duplicates")
        return value

    @field_validator("observation_end")
    @classmethod
    def _observation_end(cls, value: str) -> str:
        iso_date("observation_end", value)
        return value

    @field_validator("as_of", "calibration_end", "holdout_end")
    @classmethod
    def _optional_date(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            iso_date(info.field_name, value)
        return value

    @model_validator(mode="after")
    def _holdout_after_calibration(self) -> Params:
        if (self.calibration_end is not None and self.holdout_end is not None
                and iso_date("holdout_end", self.holdout_end) <= iso_date("calibration_end", self.calibration_end)):
            raise ValueError(f"holdout_end = {self.holdout_end!r} must be after calibration_end = "
                             f"{self.calibration_end!r}")
        return self

    @model_validator(mode="after")
    def _truth_needs_a_log(self) -> Params:
        if self.events_path == "" and self.truth_path != "":
            raise ValueError(f"truth_path = {self.truth_path!r} with events_path empty: a generated log "
                             "brings its own planted pairs, so set truth_path to empty text too")
        return self
