"""The heterogeneity-robust effect (ETWFE Poisson): a panel worked by hand, the cross-check
against diff-diff's Wooldridge Poisson, and interval coverage on the independent generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.membership import robust
from helpers.membership.load import check_panel
from helpers.membership.value import value_from_robust


def _w(panel, n=50, seed=0):
    return robust.customer_weights(panel, n, seed)


def test_tiny_panel_by_hand(tiny):
    # Never-joined C+D order 3, 2, 3 (Jan, Feb, Mar): the month effects are 1 : 2/3 : 1.
    # The Feb cohort (A+B) ordered 2 in January, so without membership it would order
    # 2 * 2/3 = 4/3 in February and 2 in March; it ordered 5 and 5.
    post = robust.robust_effect(tiny, join_month="post", weights=_w(tiny))
    assert post.rate_ratio == pytest.approx(10 / (4 / 3 + 2))  # 3.0
    assert post.by_event["ratio"].tolist() == pytest.approx([5 / (4 / 3), 5 / 2])
    own = robust.robust_effect(tiny, weights=_w(tiny))  # the join month left out: March only
    assert own.rate_ratio == pytest.approx(2.5)
    assert own.by_cohort.index.tolist() == ["2024-02"]
    # spend: C+D 30,000 / 20,000 / 30,000 KRW; the cohort spent 20,000 in January, 75,000 in March
    spend = robust.robust_effect(tiny, "spend", weights=_w(tiny))
    assert spend.rate_ratio == pytest.approx(75000 / 20000)


def test_counterfactual_weights_sum_to_one(default_panel):
    r = robust.robust_effect(default_panel, weights=_w(default_panel, 60, 1))
    assert r.event_weights.sum() == pytest.approx(1.0)
    assert r.low < r.rate_ratio < r.high
    assert (r.by_event["band_low"] <= r.by_event["low"]).all()  # the uniform band is wider
    assert r.by_event.index.min() == 1 and r.first_post == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"outcome": "basket"}, "outcome = 'basket'"),
    ({"join_month": "first"}, "join_month = 'first'"),
    ({"anticipation": -1}, "anticipation = -1"),
    ({"conf_level": 0.3}, "conf_level = 0.3"),
])
def test_bad_arguments_name_the_parameter(tiny, kwargs, message):
    with pytest.raises(ValueError, match=message):
        robust.robust_effect(tiny, weights=_w(tiny), **kwargs)


def test_no_members_and_bad_weights(tiny):
    nobody = tiny.assign(member=False, join_month=pd.NaT)
    with pytest.raises(ValueError, match="no member month"):
        robust.robust_effect(nobody, weights=_w(tiny))
    with pytest.raises(ValueError, match="weights has 3 columns for 4 customers"):
        robust.robust_effect(tiny, weights=np.ones((50, 3)))
    with pytest.raises(ValueError, match="n_boot = 10"):
        robust.customer_weights(tiny, 10, 0)


@pytest.mark.slow
def test_cells_equal_diff_diff_wooldridge_poisson(world):
    # diff-diff fits pooled Poisson with cohort and month dummies (Stata jwdid); on a balanced
    # panel it has the same cell effects as the customer fixed-effects fit (Wooldridge 2023), so
    # the level effects E[mu1 - mu0] per cohort and overall agree. Tolerance: 1e-6 relative
    # (two Newton/IRLS solvers stopped at their own tolerances).
    dd = pytest.importorskip("diff_diff")
    frame = world.world(n=1200, months=14, first_join=4, seed=3, cohort_slope=0.04, trend=0.01,
                        season=0.2)
    panel = check_panel(world.contract_columns(frame))
    ours = robust.robust_effect(panel, join_month="post", weights=_w(panel))
    t = panel["month"].dt.year * 12 + panel["month"].dt.month
    g = (panel["join_month"].dt.year * 12 + panel["join_month"].dt.month).fillna(0).astype(int)
    data = panel.assign(t=t, g=g)
    res = dd.WooldridgeDiD(method="poisson").fit(data, outcome="orders", unit="customer_id",
                                                 time="t", first_treat="g")
    res.aggregate("group")
    members = panel["member"].to_numpy()
    ybar = panel.loc[members, "orders"].mean()
    assert res.overall_att == pytest.approx(ybar * (1 - 1 / ours.rate_ratio), rel=1e-6)
    by_g = panel.loc[members].groupby(g[members])["orders"].mean()
    for (code, mean), (label, row) in zip(by_g.items(), ours.by_cohort.iterrows(), strict=True):
        assert label == f"{(code - 1) // 12}-{(code - 1) % 12 + 1:02d}"
        att = res.group_effects[code]["att"]
        assert att == pytest.approx(mean * (1 - 1 / row["ratio"]), rel=1e-6)


WORLDS = {
    # early joiners gain more (log effect falls 0.04 a month of joining), no pre-trend
    "cohort": dict(cohort_slope=0.04),
    # common trend +2%/month and seasonality +-25%
    "calendar": dict(trend=0.02, season=0.25),
    # one month of anticipation (+30%) and 6% monthly cancellations, estimated with anticipation=1
    "anticipation_cancel": dict(anticipation=1, anticipation_factor=1.3, cancel=0.06,
                                tenure_slope=0.02),
}
N_SEEDS = 40
# the notebook's defaults: 25% margin, 3,000 KRW of benefits per member order, 7,890 KRW fee
VALUE = dict(fee=7890.0, gross_margin=0.25, benefit_cost_per_order=3000.0)
TRUE_VALUE = dict(fee=7890.0, gross_margin=0.25, benefit_cost=3000.0)


@pytest.mark.study
@pytest.mark.parametrize("name", list(WORLDS))
def test_interval_covers_ratio_of_totals_truth(world, name):
    # 40 seeds, 1,500 customers x 16 months, 199 bootstrap draws. At 95% nominal the count of
    # misses is Binomial(40, 0.05): mean 2, P(>= 7 misses) = 0.001, so coverage >= 33/40 (82.5%)
    # passes a correct interval and fails one that covers at 80% or less about half the time.
    # Measured (2026-12-05): cohort 40/40, calendar 39/40 (spend 37/40), anticipation_cancel 40/40;
    # mean log error of the point estimate 0.002, 0.002, -0.003.
    kwargs = WORLDS[name]
    ant = kwargs.get("anticipation", 0)
    hits, hits_spend, hits_value = 0, 0, 0
    for seed in range(N_SEEDS):
        frame = world.world(n=1500, months=16, first_join=4, seed=100 + seed, **kwargs)
        panel = check_panel(world.contract_columns(frame))
        w = robust.customer_weights(panel, 199, seed)
        r = robust.robust_effect(panel, anticipation=ant, weights=w)
        hits += r.covers(world.truth(frame))
        if name == "calendar":
            s = robust.robust_effect(panel, "spend", anticipation=ant, weights=w)
            hits_spend += s.covers(world.truth(frame, outcome="spend"))
            v, _ = value_from_robust(r, s, w, **VALUE)
            hits_value += v.value_low <= world.value_truth(frame, **TRUE_VALUE) <= v.value_high
    assert hits >= 33, f"{name}: orders interval covered {hits}/{N_SEEDS}"
    if name == "calendar":
        assert hits_spend >= 33, f"{name}: spend interval covered {hits_spend}/{N_SEEDS}"
        assert hits_value >= 33, f"{name}: value interval covered {hits_value}/{N_SEEDS}"


@pytest.mark.slow
def test_negative_control_within_customer_ratio_misses_in_the_calendar_world(world):
    # The within-customer before/after ratio without month effects misses the truth in a world
    # with a trend and seasonality: the coverage test above can fail.
    from helpers.membership.effect import adjusted_rate_ratio

    hits, logs, hits_cal = 0, [], 0
    for seed in range(6):  # the reviewer's size: 4,000 customers x 24 months
        frame = world.world(n=4000, months=24, first_join=6, seed=seed, **WORLDS["calendar"])
        panel = check_panel(world.contract_columns(frame))
        hits += adjusted_rate_ratio(panel, calendar=False).covers(world.truth(frame))
        cal = adjusted_rate_ratio(panel)  # calendar-adjusted
        logs.append(np.log(cal.estimate / world.truth(frame)))
        hits_cal += cal.covers(world.truth(frame))
    # Measured (seeds 0-5): descriptive 1.71-1.86, covers 0/6; calendar-adjusted 1.93-2.08,
    # mean log error -0.003, covers 4/6. Its HC0 interval ignores the estimated month levels,
    # so it is somewhat too narrow: the test asks for no bias, not for per-seed coverage.
    assert hits <= 1
    assert abs(np.mean(logs)) < 0.02
    assert hits_cal >= 3


def test_a_cohort_without_orders_has_ratio_zero_and_no_interval(default_panel):
    # a small panel's last cohort can have no member-month order at all: its ratio is 0 (the
    # cell effects' limit), without an interval, and no warning reaches the report
    import warnings

    last = sorted(default_panel["join_month"].dropna().unique())[-2]  # the last with member months
    last = pd.Timestamp(last)
    quiet = default_panel.copy()
    quiet.loc[(quiet["join_month"] == last) & quiet["member"], ["orders", "spend"]] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = robust.robust_effect(quiet, weights=_w(quiet, 60, 2))
    row = r.by_cohort.loc[f"{last.year}-{last.month:02d}"]
    assert row["ratio"] == 0 and np.isnan(row["low"]) and np.isnan(row["high"])
    assert r.by_cohort.drop(row.name)[["low", "high"]].notna().all().all()
    assert r.low < r.rate_ratio < r.high
