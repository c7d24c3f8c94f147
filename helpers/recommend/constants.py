"""Constants of the planted world of notebook 07's synthetic log, declared once (light: no pandas).

The generator (:mod:`helpers.recommend.simulate`) draws views and purchases with them and the
planted purchase chances (:func:`helpers.recommend.truth.purchase_propensity`, which the oracle
ranks by) use the same values, so neither module imports the other.
"""

from __future__ import annotations

#: Multiplier of a product's appeal by the distance between its price tier and the shopper's.
TIER_MATCH = (1.0, 0.15, 0.02)
#: Share of viewed products drawn from the shopper's own tastes (the rest from overall appeal).
TASTE_VIEW_SHARE = 0.75
#: Chance that a viewed product is bought: when drawn from the tastes, and when browsed by appeal.
BUY_TASTE, BUY_BROWSE = 0.30, 0.05
