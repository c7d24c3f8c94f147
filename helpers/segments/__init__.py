"""Notebook 06: RFM segments and revenue concentration on purchases; dynamic groups and
bought-together pairs on a shopper event log.

What is where:

- :mod:`~helpers.segments.params` — ``Params``, the notebook's parameters (pydantic).
- :mod:`~helpers.segments.schemas` — the ``segment_events`` and ``segment_planted_pairs`` tables
  (``transactions`` lives in :mod:`helpers.btyd.schemas`).
- :mod:`~helpers.segments.load` — transactions (CDNOW or the contract), returns handling, the
  event log (read, or generated with a seed).
- :mod:`~helpers.segments.sources` — where the purchases come from (CDNOW text in pandas; CSV,
  Parquet or a database table through :mod:`helpers.warehouse`) and the summary, RFM and
  concentration on that engine (not re-exported here: it imports Ibis).
- :mod:`~helpers.segments.rfm` — per-customer RFM inputs, quantile scores, the nine segments.
- :mod:`~helpers.segments.concentration` — Lorenz curve, Gini, top-x% shares, the 5%/90% claim.
- :mod:`~helpers.segments.groups` — dynamic groups (new, inactive, abandoned cart, loyal, prefers).
- :mod:`~helpers.segments.baskets` — support, confidence and lift of product pairs.
- :mod:`~helpers.segments.simulate` — the seeded synthetic event log with planted pairs.
- :mod:`~helpers.segments.validation` — segments on a calibration period against the next period
  and BG/NBD (P(alive), expected purchases).
- :mod:`~helpers.segments.report` — the notebook's tables, prose and recorded results;
  :mod:`~helpers.segments.figures` its figures.

The per-customer BTYD summary, the CDNOW loader and BG/NBD are in :mod:`helpers.btyd` (shared
with notebook 04).
"""

from __future__ import annotations

from helpers.btyd.cdnow import CURRENCY
from helpers.btyd.summary import FREQS
from helpers.segments.baskets import (
    add_significance,
    benjamini_hochberg,
    bought_together,
    order_lines,
    pair_significance,
    pairs_vs_truth,
    significance_counts,
)
from helpers.segments.concentration import (
    concentration_summary,
    gini,
    lorenz_curve,
    max_conversion_for_claim,
    share_customers_for,
    top_share,
    top_share_curve,
    top_share_key,
)
from helpers.segments.groups import GROUPS, dynamic_groups, group_sizes
from helpers.segments.load import EventLog, load_event_log, load_transactions, prepare_transactions
from helpers.segments.params import Params
from helpers.segments.rfm import (
    SEGMENT_GRID,
    SEGMENTS,
    customer_table,
    quantile_score,
    repeat_stats,
    rfm_segments,
    segment_summary,
)
from helpers.segments.simulate import generate_events, planted_truth, write_synthetic
from helpers.segments.validation import Validation, rank_agreement, validate_segments

__all__ = [
    "Validation", "rank_agreement", "validate_segments",
    "add_significance", "benjamini_hochberg", "pair_significance", "significance_counts",
    "CURRENCY", "FREQS", "GROUPS", "SEGMENTS", "SEGMENT_GRID", "EventLog", "Params", "bought_together",
    "concentration_summary", "customer_table", "dynamic_groups", "generate_events", "gini",
    "group_sizes", "load_event_log", "load_transactions", "lorenz_curve",
    "max_conversion_for_claim", "order_lines", "pairs_vs_truth", "planted_truth", "prepare_transactions",
    "quantile_score", "repeat_stats", "rfm_segments", "segment_summary", "share_customers_for",
    "top_share", "top_share_curve", "top_share_key", "write_synthetic",
]
