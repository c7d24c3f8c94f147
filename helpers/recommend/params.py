"""Parameters of notebook 07 (recommendation blocks evaluated offline against popularity).

The notebook's parameters cell is generated from :class:`Params`
(``python -m helpers params 07_recommendations --write``); the runner validates ``-p`` overrides
against it before a kernel starts. Light on purpose: no pandas or numpy here.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from helpers.config import REPORTS_DIR, resolve_path
from helpers.params import NotebookParams, data_path

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
#: Shopper segments at the split (the rules of notebook 06's dynamic groups).
SEGMENTS = ("new", "returning", "lapsed")


def iso_date(name: str, value: str) -> _dt.date:
    """``value`` as a date, or a ``ValueError`` naming ``name``.

    Examples
    --------
    >>> iso_date("split_date", "2025-06-01")
    datetime.date(2025, 6, 1)
    """
    if not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError(f"{name} = {value!r} is not an ISO date like '2025-06-01'")
    try:
        return _dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} = {value!r} is not a valid calendar date") from None


def inside_reports(path: str) -> bool:
    """True when ``path`` (relative to the project root, or absolute) lies inside ``reports/``.

    Examples
    --------
    >>> inside_reports("reports/07/lists.csv"), inside_reports("/tmp/lists.csv")
    (True, False)
    """
    target = resolve_path(path).resolve()
    try:
        target.relative_to(Path(REPORTS_DIR).resolve())
    except ValueError:
        return False
    return True


class Params(NotebookParams):
    """Notebook 07: recommended for you, similar products, viewed-then-bought, against popularity."""

    NOTEBOOK = "07_recommendations"

    events_path: str = data_path(
        "data/synthetic/recommend_events.csv",
        "shopper event log (contract segment_events of notebook 06): a CSV file, a Parquet file or glob, or a "
        "database URL such as duckdb:///path/shop.duckdb")
    events_table: str = Field(
        "", description="table name when events_path is a database URL; empty for files")
    truth_path: str = data_path(
        "data/synthetic/recommend_truth.csv",
        "synthetic data only: each shopper's planted tastes (contract recommend_truth), for the oracle; "
        "empty text for your own data")
    products_truth_path: str = data_path(
        "data/synthetic/recommend_products.csv",
        "synthetic data only: each product's planted appeal and price tier (contract recommend_products); "
        "empty text for your own data")
    consent_path: str = data_path(
        "data/synthetic/recommend_consent.csv",
        "consent events (customer_id, status given or withdrawn, date); empty text treats every shopper as "
        "consenting")
    split_date: str = Field(
        "2025-06-01", description="first day of the test period, ISO; train is every event before it")
    test_end: str | None = Field(
        None, description="last day of the test period, ISO; None is the day of the log's last event")
    validation_days: int = Field(
        28, ge=7, le=365, description="days before split_date held out to tune hyperparameters, days")
    k: int = Field(10, ge=1, le=100, description="length of each recommendation list")
    exclude_purchased: bool = Field(
        True, description="leave out products the shopper bought before the split (candidates and relevant "
                          "items)")
    weight_view: float = Field(1.0, ge=0, le=100, description="interaction weight of a view")
    weight_cart_add: float = Field(3.0, ge=0, le=100, description="interaction weight of a cart add")
    weight_purchase: float = Field(5.0, ge=0, le=100, description="interaction weight of a purchase")
    half_life_days: float | None = Field(
        60.0, gt=0, le=3650, description="recency decay: an event's weight halves every this many days before "
                                        "the split; None for no decay, days")
    segment_filter: Literal["all", "new", "returning", "lapsed"] = Field(
        "all", description="evaluate only test customers of this segment at the split")
    new_days: int = Field(30, ge=1, le=3650,
                          description="segment new: first event within this many days before the split")
    inactive_days: int = Field(60, ge=1, le=3650,
                               description="segment lapsed: no event in this many days before the split")
    min_history: int = Field(
        2, ge=0, le=1000, description="cold start: shoppers with fewer train events get the segment's best "
                                      "sellers")
    min_test_customers: int = Field(
        50, ge=1, description="fewest test customers for an evaluation; fewer stops the run")
    price_band_min_share: float = Field(
        0.0, ge=0, le=1, description="constrain each list to at least this share inside the shopper's price "
                                     "band (0 leaves lists unchanged)")
    min_item_shoppers: int = Field(
        5, ge=1, description="similar products: fewer co-occurring shoppers than this uses the category and "
                             "price-band fallback")
    min_pair_support: int = Field(
        5, ge=1, description="viewed then bought: fewest shoppers who viewed A then bought B for a pair to be "
                             "listed")
    confidence: float = Field(0.95, gt=0.5, lt=1, description="level of the Wilson bound and of the bootstrap "
                                                              "intervals")
    bootstrap: int = Field(1000, ge=100, le=20000, description="bootstrap resamples of the test customers")
    output_path: str = Field(
        "", description="write the recommendation lists with real customer ids to this CSV file (outside "
                        "reports/); empty text writes nothing")
    seed: int = Field(7, ge=0, description="random seed of ALS and the bootstrap")

    @field_validator("split_date")
    @classmethod
    def _split(cls, value: str) -> str:
        iso_date("split_date", value)
        return value

    @field_validator("test_end")
    @classmethod
    def _optional_date(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            iso_date(info.field_name, value)
        return value

    @field_validator("output_path")
    @classmethod
    def _output(cls, value: str) -> str:
        if value.strip() and inside_reports(value):
            raise ValueError(f"output_path = {value!r} is inside reports/, which is shared as rendered reports; "
                             "lists with real customer ids go to a path outside it")
        if value.strip() and not value.strip().lower().endswith(".csv"):
            raise ValueError(f"output_path = {value!r} must be a .csv file")
        return value

    @model_validator(mode="after")
    def _rules(self) -> Params:
        if self.test_end is not None and iso_date("test_end", self.test_end) < iso_date("split_date", self.split_date):
            raise ValueError(f"test_end = {self.test_end!r} is before split_date = {self.split_date!r}")
        is_url = bool(_URL.match(self.events_path.strip()))
        if is_url and not self.events_table.strip():
            raise ValueError(f"events_path = {self.events_path!r} is a database URL: name the table in events_table")
        if not is_url and self.events_table.strip():
            raise ValueError(f"events_table = {self.events_table!r} goes only with a database URL in events_path")
        if (self.truth_path == "") != (self.products_truth_path == ""):
            raise ValueError("truth_path and products_truth_path go together: give both (synthetic data) or "
                             "set both to empty text")
        if self.weight_view + self.weight_cart_add + self.weight_purchase <= 0:
            raise ValueError("weight_view, weight_cart_add and weight_purchase are all 0: at least one event "
                             "kind must count")
        return self
