"""The cadence domain's constants, declared once (light: no pandas; the parameter model imports it).

* :data:`EVENTS` — the event types of the event log;
* :data:`STAGES` — the lifecycle stages, and :data:`POLICY_INTERVAL_DAYS` — the send interval per
  stage of the reference policy;
* :class:`StageThresholds` — every day threshold of the stage rules with its default
  (:data:`DEFAULT`, :data:`HELP`, :data:`DAY_THRESHOLDS`, :func:`shifted`);
  :mod:`helpers.cadence.params` takes its parameter defaults from it and
  :mod:`helpers.cadence.stages` applies it.

The stages, thresholds and policy follow the reading of Kurly's coupon texts in Yozm IT (2024),
*Kurly coupon texts* (``docs/sources.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

#: Event types of the event log.
EVENTS = ("signup", "cart_add", "purchase")

#: Lifecycle stages, in the order tables show them.
STAGES = ("onboarding", "inactive", "cart", "post_first_purchase", "repurchase_push", "repeat",
          "dormant", "churned", "resurrected")

#: Send interval (days) per stage of the policy inferred from Kurly's texts (Yozm IT, 2024);
#: None = no regular sends (onboarding and dormant: silence; churned: one last coupon).
POLICY_INTERVAL_DAYS: dict[str, int | None] = {
    "onboarding": None, "inactive": 14, "cart": 7, "post_first_purchase": 14,
    "repurchase_push": 7, "repeat": 7, "dormant": None, "churned": None, "resurrected": 14,
}

#: What each threshold means (the help text of its notebook parameter).
HELP = {
    "onboarding_days": "days after sign-up without purchase that count as onboarding",
    "cart_days": "days a cart add keeps the customer in the cart stage",
    "post_first_days": "days after the first purchase in the post_first_purchase stage",
    "push_days": "following days (still one purchase) in the repurchase_push stage",
    "repeat_from_purchase": "purchase count from which a customer is a repeat customer (2 or more)",
    "dormant_days": "days without events (after any programme window) before dormant",
    "dormant_silence_days": "days in dormant before churned",
    "churn_silence_days": "days in churned before resurrected",
}


@dataclass(frozen=True)
class StageThresholds:
    """Day thresholds that turn an event history into a lifecycle stage (defaults in brackets).

    onboarding_days [30], cart_days [40], post_first_days [30], push_days [90],
    repeat_from_purchase (a purchase count) [2], dormant_days [60], dormant_silence_days [60],
    churn_silence_days [180]; see :func:`helpers.cadence.stages.stages_from_features` for the rules.

    Examples
    --------
    >>> StageThresholds().cart_days, StageThresholds(cart_days=10).cart_days
    (40, 10)
    """

    onboarding_days: int = 30
    cart_days: int = 40
    post_first_days: int = 30
    push_days: int = 90
    repeat_from_purchase: int = 2
    dormant_days: int = 60
    dormant_silence_days: int = 60
    churn_silence_days: int = 180


#: The default thresholds.
DEFAULT = StageThresholds()

#: Thresholds measured in days (all but the purchase count), in declaration order.
DAY_THRESHOLDS = tuple(f.name for f in fields(StageThresholds) if f.name != "repeat_from_purchase")


def shifted(thresholds: StageThresholds, name: str, days: int) -> StageThresholds:
    """``thresholds`` with one day threshold moved by ``days`` (kept at 1 day or more).

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`DAY_THRESHOLDS`.

    Examples
    --------
    >>> shifted(DEFAULT, "dormant_days", -7).dormant_days
    53
    """
    if name not in DAY_THRESHOLDS:
        raise ValueError(f"threshold {name!r} is not a day threshold; use one of {list(DAY_THRESHOLDS)}")
    return replace(thresholds, **{name: max(1, getattr(thresholds, name) + days)})
