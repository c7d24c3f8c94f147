"""One run of notebook 05: clean the log and compute every metric once (the pipeline step).

:func:`analyse` returns an :class:`Analysis` that :mod:`helpers.cadence.report` (tables, prose,
recorded keys) and :mod:`helpers.cadence.figures` read; nothing here formats or draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.cadence import adherence, amounts, intervals, purchases, robustness, stages, timing
from helpers.cadence.constants import STAGES
from helpers.cadence.load import LogData, clean_log
from helpers.cadence.params import Params

#: Size of each one-sided test of the median equivalence (TOST): the 90% interval of the median.
AGREEMENT_ALPHA = (1 - adherence.LEVEL) / 2


@dataclass
class Analysis:
    """Every result of one run of notebook 05 (frames as the metric functions return them)."""

    p: Params
    data: LogData
    messages: pd.DataFrame
    events: pd.DataFrame
    quality: pd.DataFrame
    stages: pd.Series
    stage_counts: pd.DataFrame
    intervals: pd.DataFrame
    interval_table: pd.DataFrame
    agreement: pd.DataFrame
    adherence: pd.DataFrame
    robustness: pd.DataFrame
    weekday: pd.Series
    heat: pd.DataFrame
    lunch_share: float
    audit: dict
    violators: pd.DataFrame
    discount: dict
    by_stage: pd.DataFrame
    w_share: float
    w_null: float
    w_null_sd: float
    validity: pd.Series
    sequence: pd.DataFrame
    cycle: dict
    rate: dict
    observation_end: pd.Timestamp


def analyse(p: Params, data: LogData) -> Analysis:
    """Clean the log and compute every metric of the notebook.

    Raises
    ------
    DataContractError
        If no message is left after the data-quality rules.
    ValueError
        From a metric that has no data (e.g. no customer with two purchases).
    """
    messages, events, quality = clean_log(data.messages, data.events)
    st = stages.infer_stages(messages, events, p.thresholds())
    iv = intervals.stage_intervals(messages, st)
    audit, violators = timing.quiet_audit(messages, p.timezone, data.rules, data.consent)
    w_null, w_null_sd = amounts.w_pattern_null_share(messages, draws=p.null_draws, seed=p.seed)
    agreement = intervals.interval_agreement(iv, margin_days=p.agreement_margin_days, alpha=AGREEMENT_ALPHA)
    adh = adherence.interval_adherence(iv, margin_days=p.agreement_margin_days)
    quartiles = iv.groupby("stage")["days"].quantile([0.25, 0.75]).unstack().reindex(list(STAGES))
    quartiles.columns = ["q1_days", "q3_days"]
    table = agreement.join(quartiles).join(adh.drop(columns=["policy_days", "customers", "intervals"]))
    robust = robustness.threshold_robustness(messages, events, p.thresholds(), p.robustness_shift_days,
                                             margin_days=p.agreement_margin_days)
    end = max(messages["sent_at"].max(), events["at"].max())
    return Analysis(
        p=p, data=data, messages=messages, events=events, quality=quality, stages=st,
        stage_counts=stages.stage_message_counts(st), intervals=iv,
        interval_table=table, agreement=agreement, adherence=adh, robustness=robust,
        weekday=timing.weekday_shares(messages, p.timezone),
        heat=timing.weekday_hour_shares(messages, p.timezone),
        lunch_share=timing.hour_band_share(messages, p.timezone, 12, 14),
        audit=audit, violators=violators,
        discount=amounts.discount_summary(messages, p.gross_margin),
        by_stage=amounts.discount_by_stage(messages, st, p.gross_margin),
        w_share=amounts.w_pattern_share(messages), w_null=w_null, w_null_sd=w_null_sd,
        validity=amounts.validity_shares(messages),
        sequence=amounts.longest_sequence(messages, st),
        cycle=purchases.purchase_cycle(events), rate=purchases.purchase_rate(events, end), observation_end=end,
    )


