"""The parameters of notebook 05 (CRM coupon cadence), declared once.

Light on purpose (no pandas or numpy): the batch runner imports it before any kernel starts.
Checks that need the data (a file's columns, rows) stay in :mod:`helpers.cadence.load`.
"""

from __future__ import annotations

import zoneinfo
from typing import ClassVar

from pydantic import Field, field_validator

from helpers.cadence.constants import DEFAULT, HELP, StageThresholds
from helpers.constants import KURLY_GROSS_MARGIN_2021
from helpers.params import NotebookParams, data_path


def _check_timezone(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA timezone name (e.g. Asia/Seoul, UTC, "
                         f"Europe/Berlin); {name} must be one") from None
    return value


class Params(NotebookParams):
    """Parameters of ``05_crm_cadence``.

    Examples
    --------
    >>> p = Params.build({"dormant_days": 75})
    >>> p.thresholds().dormant_days, p.thresholds().cart_days
    (75, 40)
    """

    NOTEBOOK: ClassVar[str] = "05_crm_cadence"

    messages_path: str = data_path("data/synthetic/cadence_messages.csv",
                                   "message log CSV (contract cadence_messages), relative to the project root")
    events_path: str = data_path("data/synthetic/cadence_events.csv",
                                 "event log CSV (contract cadence_events), relative to the project root")
    simulate: bool = Field(False, description="true: ignore the paths and simulate a fresh synthetic log "
                                              "with the sim_* parameters")
    sim_customers: int = Field(400, ge=1, le=5000, description="customers in a simulated log (1-5000)")
    sim_violation_share: float = Field(0.05, ge=0, le=1, description="simulated: probability a send to a "
                                       "customer without night consent falls in quiet hours (0-1)")
    seed: int = Field(5, ge=0, description="seed of the simulator and of the shuffled-order W baseline")
    currency: str = Field("KRW", pattern=r"^[A-Z]{3}$",
                          description="ISO currency of coupon_amount and min_order")
    timezone: str = Field("Asia/Seoul", description="IANA timezone in which weekdays, hours and quiet "
                                                    "hours are read")
    naive_timezone: str | None = Field(None, description="IANA timezone for timestamps without an offset; "
                                                         "None means such timestamps are an error")
    quiet_rules_path: str = data_path("data/raw/quiet_hours_rules.csv",
                                      "quiet-hours rules per channel (contract cadence_quiet_rules): which "
                                      "channels the night rule covers, window start and end, edges")
    consent_path: str | None = data_path(None, "dated night-consent events (contract cadence_consent); None "
                                               "means the consent_night column of the message log")
    gross_margin: float = Field(KURLY_GROSS_MARGIN_2021, ge=0, lt=1,
                                description="gross margin the discount rate is compared with, fraction; "
                                            "Kurly 2021 is 0.19")
    onboarding_days: int = Field(DEFAULT.onboarding_days, ge=1, le=3650, description=HELP["onboarding_days"])
    cart_days: int = Field(DEFAULT.cart_days, ge=1, le=3650, description=HELP["cart_days"])
    post_first_days: int = Field(DEFAULT.post_first_days, ge=1, le=3650, description=HELP["post_first_days"])
    push_days: int = Field(DEFAULT.push_days, ge=1, le=3650, description=HELP["push_days"])
    repeat_from_purchase: int = Field(DEFAULT.repeat_from_purchase, ge=2, le=100,
                                      description=HELP["repeat_from_purchase"])
    dormant_days: int = Field(DEFAULT.dormant_days, ge=1, le=3650, description=HELP["dormant_days"])
    dormant_silence_days: int = Field(DEFAULT.dormant_silence_days, ge=1, le=3650,
                                      description=HELP["dormant_silence_days"])
    churn_silence_days: int = Field(DEFAULT.churn_silence_days, ge=1, le=3650, description=HELP["churn_silence_days"])
    null_draws: int = Field(50, ge=1, le=1000, description="shuffles of each customer's amounts for the "
                                                           "random-order W baseline")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return _check_timezone(value, "timezone")

    @field_validator("naive_timezone")
    @classmethod
    def _naive_timezone(cls, value: str | None) -> str | None:
        return _check_timezone(value, "naive_timezone")

    agreement_margin_days: float = Field(0.5, gt=0, le=7, description="margin ε of adherence and of the median "
                                         "equivalence test, days (policy plus or minus this)")
    robustness_shift_days: int = Field(7, ge=1, le=60, description="days each stage threshold is moved down and "
                                       "up in the threshold-robustness table")

    def thresholds(self) -> StageThresholds:
        """The stage thresholds as a :class:`helpers.cadence.constants.StageThresholds`."""
        return StageThresholds(
            onboarding_days=self.onboarding_days, cart_days=self.cart_days,
            post_first_days=self.post_first_days, push_days=self.push_days,
            repeat_from_purchase=self.repeat_from_purchase, dormant_days=self.dormant_days,
            dormant_silence_days=self.dormant_silence_days, churn_silence_days=self.churn_silence_days)
