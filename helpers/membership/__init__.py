"""Membership value (notebook 04): what a paid member is worth, selection vs effect, tenure, CLV.

What is where:

- :mod:`~helpers.membership.params` — ``Params``, the notebook's parameters (pydantic);
- :mod:`~helpers.membership.schemas` — the ``membership_panel`` contract and ``CURRENCY``;
- :mod:`~helpers.membership.load` — ``check_panel``, ``load_panel``, ``load_or_simulate``;
- :mod:`~helpers.membership.effect` — naive ratio, within-customer (conditional Poisson) rate ratio;
- :mod:`~helpers.membership.value` — value per member-month, break-even fee, fee × margin grid;
- :mod:`~helpers.membership.tenure` — spend by tenure, veterans / new members;
- :mod:`~helpers.membership.lifetime` — the CDNOW check and the panel CLV (models in
  :mod:`helpers.btyd.clv`);
- :mod:`~helpers.membership.simulate` — the seeded synthetic panel (``write_synthetic``);
- :mod:`~helpers.membership.report` — the notebook's tables, figures, prose and recorded results.
"""

from __future__ import annotations

from helpers.membership.params import Params

__all__ = ["Params"]
