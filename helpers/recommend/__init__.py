"""Notebook 07: recommendation blocks evaluated offline against popularity.

What is where:

- :mod:`~helpers.recommend.params` — ``Params``, the notebook's parameters (pydantic, light).
- :mod:`~helpers.recommend.schemas` — the consent, truth and send-list contracts (the event log
  is notebook 06's ``segment_events``).
- :mod:`~helpers.recommend.load` — the event log (CSV, Parquet, a database table), one price per
  product, consent, the planted truth.
- :mod:`~helpers.recommend.protocol` — the global split, test customers, candidates, relevant items.
- :mod:`~helpers.recommend.metrics` — recall, precision, hit rate, NDCG at k, coverage, popularity bias.
- :mod:`~helpers.recommend.models` — popularity, item-kNN and ALS (``implicit``), EASE, the oracle.
- :mod:`~helpers.recommend.blocks` — segments at the split, price bands, similar products,
  viewed-then-bought, the price-band constraint.
- :mod:`~helpers.recommend.uncertainty` — bootstrap of recall against popularity.
- :mod:`~helpers.recommend.evaluate` — tuning, the evaluation, the served lists.
- :mod:`~helpers.recommend.constants` — the planted world's constants (generator and truth).
- :mod:`~helpers.recommend.truth` — the planted world's purchase chances (oracle, generator).
- :mod:`~helpers.recommend.simulate` — the seeded synthetic log; never imported by metrics.
- :mod:`~helpers.recommend.report` / :mod:`~helpers.recommend.figures` — what the notebook shows.

Lazy (PEP 562): ``import helpers.recommend.params`` does not import pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Params": "helpers.recommend.params",
    "load_events": "helpers.recommend.load", "load_consent": "helpers.recommend.load",
    "EventLog": "helpers.recommend.load",
    "make_split": "helpers.recommend.protocol", "Split": "helpers.recommend.protocol",
    "Setup": "helpers.recommend.evaluate", "split_for": "helpers.recommend.evaluate",
    "evaluate": "helpers.recommend.evaluate",
    "similar_products": "helpers.recommend.blocks", "viewed_then_bought": "helpers.recommend.blocks",
    "write_synthetic": "helpers.recommend.simulate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'helpers.recommend' has no attribute {name!r}")
