"""Promotion quota from the sales gap (notebook 03): what is where.

- :mod:`~helpers.quota.params` — :class:`Params`, the notebook's parameters declared once.
- :mod:`~helpers.quota.schemas` — the ``quota_sales_history`` table contract.
- :mod:`~helpers.quota.constants` — the supported series frequencies (``FREQS``, ``freq_spec``).
- :mod:`~helpers.quota.load` — loaders and the data rules of a sales series (:func:`check_history`).
- :mod:`~helpers.quota.holiday_calendar` — fixed and moving public holidays (``holidays`` package).
- :mod:`~helpers.quota.baseline` — the promotion-free baseline regression (HAC) and its forecast.
- :mod:`~helpers.quota.backtest` — rolling-origin backtest against seasonal naive and SARIMAX (MASE).
- :mod:`~helpers.quota.budget` — target, ROI from past campaigns (both bases), redemption, the cap.
- :mod:`~helpers.quota.response` — the response curve, the joint simulation, P(target met).
- :mod:`~helpers.quota.allocate` — budget per promotion level, whole-coupon quotas per slot.
- :mod:`~helpers.quota.simulate` — the seeded generator of the shipped synthetic histories.
- :mod:`~helpers.quota.report` — the notebook's tables, prose and recorded results;
  :mod:`~helpers.quota.figures` — its figures (re-exported by ``report``).

The method follows the quota logic of Caroline, *E-commerce operations: coupon product
analysis*: baseline → gap → budget (here on an incremental basis, with diminishing returns) →
cap by revenue sources → quotas. Money is in the
currency of the sales history; every money result carries it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from helpers.quota.params import Params

#: Submodules loaded on first use (the runner imports this package before any kernel starts).
SUBMODULES = ("schemas", "constants", "load", "holiday_calendar", "baseline", "backtest", "budget", "response", "allocate",
              "simulate", "figures", "report")

__all__ = ["Params", "write_synthetic", *SUBMODULES]


def __getattr__(name: str) -> ModuleType | Any:
    if name == "write_synthetic":  # used by ``python -m helpers synth``
        return importlib.import_module("helpers.quota.simulate").write_synthetic
    if name not in SUBMODULES:
        raise AttributeError(f"module 'helpers.quota' has no attribute {name!r}")
    return importlib.import_module(f"helpers.quota.{name}")
