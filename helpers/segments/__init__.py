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
- :mod:`~helpers.segments.pairtests` — the pair tests: family filtered on the expected count,
  exact test given basket size, lift intervals; :mod:`~helpers.segments.swap` — the swap-randomised
  null (curveball) and the null study that measures the tests' false-discovery rate.
- :mod:`~helpers.segments.simulate` — the seeded synthetic event log with planted pairs.
- :mod:`~helpers.segments.validation` — segments on a calibration period against the next period
  and BG/NBD (P(alive), expected purchases), repeated from earlier calibration ends;
  :mod:`~helpers.segments.uncertainty` — its intervals (bootstrap-t, Wilson, rank bounds).
- :mod:`~helpers.segments.report` — the notebook's tables, prose and recorded results
  (:mod:`~helpers.segments.validation_report` for the out-of-sample check);
  :mod:`~helpers.segments.figures` its figures.

The per-customer BTYD summary, the CDNOW loader and BG/NBD are in :mod:`helpers.btyd` (shared
with notebook 04).
"""

from __future__ import annotations

import importlib

#: Public names and the module each comes from, imported on first use (PEP 562) so that
#: ``import helpers.segments.params`` loads no pandas, scipy or duckdb.
_LAZY = {
    'CURRENCY': 'helpers.btyd.cdnow',
    'EventLog': 'helpers.segments.load',
    'FREQS': 'helpers.btyd.summary',
    'GROUPS': 'helpers.segments.groups',
    'Params': 'helpers.segments.params',
    'SEGMENTS': 'helpers.segments.rfm',
    'SEGMENT_GRID': 'helpers.segments.rfm',
    'Validation': 'helpers.segments.validation',
    'add_significance': 'helpers.segments.baskets',
    'benjamini_hochberg': 'helpers.segments.baskets',
    'bought_together': 'helpers.segments.baskets',
    'concentration_summary': 'helpers.segments.concentration',
    'customer_table': 'helpers.segments.rfm',
    'dynamic_groups': 'helpers.segments.groups',
    'generate_events': 'helpers.segments.simulate',
    'gini': 'helpers.segments.concentration',
    'group_sizes': 'helpers.segments.groups',
    'load_event_log': 'helpers.segments.load',
    'load_transactions': 'helpers.segments.load',
    'lorenz_curve': 'helpers.segments.concentration',
    'max_conversion_for_claim': 'helpers.segments.concentration',
    'order_lines': 'helpers.segments.baskets',
    'null_study': 'helpers.segments.swap',
    'pair_significance': 'helpers.segments.pairtests',
    'pairs_vs_truth': 'helpers.segments.baskets',
    'planted_truth': 'helpers.segments.simulate',
    'prepare_transactions': 'helpers.segments.load',
    'quantile_score': 'helpers.segments.rfm',
    'rank_agreement': 'helpers.segments.validation',
    'repeat_stats': 'helpers.segments.rfm',
    'rfm_segments': 'helpers.segments.rfm',
    'segment_summary': 'helpers.segments.rfm',
    'share_customers_for': 'helpers.segments.concentration',
    'significance_counts': 'helpers.segments.baskets',
    'top_share': 'helpers.segments.concentration',
    'top_share_curve': 'helpers.segments.concentration',
    'top_share_key': 'helpers.segments.concentration',
    'validate_segments': 'helpers.segments.validation',
    'validation_intervals': 'helpers.segments.uncertainty',
    'write_synthetic': 'helpers.segments.simulate',
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'helpers.segments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Validation", "rank_agreement", "validate_segments", "validation_intervals",
    "add_significance", "benjamini_hochberg", "null_study", "pair_significance", "significance_counts",
    "CURRENCY", "FREQS", "GROUPS", "SEGMENTS", "SEGMENT_GRID", "EventLog", "Params", "bought_together",
    "concentration_summary", "customer_table", "dynamic_groups", "generate_events", "gini",
    "group_sizes", "load_event_log", "load_transactions", "lorenz_curve",
    "max_conversion_for_claim", "order_lines", "pairs_vs_truth", "planted_truth", "prepare_transactions",
    "quantile_score", "repeat_stats", "rfm_segments", "segment_summary", "share_customers_for",
    "top_share", "top_share_curve", "top_share_key", "write_synthetic",
]
