"""CRM coupon cadence (notebook 05): recover a retailer's lifecycle coupon policy from its message log.

What is where:

* :mod:`~helpers.cadence.params` — ``Params``, the notebook's parameters (declared once);
  :mod:`~helpers.cadence.constants` — event types, stages, the reference policy and the stage thresholds
  (declared once, light);
* :mod:`~helpers.cadence.schemas` — the ``cadence_messages`` and ``cadence_events`` contracts;
* :mod:`~helpers.cadence.load` — read and validate the logs, the data-quality rules (``clean_log``);
* metrics, pure functions: :mod:`~helpers.cadence.stages` (lifecycle stage at each send),
  :mod:`~helpers.cadence.intervals` (send intervals per stage, the cluster sign-test interval of the
  median, median equivalence), :mod:`~helpers.cadence.adherence` (share of intervals on schedule,
  with a cluster interval; percentiles), :mod:`~helpers.cadence.robustness` (verdicts with the
  thresholds moved),
  :mod:`~helpers.cadence.timing` (weekday / hour shares, quiet-hours audit),
  :mod:`~helpers.cadence.amounts` (discount rate vs margin, the "W" of amounts),
  :mod:`~helpers.cadence.purchases` (purchase cycle); :mod:`~helpers.cadence.times` (time helpers);
* :mod:`~helpers.cadence.simulate` — the seeded generator of the shipped synthetic logs;
* :mod:`~helpers.cadence.analysis` — ``analyse``: one run's metrics, computed once (the pipeline step);
* :mod:`~helpers.cadence.report` — the notebook's tables, prose, verdicts and recorded keys;
  :mod:`~helpers.cadence.figures` — its figures.

Customer ids never leave these modules raw in a display table (:mod:`helpers.privacy`).
"""

from __future__ import annotations

from typing import Any

from helpers.cadence.params import Params

__all__ = ["Params", "write_synthetic"]


def __getattr__(name: str) -> Any:
    """``helpers.cadence.write_synthetic`` for ``python -m helpers synth``, imported only when asked."""
    if name == "write_synthetic":
        from helpers.cadence.simulate import write_synthetic

        return write_synthetic
    raise AttributeError(f"module 'helpers.cadence' has no attribute {name!r}")
