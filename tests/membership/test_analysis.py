"""The pipeline of notebook 04 (helpers/membership/analysis.py).

Checked against the estimators called one by one: the pipeline must pass each of them the run's
parameters, share one set of bootstrap weights, and record each issue's keys exactly once.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from helpers.membership import analysis, effect, event_study, load, retention, robust, value
from helpers.membership.params import Params


@pytest.fixture(scope="module")
def run():
    # Small but complete: 800 customers, 59 bootstrap draws, non-default join month and level so
    # that a parameter the pipeline forgot to pass would change the numbers.
    p = Params(n_customers=800, n_months=18, n_boot=59, seed=11, join_month="exclude",
               conf_level=0.9, fee_krw=9000.0, gross_margin=0.3, veteran_months=9,
               event_lags=8)
    return p, analysis.analyse(p, load.load_or_simulate(p))


def test_each_estimate_is_the_estimator_called_with_the_run_parameters(run):
    p, a = run
    panel = a.panel
    adjusted = effect.adjusted_rate_ratio(panel, conf_level=0.9)
    assert a.adjusted == adjusted
    es = event_study.event_study(panel, "orders", leads=p.event_leads, lags=8,
                                 join_month="exclude", anticipation=0, conf_level=0.9)
    assert (a.orders_es.rate_ratio, a.orders_es.low, a.orders_es.high) == pytest.approx(
        (es.rate_ratio, es.low, es.high), rel=1e-12)
    assert a.orders_es.pretrend_p == pytest.approx(es.pretrend_p, rel=1e-9)
    w = robust.customer_weights(panel, 59, 11)
    np.testing.assert_array_equal(a.weights, w)
    spend = robust.robust_effect(panel, "spend", join_month="exclude", conf_level=0.9, weights=w)
    assert a.spend_rb.rate_ratio == pytest.approx(spend.rate_ratio, rel=1e-12)
    assert (a.spend_rb.low, a.spend_rb.high) == pytest.approx((spend.low, spend.high), rel=1e-12)
    assert a.orders_rb.outcome == "orders" and a.spend_rb.outcome == "spend"


def test_value_and_retention_share_the_bootstrap_weights(run):
    _, a = run
    worth, draws = value.value_from_robust(a.orders_rb, a.spend_rb, a.weights, fee=9000.0,
                                           gross_margin=0.3, benefit_cost_per_order=3000.0)
    assert a.worth == worth
    np.testing.assert_array_equal(a.draws, draws)
    kept = retention.fit_retention(a.panel, a.weights, conf_level=0.9)
    np.testing.assert_array_equal(a.kept.draws, kept.draws)
    life = retention.lifetime_of_a_member(kept, worth, horizon=24, annual_discount_rate=0.1)
    assert (a.member_life.value, a.member_life.low, a.member_life.high) == pytest.approx(
        (life.value, life.low, life.high), rel=1e-12)


def test_results_hold_the_issue_keys_once_and_finite(run):
    _, a = run
    r = analysis.results(a)
    for key in ("robust.rate_ratio", "robust.rate_ratio_low", "robust.spend_ratio_high",
                "sensitivity.breakdown", "value_per_member_month", "value_per_member_month_low",
                "retention.monthly", "member_lifetime_value_high", "gg.independence_corr",
                "adjusted_rate_ratio", "event_study.pretrend_p"):
        assert key in r, key
    assert r["robust.rate_ratio"] == a.orders_rb.rate_ratio
    assert r["value_per_member_month"] == a.worth.value
    floats = [v for v in r.values() if isinstance(v, float)]
    assert np.isfinite(floats).all()


def test_checks_fail_on_a_value_outside_its_interval(run):
    _, a = run
    assert all(analysis.checks(a).values())
    broken = dataclasses.replace(a, worth=dataclasses.replace(a.worth, value=a.worth.value_high + 1))
    assert analysis.checks(broken)["value interval contains its estimate"] is False
