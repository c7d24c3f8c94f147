"""Everything notebook 06 shows besides figures: tables, Markdown built from results, recorded numbers.

Prose is built from the results and the parameters, never hard-coded; "Synthetic data" is said only
for a generated log or the shipped synthetic files (:class:`helpers.segments.load.EventLog`).
Figures are in :mod:`helpers.segments.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from helpers import privacy
from helpers.btyd.cdnow import CURRENCY
from helpers.btyd.schemas import TRANSACTIONS
from helpers.config import resolve_path
from helpers.plots import format_pct
from helpers.results import record
from helpers.segments.concentration import top_share, top_share_key
from helpers.segments.load import EventLog
from helpers.segments.schemas import EVENTS
from helpers.tables import table

#: Reader-facing names of the data-quality rules' columns.
_QUALITY_HEADERS = {"rule": "rule", "rows": "lines"}


@dataclass(frozen=True)
class TransactionsInfo:
    """What the reader needs to know about the purchases analysed: name, window, customers.

    ``name`` is "CDNOW" for a CDNOW file, else the file name; dates are the first and last kept
    purchase; ``first_purchase_from`` / ``_to`` bound the customers' first purchases (a cohort
    has a narrow range).
    """

    name: str
    lines_read: int
    purchases: int
    customers: int
    start: pd.Timestamp
    end: pd.Timestamp
    first_purchase_from: pd.Timestamp
    first_purchase_to: pd.Timestamp
    currency: str = CURRENCY


def describe_transactions(path: str | Path, raw: pd.DataFrame, tx: pd.DataFrame) -> TransactionsInfo:
    """Summarise the loaded (``raw``) and kept (``tx``) purchases for prose and figure notes.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05"])})
    >>> info = describe_transactions("data/raw/CDNOW_sample.txt", tx, tx)
    >>> info.name, info.customers, str(info.first_purchase_to.date())
    ('CDNOW', 2, '2024-01-05')
    """
    file = resolve_path(path)
    name = "CDNOW" if file.name.upper().startswith("CDNOW") else file.name
    first = tx.groupby("customer_id")["date"].min()
    return TransactionsInfo(name=name, lines_read=len(raw), purchases=len(tx),
                            customers=int(tx["customer_id"].nunique()), start=tx["date"].min(),
                            end=tx["date"].max(), first_purchase_from=first.min(),
                            first_purchase_to=first.max())


def _day(ts: pd.Timestamp) -> str:
    return f"{pd.Timestamp(ts):%Y-%m-%d}"


def data_label(info: TransactionsInfo) -> str:
    """Short label of the purchases for figure notes, e.g. "CDNOW, purchases 1997-01-01 to 1998-06-30 (USD)".

    Examples
    --------
    >>> i = TransactionsInfo("CDNOW", 3, 3, 2, pd.Timestamp("1997-01-01"), pd.Timestamp("1998-06-30"),
    ...                      pd.Timestamp("1997-01-01"), pd.Timestamp("1997-03-31"))
    >>> data_label(i)
    'CDNOW, purchases 1997-01-01 to 1998-06-30 (USD)'
    """
    return f"{info.name}, purchases {_day(info.start)} to {_day(info.end)} ({info.currency})"


# --- section 1: data ------------------------------------------------------------------------------


def transactions_contract() -> Markdown:
    """The ``transactions`` contract as a Markdown table (columns, types, rules, meaning)."""
    return Markdown(TRANSACTIONS.to_markdown())


def events_contract() -> Markdown:
    """The ``segment_events`` contract as a Markdown table."""
    return Markdown(EVENTS.to_markdown())


def quality_table(quality: pd.DataFrame, currency: str = CURRENCY):
    """The data-quality rules of :func:`helpers.segments.load.prepare_transactions`: lines and amount each."""
    return table(quality, {"rule": "text", "rows": "count", "amount": "money"}, currency=currency,
                 headers={**_QUALITY_HEADERS, "amount": f"amount ({currency})"},
                 decimals={"amount": 2}, caption="Lines excluded or changed before the analysis")


def record_engine(engine: str) -> None:
    """Record ``engine``: what summarised the purchases (``pandas``, or the Ibis backend, e.g. ``duckdb``)."""
    record("engine", engine)


def data_summary(info: TransactionsInfo) -> Markdown:
    """One sentence: lines read, purchases and customers kept, the window and currency."""
    return Markdown(f"{info.lines_read:,} lines read, {info.purchases:,} purchases kept from "
                    f"{info.customers:,} customers, {_day(info.start)} to {_day(info.end)} "
                    f"({info.currency}).")


# --- section 2: RFM segments ----------------------------------------------------------------------


def scored_preview(scored: pd.DataFrame, n: int = 5, currency: str = CURRENCY):
    """The first ``n`` scored customers, ids pseudonymised, money in ``currency``."""
    shown = privacy.pseudonymise_columns(scored.head(n))
    kinds = {c: "ratio" for c in ("frequency", "recency", "T", "purchase_periods", "periods_since_last",
                                  "fm_score") if c in shown.columns}
    kinds.update({c: "money" for c in ("monetary_value", "revenue", "average_order_value") if c in shown.columns})
    kinds.update({c: "count" for c in ("orders",) if c in shown.columns})
    kinds.update({c: "count" for c in ("r_score", "f_score", "m_score") if c in shown.columns})
    return table(shown, kinds, currency=currency,
                 decimals={c: 2 for c in ("monetary_value", "revenue", "average_order_value")},
                 caption=f"The first {n} customers with their RFM inputs, scores and segment "
                         "(ids pseudonymised)")


def segment_table(seg: pd.DataFrame, currency: str = CURRENCY):
    """Customers and revenue per RFM segment."""
    cur = currency.lower()
    return table(seg, {"customers": "count", "customer_share": "pct", f"revenue_{cur}": "money",
                       "revenue_share": "pct", f"revenue_per_customer_{cur}": "money",
                       "r_score": "ratio", "f_score": "ratio", "m_score": "ratio"},
                 currency=currency, caption="RFM segments: customers and revenue",
                 headers={f"revenue_{cur}": f"revenue ({currency})",
                          f"revenue_per_customer_{cur}": f"revenue per customer ({currency})"})


def record_segments(stats: dict[str, float], seg: pd.DataFrame) -> None:
    """Record ``customers``, ``repeat_customers`` and ``segment.<name>.customers / .revenue_share``."""
    record("customers", stats["customers"])
    record("repeat_customers", stats["repeat_customers"])
    for name, row in seg.iterrows():
        record(f"segment.{name}.customers", int(row["customers"]))
        record(f"segment.{name}.revenue_share", float(row["revenue_share"]))


def segment_check_text(seg: pd.DataFrame) -> str:
    """Plain-text headline of the segment table (the nbval-checked cell)."""
    return seg[["customers", "customer_share", "revenue_share", "r_score", "f_score", "m_score"]
               ].round(4).to_string()


def segment_bullets(stats: dict[str, float], seg: pd.DataFrame, info: TransactionsInfo) -> Markdown:
    """Interpretation of the segment table: repeat share, the cohort and the *new* segment, the top segment."""
    top = seg["revenue_share"].idxmax()
    n_new = int(seg.loc["new", "customers"])
    cohort = (f"every customer's first purchase falls between {_day(info.first_purchase_from)} and "
              f"{_day(info.first_purchase_to)}")
    if seg.loc["new", "customer_share"] < 0.01:
        new_text = (f"{cohort}, so the *new* segment is nearly empty ({n_new:,} customer(s)): a cohort "
                    "seen long after its start, not a live customer base")
    else:
        new_text = (f"{cohort}; the *new* segment (recent first purchase, few purchases) holds {n_new:,} "
                    f"customers ({format_pct(seg.loc['new', 'customer_share'])})")
    return Markdown(
        f"- {format_pct(stats['repeat_share'])} of the {stats['customers']:,} customers came back after "
        f"their first purchase period; {new_text}.\n"
        f"- **{top}** ({int(seg.loc[top, 'customers']):,} customers) bring "
        f"{format_pct(seg.loc[top, 'revenue_share'])} of revenue; *lost* customers are "
        f"{format_pct(seg.loc['lost', 'customer_share'])} of customers and "
        f"{format_pct(seg.loc['lost', 'revenue_share'])} of revenue.")


# --- section 3: concentration ---------------------------------------------------------------------


def record_concentration(conc: pd.DataFrame, top_pcts: list[float]) -> None:
    """Record ``gini``, ``top_share.<x>``, ``share_customers_for_90pct_revenue`` and ``claim.*``."""
    record("gini", float(conc.loc["gini", "value"]))
    for pct in top_pcts:
        record(top_share_key(pct), float(conc.loc[top_share_key(pct), "value"]))
    record("share_customers_for_90pct_revenue", float(conc.loc["share_customers_for_90pct_revenue", "value"]))
    record("claim.holds_among_buyers", bool(conc.loc["claim_holds_among_buyers", "value"]))
    record("claim.max_conversion", float(conc.loc["max_conversion_for_claim", "value"]))


def concentration_check_text(conc: pd.DataFrame) -> str:
    """Plain-text headline of the concentration figures (the nbval-checked cell)."""
    return conc.round(4).to_string()


def concentration_bullets(conc: pd.DataFrame, revenue: pd.Series, claim_visitor_pct: float) -> Markdown:
    """Does "under x% of visitors make 90% of revenue" hold among buyers, and among visitors?"""
    holds = bool(conc.loc["claim_holds_among_buyers", "value"])
    s90 = conc.loc["share_customers_for_90pct_revenue", "value"]
    return Markdown(
        f"- Among **buyers** the claim {'holds' if holds else 'does not hold'}: the top "
        f"{claim_visitor_pct:g}% make {format_pct(top_share(revenue, claim_visitor_pct))} of revenue, and "
        f"90% of revenue needs the top {format_pct(s90)} (Gini {conc.loc['gini', 'value']:.2f}).\n"
        f"- Among **visitors** it would hold if fewer than "
        f"{format_pct(conc.loc['max_conversion_for_claim', 'value'])} of visitors bought at all; the "
        "purchase log has no visitor counts, so the claim is about conversion as much as about "
        "concentration.")


# --- section 4: dynamic groups --------------------------------------------------------------------


def event_log_intro(log: EventLog) -> Markdown:
    """What the event log holds (shoppers, products, categories, dates), labelled synthetic when it is."""
    ev = log.events
    lead = ("**Synthetic data.** A seeded log" if log.synthetic else f"The event log `{log.source}`")
    return Markdown(
        f"{lead} of views, cart adds and purchases: {ev['customer_id'].nunique():,} shoppers, "
        f"{ev['product_id'].nunique():,} products in {ev['category'].nunique():,} categories, "
        f"{_day(ev['event_time'].min())} to {_day(ev['event_time'].max())}, prices in USD. "
        "Your own log follows this contract:")


def group_table(sizes: pd.DataFrame):
    """Shoppers per dynamic group and their share (groups overlap)."""
    return table(sizes, {"customers": "count", "share": "pct"}, headers={"customers": "shoppers"},
                 caption="Dynamic groups (a shopper may be in several)")


def record_groups(sizes: pd.DataFrame) -> None:
    """Record ``group.<name>.customers`` for every group."""
    for name, row in sizes.iterrows():
        record(f"group.{name}.customers", int(row["customers"]))


def group_bullets(sizes: pd.DataFrame, log: EventLog, *, cart_days: int, inactive_days: int,
                  loyal_min_orders: int) -> Markdown:
    """Interpretation of the group sizes with the thresholds that made them."""
    n = log.shoppers
    tail = (" Synthetic: the sizes show how the thresholds act, not a real shop." if log.synthetic else "")
    return Markdown(
        f"- Of {n:,} shoppers, {int(sizes.loc['abandoned_cart', 'customers']):,} left a cart in the last "
        f"{cart_days} days and {int(sizes.loc['inactive', 'customers']):,} have been silent for "
        f"{inactive_days}+ days; {int(sizes.loc['loyal', 'customers']):,} are loyal "
        f"({loyal_min_orders}+ orders).{tail}")


# --- section 5: bought together -------------------------------------------------------------------


def pairs_table(pairs: pd.DataFrame, n: int = 8):
    """The ``n`` pairs with the highest lift: support, confidence, lift (with its 95% interval when
    the pairs were tested) and the pair test's p-values."""
    kinds = {"orders_ab": "count", "support_a": "pct", "support_b": "pct", "support_ab": "pct",
             "confidence_a_to_b": "pct", "confidence_b_to_a": "pct", "lift": "ratio", "lift_low": "ratio",
             "lift_high": "ratio", "p_value": "pvalue", "p_adjusted": "pvalue", "significant": "bool"}
    return table(pairs.head(n), {k: v for k, v in kinds.items() if k in pairs.columns},
                 headers={"orders_ab": "orders with both", "support_ab": "support (both)",
                          "confidence_a_to_b": "confidence a → b", "confidence_b_to_a": "confidence b → a",
                          "lift_low": "lift 95% low", "lift_high": "lift 95% high",
                          "p_value": "p (exact, given basket size)", "p_adjusted": "p adjusted (BH)"},
                 decimals={"support_a": 2, "support_b": 2, "support_ab": 2},
                 caption=f"Bought together: the {min(n, len(pairs))} pairs with the highest lift "
                         "(p blank: expected in too few orders to be tested)")


def record_pairs(pairs: pd.DataFrame, counts: dict[str, int] | None = None, null=None) -> None:
    """Record ``top_pair.lift``, ``top_pair.support`` and, with the pair tests, ``top_pair.p_adjusted``
    (when the top pair was tested), ``pairs.tested``, ``pairs.significant``, ``pairs.filter`` (the
    statistic the tested family is filtered on), ``pairs.min_expected``, with planted pairs
    ``pairs.planted_significant`` / ``pairs.unplanted_significant``, and with the null study
    (:class:`helpers.segments.swap.NullStudy`) ``pairs.null_fdr``, ``pairs.null_fdr_high`` and
    ``pairs.null_replicates``."""
    record("top_pair.lift", float(pairs["lift"].iloc[0]))
    record("top_pair.support", float(pairs["support_ab"].iloc[0]))
    if "p_adjusted" in pairs.columns and pd.notna(pairs["p_adjusted"].iloc[0]):
        record("top_pair.p_adjusted", float(pairs["p_adjusted"].iloc[0]))
    for name, value in (counts or {}).items():
        if name != "planted":
            record(f"pairs.{name}", int(value))
    if counts is not None and "filter" in pairs.attrs:
        record("pairs.filter", str(pairs.attrs["filter"]))
        record("pairs.min_expected", float(pairs.attrs["min_expected"]))
    if null is not None:
        record("pairs.null_fdr", float(null.fdr))
        record("pairs.null_fdr_high", float(null.fdr_high))
        record("pairs.null_replicates", int(null.replicates))


def pairs_check_text(pairs: pd.DataFrame, truth: pd.DataFrame | None) -> str:
    """Plain-text check of the planted pairs (or the top three pairs without a truth file)."""
    from helpers.segments.baskets import pairs_vs_truth

    check = pairs_vs_truth(pairs, truth) if truth is not None else pairs.head(3)
    return check.round(3).to_string()


def pairs_bullets(pairs: pd.DataFrame, truth: pd.DataFrame | None,
                  counts: dict[str, int] | None = None, null=None) -> Markdown:
    """Whether the planted pairs are found and declared significant, what the null study measured
    (``null``: :class:`helpers.segments.swap.NullStudy`), and the asymmetry of confidence."""
    from helpers.segments.baskets import pairs_vs_truth

    lines = []
    if counts is not None:
        attrs = pairs.attrs
        level = format_pct(attrs.get("fdr_level", float("nan")))
        text = (f"- Of {counts['tested']:,} pairs expected in at least {attrs.get('min_expected'):g} orders "
                f"if bought independently, {counts['significant']:,} are significant at a false-discovery "
                f"level of {level} (exact test given basket size, Benjamini–Hochberg)")
        if "planted_significant" in counts:
            text += (f": {counts['planted_significant']} of the {counts['planted']} planted pairs and "
                     f"{counts['unplanted_significant']} unplanted pair(s)")
        lines.append(text + ".")
    if null is not None:
        lines.append(f"- On {null.replicates} copies of this log with the pairs' affinity removed "
                     "(products swapped between orders, every basket size and product count kept), the "
                     f"tests found a pair in {round(null.fdr * null.replicates)} of {null.replicates} copies "
                     f"({format_pct(null.fdr)}) — the false-discovery rate "
                     f"when nothing is bought together, nominal {format_pct(null.fdr_level)}; 95% upper bound "
                     f"{format_pct(null.fdr_high)} (Clopper–Pearson; more copies with `null_replicates` "
                     "tighten it).")
    if truth is not None:
        found = pairs_vs_truth(pairs, truth)
        lines.append(f"- The planted pairs rank {found['rank'].tolist()} by lift (0 = below `min_support`); "
                     f"the largest relative error of their lift is "
                     f"{format_pct(found['rel_error'].abs().max())} over {pairs.attrs['orders']:,} orders.")
    top = pairs.iloc[0]
    lines.append(f"- Confidence is asymmetric: {top['product_a']} → {top['product_b']} "
                 f"{format_pct(top['confidence_a_to_b'])}, the reverse {format_pct(top['confidence_b_to_a'])}; "
                 "a 'bought together' block should use the direction of the page being viewed.")
    return Markdown("\n".join(lines))


# --- caveats --------------------------------------------------------------------------------------


def caveats(info: TransactionsInfo, log: EventLog, claim_visitor_pct: float) -> Markdown:
    """The caveats of this run: the purchases analysed, RFM conventions, the event log, the claim, privacy."""
    if info.name == "CDNOW":
        data = ("- CDNOW is one acquisition cohort of a 1997–98 music store (real data, USD of the time); "
                "its concentration describes that cohort, not a platform's whole customer base, and it "
                "records buyers, not visitors. The visitor reading depends on a conversion rate this "
                "data cannot give.")
    else:
        data = (f"- `{info.name}` records purchases only: concentration is over buyers, and the visitor "
                "reading depends on a conversion rate the file cannot give.")
    if log.synthetic:
        events = ("- The event log, the dynamic groups and the bought-together pairs are **synthetic**: "
                  "they test the method (the planted lifts are recovered), they say nothing about a real shop.")
    else:
        events = ("- Dynamic groups and bought-together pairs describe the event log given; lift of rare "
                  "pairs is noisy (raise `min_support` to see only well-supported pairs).")
    return Markdown("\n".join([
        data,
        "- RFM segment names are a convention (quantile scores, a 3×3 grid); with many ties (most "
        "customers bought in one period only) the F score jumps and some cells stay small. The "
        "out-of-sample check follows one calibration split of these purchases; BG/NBD's P(alive) is "
        "1 for every customer without a repeat purchase, by the model's construction.",
        events,
        "- The claim that under 5% of visitors make over 90% of revenue is a vendor's figure given "
        "without data (Halla Systems, *E-commerce personalisation*); it is unverified. This run tests "
        f"it at {claim_visitor_pct:g}% of visitors (`claim_visitor_pct`).",
        "- Customer ids are pseudonymised (HMAC) wherever shown. Collect only what the groups need, "
        "with consent.",
    ]))
