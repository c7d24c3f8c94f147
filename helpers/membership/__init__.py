"""Membership value (notebook 04): what a paid member is worth, selection vs effect, tenure, CLV.

What is where:

- :mod:`~helpers.membership.params` — ``Params``, the notebook's parameters (pydantic);
- :mod:`~helpers.membership.schemas` — the ``membership_panel`` contract and ``CURRENCY``;
- :mod:`~helpers.membership.load` — ``check_panel``, ``load_panel``, ``load_or_simulate``;
- :mod:`~helpers.membership.analysis` — ``analyse``: every estimate of one run, computed once
  (the notebook's one pipeline), with ``results`` / ``checks`` over it;
- :mod:`~helpers.membership.effect` — naive ratio, within-customer (conditional Poisson) rate ratio;
- :mod:`~helpers.membership.event_study`, :mod:`~helpers.membership.robust` — the TWFE event
  study (a diagnostic) and the heterogeneity-robust ETWFE estimate with its sensitivity;
- :mod:`~helpers.membership.retention` — sBG retention on the membership spells, member lifetime value;
- :mod:`~helpers.membership.clv_holdout` — the CDNOW holdout forecast check;
- :mod:`~helpers.membership.value` — value per member-month, break-even fee, fee × margin grid;
- :mod:`~helpers.membership.tenure` — spend by tenure, veterans / new members;
- :mod:`~helpers.membership.lifetime` — the CDNOW check and the panel CLV (models in
  :mod:`helpers.btyd.clv`);
- :mod:`~helpers.membership.simulate` — the seeded synthetic panel (``write_synthetic``);
- :mod:`~helpers.membership.report` (+ ``report_event``, ``report_robust``, ``report_retention``,
  ``report_clv``) — the notebook's tables, prose and recorded keys, per section;
- :mod:`~helpers.membership.figures` — the notebook's figures.
"""

from __future__ import annotations

from helpers.membership.params import Params

__all__ = ["Params"]
