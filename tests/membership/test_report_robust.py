"""Robust-effect report pieces: the sensitivity in words, the design rows, the recorded keys,
and the breakdown on panels with and without a pre-join trend."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers.membership import report_robust, robust
from helpers.membership.event_study import event_study
from helpers.membership.load import PanelData, check_panel
from helpers.membership.robust import Sensitivity
from helpers.membership.simulate import simulate_panel
from helpers.results import KEY_PATTERN


@pytest.fixture(scope="module")
def worlds():
    """Two 1,500 x 12 panels, one where joiners' orders grow 3%/month before (and after) joining."""
    out = {}
    for name, kw in {"clean": {}, "trend": {"joiner_trend": 0.03}}.items():
        raw = simulate_panel(n_customers=1500, n_months=12, min_pre_months=4, seed=5, **kw)
        p = check_panel(raw)
        data = PanelData(p, True, 2.0, "sim", raw.attrs["ratio_at_tenure"])
        w = robust.customer_weights(p, 99, 0)
        orders = robust.robust_effect(p, weights=w)
        spend = robust.robust_effect(p, "spend", weights=w)
        study = event_study(p, leads=3, lags=4)
        out[name] = (data, study, orders, spend, robust.breakdown_relative_magnitude(study, orders))
    return out


def test_breakdown_is_the_margin_over_the_accumulated_drift(worlds):
    # By definition, recomputed from the fitted pieces: M* = log(low) / (max step * horizon).
    _, study, orders, _, s = worlds["clean"]
    pre = study.terms.loc[study.terms.index < study.reference, "log"].tolist() + [0.0]
    assert s.max_pre_step == pytest.approx(max(abs(b - a) for a, b in zip(pre[:-1], pre[1:],
                                                                         strict=True)))
    w = orders.event_weights
    assert s.horizon == pytest.approx(sum(w[k] * (k - study.reference) for k in w.index))
    assert s.conclusion == "effect > 1"
    assert s.breakdown == pytest.approx(np.log(orders.low) / (s.max_pre_step * s.horizon))


def test_a_pre_join_trend_shrinks_the_breakdown(worlds):
    # joiners already growing 3%/month before joining: the leads step more, so a smaller
    # multiple of that step overturns the same-sized effect
    clean, trend = worlds["clean"][4], worlds["trend"][4]
    assert trend.max_pre_step > clean.max_pre_step
    assert trend.breakdown < clean.breakdown


def test_interval_covering_one_needs_no_violation():
    study = SimpleNamespace(reference=-1, terms=pd.DataFrame({"log": [0.02]}, index=[-2]))
    eff = SimpleNamespace(low=0.9, high=1.2, event_weights=pd.Series([1.0], index=[1]))
    s = robust.breakdown_relative_magnitude(study, eff)
    assert (s.breakdown, s.conclusion) == (0.0, "none")
    assert "already includes no effect" in report_robust.sensitivity_sentence(s)
    # an effect below 1: the margin is -log(high); steps 0.02, horizon 1 * (1 - -1) = 2
    eff = SimpleNamespace(low=0.5, high=float(np.exp(-0.08)), event_weights=eff.event_weights)
    s = robust.breakdown_relative_magnitude(study, eff)
    assert s.conclusion == "effect < 1" and s.breakdown == pytest.approx(0.08 / (0.02 * 2))


@pytest.mark.parametrize("s, words", [
    (Sensitivity(2.04, 0.031, 3.5, "effect > 1"), ["**2.0 times**", "3.1 log points", "3.5 months",
                                                   "ratio > 1", "not as a gate"]),
    (Sensitivity(float("inf"), 0.0, 3.5, "effect > 1"), ["any size"]),
    (Sensitivity(float("nan"), float("nan"), 3.5, "effect > 1"), ["cannot be measured"]),
])
def test_sensitivity_sentence(s, words):
    text = report_robust.sensitivity_sentence(s)
    for w in words:
        assert w in text, (w, text)
    assert "nan" not in text and "inf" not in text


def test_results_keys_are_valid_and_finite(worlds):
    data, _, orders, spend, s = worlds["clean"]
    out = report_robust.robust_results(orders, spend, s, data)
    assert all(KEY_PATTERN.match(k) for k in out)
    cohorts = {k: v for k, v in out.items() if k.startswith("robust.by_cohort.")}
    assert len(cohorts) == len(orders.by_cohort)
    assert "robust.by_cohort.2024_05" in cohorts  # the first join month of this panel
    assert out["robust.rate_ratio_low"] < out["robust.rate_ratio"] < out["robust.rate_ratio_high"]
    assert out["robust.true_rate_ratio"] == pytest.approx(report_robust.robust_truth(orders, data))
    # no leads' step (a flat pre-period) makes the breakdown infinite: recorded as None
    flat = Sensitivity(float("inf"), 0.0, s.horizon, s.conclusion)
    assert report_robust.robust_results(orders, spend, flat, data)["sensitivity.breakdown"] is None


def test_design_rows_name_no_gate_and_show_coverage(worlds):
    data, _, orders, _, _ = worlds["clean"]
    rows = report_robust.design_rows(orders, data)
    assert rows["pre-trend test"].iloc[0] == "not a gate: sensitivity below"
    assert rows["covers truth"].iloc[0] == orders.covers(report_robust.robust_truth(orders, data))
    real = PanelData(data.panel, False, None, "csv", None)
    assert len(report_robust.design_rows(orders, real)) == 1  # no truth row on real data


def test_cohort_truth_in_a_world_where_early_joiners_gain_more():
    # log effect falls 0.05 per month a cohort joins later, centred on the middle join month:
    # each cohort's planted ratio is 2 exp(-0.05 (j - middle)), so the table's column falls too
    raw = simulate_panel(n_customers=1500, n_months=12, min_pre_months=4, seed=5,
                         cohort_effect_slope=0.05)
    p = check_panel(raw)
    data = PanelData(p, True, 2.0, "sim", raw.attrs["ratio_at_tenure"])
    eff = robust.robust_effect(p, weights=robust.customer_weights(p, 99, 0))
    truth = report_robust.cohort_truth(eff, data)
    middle = (4 + 11) / 2
    # joins in months 4..11 (0-based); the join month has its own term, so the last cohort
    # (December) has no member month to measure: cohorts May..November
    expected = [2.0 * np.exp(-0.05 * (j - middle)) for j in range(4, 11)]
    assert truth.tolist() == pytest.approx(expected)
    assert truth.index.tolist() == [f"2024-{m:02d}" for m in range(5, 12)]
    # the overall truth is the cells' counterfactual-weighted mean of the cohorts' effects
    w = eff.cell_weights.groupby(level="cohort").sum()
    assert report_robust.robust_truth(eff, data) == pytest.approx(float((w * truth).sum()))
    html = report_robust.cohort_view(eff, data).to_html()
    assert "planted" in html and "covers" in html
