"""Platform revenue mix from company filings (notebook 01): shares, growth, CAGR, contribution.

What is where:

* :mod:`~helpers.revenue.params` — ``Params``, the notebook's parameters (declared once).
* :mod:`~helpers.revenue.schemas` — table contracts ``filings``, ``line_mapping``, ``fx_rates``.
* :mod:`~helpers.revenue.load` — loaders that validate on the way in; ``load_inputs`` checks the
  parameters that depend on the data.
* :mod:`~helpers.revenue.metrics` — select, reconcile, map; share, YoY, CAGR, contribution.
* :mod:`~helpers.revenue.fx` — conversion to the chosen currency, rates used, constant-currency growth.
* :mod:`~helpers.revenue.events` — corporate events in view; organic growth (first year and stub).
* :mod:`~helpers.revenue.growth` — the four growth rates combined; organic constant-currency growth.
* :mod:`~helpers.revenue.status` / :mod:`~helpers.revenue.flags` — verification labels; figures
  shown that are not VERIFIED.
* :mod:`~helpers.revenue.analysis` — ``analyse(p)``: the whole chain, one ``RevenueAnalysis``.
* :mod:`~helpers.revenue.report` — tables, plain-text headline tables, prose, recorded results
  (growth pieces in :mod:`~helpers.revenue.growth_report`); :mod:`~helpers.revenue.figures` — the figures.

Money: ``value`` is a figure in whole units of its reporting currency; ``amount_conv`` the same
in the chosen currency. Growth is computed in the reporting currency; shares are currency-free.

This module imports only the parameter model eagerly (the runner imports it before any kernel
starts); the other names load on first use.

Examples
--------
>>> from helpers import revenue
>>> a = revenue.analyse(revenue.Params.build({"companies": ["Amazon"]}))
>>> round(float(a.totals["total_yoy"].iloc[0]), 4)
0.1099
"""

from __future__ import annotations

import importlib
from typing import Any

from helpers.revenue.params import Params

_LAZY = {"analyse": "analysis", "RevenueAnalysis": "analysis", "load_inputs": "load",
         "load_filings": "load", "load_mapping": "load", "load_fx": "load"}
_MODULES = ("analysis", "events", "figures", "flags", "fx", "growth", "growth_report", "load", "metrics", "report",
            "schemas", "status")

__all__ = ["Params", *_LAZY, *_MODULES]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"helpers.revenue.{_LAZY[name]}"), name)
    if name in _MODULES:
        return importlib.import_module(f"helpers.revenue.{name}")
    raise AttributeError(f"module 'helpers.revenue' has no attribute {name!r}")
