"""Loaders of notebook 07: the shopper event log (CSV, Parquet or a database table), the optional
consent file and the synthetic truth, each validated on the way in.

Product attributes are one value per product: a product listed under several categories is an
error (naming the products); a product seen at several prices keeps the **median** of its event
prices as its price (counted in the data-quality table), since prices move with discounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.config import SYNTHETIC_DIR, resolve_path
from helpers.contracts import DataContractError, load_csv, require_file
from helpers.recommend.schemas import CONSENT, EVENTS, PRODUCTS_TRUTH, SHOPPERS_TRUTH

_CSV = (".csv",)


@dataclass(frozen=True)
class EventLog:
    """The event log (one price per product), its data-quality table, source, engine and flags.

    ``synthetic`` is True for the shipped synthetic files; ``shoppers``/``products`` hold the
    planted truth when given (else None).
    """

    events: pd.DataFrame
    quality: pd.DataFrame
    source: str
    engine: str
    synthetic: bool
    shoppers: pd.DataFrame | None = None
    products: pd.DataFrame | None = None

    @property
    def has_truth(self) -> bool:
        """True when the planted tastes are known (the oracle can be computed)."""
        return self.shoppers is not None and self.products is not None


def _is_shipped(path: str) -> bool:
    try:
        resolve_path(path).resolve().relative_to(SYNTHETIC_DIR.resolve())
    except (ValueError, OSError):
        return False
    return True


def read_events(path: str, table: str = "", *, param: str = "events_path") -> tuple[pd.DataFrame, str]:
    """The raw event log as pandas and the engine that read it.

    A ``.csv`` file is read and validated in pandas (:func:`helpers.contracts.load_csv`);
    a Parquet file, glob or folder, or a database URL with ``table`` is opened with Ibis,
    checked against the contract on its engine (:func:`helpers.warehouse.contracts.check`)
    and brought into memory.

    Parameters
    ----------
    path : str
        Relative to the project root, or absolute; or an Ibis URL.
    table : str
        Table name with a URL; empty for files.
    param : str
        Parameter named in errors.

    Returns
    -------
    (DataFrame, str)
        The events (contract ``segment_events``) and ``"pandas"`` or the backend's name.

    Raises
    ------
    ParameterError
        A missing file or table.
    DataContractError
        A source that breaks the contract (file, column, rows).

    Examples
    --------
    >>> ev, engine = read_events("data/synthetic/recommend_events.csv")
    >>> engine, list(ev.columns)[:3]
    ('pandas', ['event_time', 'customer_id', 'event'])
    """
    text = str(path).strip()
    if text.lower().endswith(_CSV) and not table:
        df = load_csv(require_file(param, text), EVENTS, param=param)
        df["order_id"] = df["order_id"].fillna("")
        return df, "pandas"
    from helpers.warehouse.contracts import check
    from helpers.warehouse.sources import parse_source, read_source

    spec = parse_source(text, table=table or None, param=param)
    t = check(read_source(text, table=table or None, param=param), EVENTS, source=spec.label)
    engine = t._find_backend(use_default=True).name
    df = t.select(*EVENTS.names).execute()
    df["event_time"] = pd.to_datetime(df["event_time"]).astype("datetime64[s]")
    df["order_id"] = df["order_id"].fillna("")
    return df, engine


def one_price_per_product(events: pd.DataFrame, *, source: str = "events") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check one category per product; set each product's price to the median of its events.

    Parameters
    ----------
    events : DataFrame
        ``product_id, category, price`` (USD) and the other event columns.
    source : str
        Named in errors.

    Returns
    -------
    (DataFrame, DataFrame)
        The events with one price per product, and a data-quality table ``rule, products, rows``.

    Raises
    ------
    DataContractError
        If a product appears under several categories (names up to five products).

    Notes
    -----
    Price of product :math:`j` = median of :math:`\\{p_e : e \\text{ an event of } j\\}`.

    Examples
    --------
    >>> ev = pd.DataFrame({"product_id": ["a", "a", "a"], "category": ["x"] * 3, "price": [10.0, 12.0, 20.0]})
    >>> one_price_per_product(ev)[0]["price"].tolist()
    [12.0, 12.0, 12.0]
    """
    cats = events.groupby("product_id")["category"].nunique()
    several = cats[cats > 1]
    if len(several):
        examples = {p: sorted(events.loc[events["product_id"] == p, "category"].unique())
                    for p in several.index[:5]}
        raise DataContractError(f"{source}: column 'category' must be one value per product; {len(several)} "
                                f"product(s) have several: {examples}")
    prices = events.groupby("product_id")["price"]
    n_prices = prices.nunique()
    moved = n_prices[n_prices > 1].index
    median = prices.median()
    out = events.copy()
    changed = out["price"].to_numpy() != out["product_id"].map(median).to_numpy()
    out["price"] = out["product_id"].map(median).to_numpy(dtype="float64")
    quality = pd.DataFrame({"rule": ["several prices: the product's median price is used"],
                            "products": [int(len(moved))], "rows": [int(changed.sum())]})
    return out, quality


def load_events(path: str, table: str = "", *, truth_path: str = "", products_truth_path: str = "",
                param: str = "events_path") -> EventLog:
    """Read, check and tidy the event log (and the planted truth, for synthetic data).

    Parameters
    ----------
    path, table : str
        As :func:`read_events`.
    truth_path, products_truth_path : str
        CSV files with the contracts ``recommend_truth`` / ``recommend_products``; empty for none.

    Returns
    -------
    EventLog

    Raises
    ------
    ParameterError, DataContractError
        As :func:`read_events` and :func:`one_price_per_product`; truth files that do not match
        the log's shoppers or products.

    Examples
    --------
    >>> log = load_events("data/synthetic/recommend_events.csv", truth_path="data/synthetic/recommend_truth.csv",
    ...                   products_truth_path="data/synthetic/recommend_products.csv")
    >>> log.synthetic, log.has_truth
    (True, True)
    """
    raw, engine = read_events(path, table, param=param)
    events, quality = one_price_per_product(raw, source=str(path))
    events = events.sort_values(["event_time", "customer_id", "product_id", "event"], kind="stable"
                                ).reset_index(drop=True)
    shoppers = products = None
    if truth_path:
        shoppers = load_csv(truth_path, SHOPPERS_TRUTH, param="truth_path")
        products = load_csv(products_truth_path, PRODUCTS_TRUTH, param="products_truth_path")
        unknown = sorted(set(events["customer_id"]) - set(shoppers["customer_id"]))
        if unknown:
            raise DataContractError(f"{truth_path}: {len(unknown)} shopper(s) of the log have no planted tastes, "
                                    f"e.g. {unknown[:3]}; truth files belong to one synthetic log")
        missing = sorted(set(events["product_id"]) - set(products["product_id"]))
        if missing:
            raise DataContractError(f"{products_truth_path}: {len(missing)} product(s) of the log are missing, "
                                    f"e.g. {missing[:3]}")
    return EventLog(events, quality, str(path), engine, _is_shipped(str(path)) if engine == "pandas" else False,
                    shoppers, products)


def load_consent(path: str, *, param: str = "consent_path") -> pd.DataFrame | None:
    """The consent changes (contract ``recommend_consent``), or None when ``path`` is empty.

    Examples
    --------
    >>> load_consent("") is None
    True
    >>> sorted(load_consent("data/synthetic/recommend_consent.csv")["status"].unique())
    ['given', 'withdrawn']
    """
    if not path:
        return None
    return load_csv(require_file(param, path), CONSENT, param=param)


def consenting(consent: pd.DataFrame | None, customers: np.ndarray | list, as_of: pd.Timestamp) -> np.ndarray:
    """Whether each customer may get personal recommendations at ``as_of``.

    Parameters
    ----------
    consent : DataFrame or None
        Contract ``recommend_consent``; None means everyone consents (no consent data kept).
    customers : array of str
    as_of : Timestamp
        Changes dated before this day count.

    Returns
    -------
    ndarray of bool
        True when the customer's latest change before ``as_of`` is ``given``; a customer with no
        change has not consented.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["a", "a", "b"], "status": ["given", "withdrawn", "given"],
    ...                   "date": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-01-01"])})
    >>> consenting(c, ["a", "b", "z"], pd.Timestamp("2025-06-01")).tolist()
    [False, True, False]
    """
    customers = np.asarray(customers, dtype=object)
    if consent is None:
        return np.ones(len(customers), dtype=bool)
    before = consent[consent["date"] < as_of].sort_values(["customer_id", "date"], kind="stable")
    latest = before.groupby("customer_id")["status"].last()
    return pd.Series(customers).map(latest).eq("given").to_numpy()


__all__ = ["EventLog", "consenting", "load_consent", "load_events", "one_price_per_product", "read_events"]
