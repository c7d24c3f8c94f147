"""Event-study report pieces: the verdict in words, the design table, the recorded keys."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.membership import figures, report_event
from helpers.membership.effect import RateRatio
from helpers.membership.event_study import event_study
from helpers.membership.load import PanelData, check_panel
from helpers.membership.simulate import simulate_panel


@pytest.fixture(scope="module")
def worlds():
    out = {}
    for name, kw in {"clean": {}, "trend": {"joiner_trend": 0.03}}.items():
        raw = simulate_panel(n_customers=1500, n_months=12, min_pre_months=4, seed=5, **kw)
        p = check_panel(raw)
        data = PanelData(p, True, 2.0, "sim", raw.attrs["ratio_at_tenure"])
        out[name] = (data, event_study(p, leads=3, lags=4))
    return out


def test_pretrend_words_follow_the_test(worlds):
    clean = report_event.pretrend_markdown(worlds["clean"][1])
    trend = report_event.pretrend_markdown(worlds["trend"][1])
    assert "No sign that joiners' orders were moving" in clean
    assert "already changing before they joined" in trend and "sensitivity below" in trend
    assert "not safe" not in trend  # no pass/fail gate on a pre-test (Roth 2022)
    p = worlds["trend"][1].pretrend_p
    shown = f"{p:.3f}" if p >= 0.001 else None  # 3 decimals, as tables.format_pvalue writes it
    assert (f"p = {shown}" in trend) if shown else ("×10" in trend and "e-" not in trend)


def test_design_table_puts_the_truth_beside_the_designs(worlds):
    data, study = worlds["clean"]
    adjusted = RateRatio(2.5, 2.4, 2.6, 0.95, 10, 5, "x")
    t = report_event.design_table(6.0, adjusted, study, data)
    assert t["ratio"].tolist()[:3] == [6.0, 2.5, study.rate_ratio]
    assert t["ratio"].iloc[3] == pytest.approx(2.0)  # constant planted effect
    assert t["covers truth"].tolist()[1:3] == [False, study.covers(2.0)]
    own = PanelData(data.panel, False, None, "file")
    assert len(report_event.design_table(6.0, adjusted, study, own)) == 3
    assert "no known truth" in report_event.design_bullets(study, own)


def test_event_results_keys(worlds):
    data, study = worlds["clean"]
    from helpers.membership import robust
    from helpers.membership.value import value_from_robust, value_per_member_month

    w = robust.customer_weights(data.panel, 60, 0)
    o = robust.robust_effect(data.panel, weights=w)
    s = robust.robust_effect(data.panel, "spend", weights=w)
    v, _ = value_from_robust(o, s, w, fee=0.0, gross_margin=0.2, benefit_cost_per_order=0.0)
    old = value_per_member_month(1.0, 1.0, 2.0, fee=0.0, gross_margin=0.2, benefit_cost_per_order=0.0)
    keys = report_event.event_results(study, v, data, old)
    assert {"event_study.lead.3", "event_study.lead.2", "event_study.lag.0", "event_study.lag.4",
            "event_study.pretrend_p", "spend_ratio_low", "breakeven_fee_high",
            "value_per_member_month_low", "event_study.true_rate_ratio"} <= set(keys)
    assert "event_study.lead.1" not in keys  # the reference month is fixed at 1
    assert keys["event_study.lag.0"] == pytest.approx(np.exp(study.terms.loc[0, "log"]))


def test_event_figure_title_states_the_verdict(worlds):
    data, study = worlds["trend"]
    fig = figures.figure_event_study(study, data)
    assert "orders were already moving before joining" in fig.axes[0].get_title(loc="left")
