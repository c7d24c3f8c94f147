"""Event study: the Poisson fixed-effects fit by hand and against pyfixest, the planted truth,
the pre-trend test on the violations of issue 15, join-month handling and membership spells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.membership import event_study as es
from helpers.membership.load import check_panel
from helpers.membership.simulate import simulate_panel


def test_poisson_fe_two_by_two_by_hand():
    # customer 0: 1 then 3 orders, customer 1: 2 then 6; x = 1 in the second month.
    # With customer effects the ratio is the within-customer ratio, (3 + 6) / (1 + 2) = 3.
    fit = es.poisson_fe(np.array([1, 3, 2, 6]), np.array([[0.0], [1.0], [0.0], [1.0]]),
                        np.array([0, 0, 1, 1]))
    assert np.exp(fit.beta[0]) == pytest.approx(3.0)
    assert fit.scores.sum(axis=0) == pytest.approx([0.0], abs=1e-9)  # first-order condition


def test_poisson_fe_drops_customers_without_orders():
    y = np.array([1, 3, 0, 0])
    X = np.array([[0.0], [1.0], [0.0], [1.0]])
    fit = es.poisson_fe(y, X, np.array([0, 0, 1, 1]))
    assert fit.n_used == 1 and np.exp(fit.beta[0]) == pytest.approx(3.0)


def test_poisson_fe_refuses_negative_outcomes():
    with pytest.raises(ValueError, match="y must be finite and >= 0"):
        es.poisson_fe(np.array([-1.0, 2.0]), np.ones((2, 1)), np.array([0, 0]))


def test_event_labels():
    assert [es.event_label(k, 5, 12) for k in (-7, -5, -2, 0, 12, 15)] == [
        "-5 or earlier", "-5 or earlier", "-2", "0", "12 or later", "12 or later"]


@pytest.fixture(scope="module")
def small_panel():
    return check_panel(simulate_panel(n_customers=1500, n_months=12, min_pre_months=4, seed=5))


@pytest.mark.slow
def test_coefficients_equal_pyfixest_fepois(small_panel):
    pf = pytest.importorskip("pyfixest")
    rows, X, terms, names, codes = es.design(small_panel, leads=3, lags=4)
    ours = es.poisson_fe(rows["orders"].to_numpy(float), X, codes)
    frame = pd.DataFrame(X[:, :len(terms)], columns=[f"e{i}" for i in range(len(terms))])
    frame["y"], frame["c"], frame["t"] = rows["orders"].to_numpy(), codes, rows["month"].to_numpy()
    fit = pf.fepois("y ~ " + " + ".join(frame.columns[:len(terms)]) + " | c + t", data=frame,
                    vcov={"CRV1": "c"})
    assert ours.beta[:len(terms)] == pytest.approx(fit.coef().to_numpy(), abs=1e-6)
    assert np.sqrt(np.diag(ours.vcov))[:len(terms)] == pytest.approx(fit.se().to_numpy(), rel=0.02)


def test_default_world_covers_truth_and_passes_the_lead_test(default_panel):
    study = es.event_study(default_panel)
    assert study.covers(2.0) and not study.flags_pretrend()
    assert list(study.terms.index) == [-5, -4, -3, -2] + list(range(13))
    assert study.weights.sum() == pytest.approx(1.0) and study.weights[study.terms.index.get_loc(0)] == 0


def _study(**world):
    raw = simulate_panel(seed=7, **world)
    return raw, check_panel(raw)


def test_joiner_trend_is_flagged():
    _raw, p = _study(joiner_trend=0.02)
    study = es.event_study(p)
    assert study.flags_pretrend() and study.pretrend_p < 1e-6


def test_pre_join_spike_is_flagged_and_anticipation_repairs_it():
    _raw, p = _study(pre_join_spike=1.5)
    assert es.event_study(p).flags_pretrend()
    repaired = es.event_study(p, anticipation=2)
    assert repaired.reference == -3 and repaired.covers(2.0) and not repaired.flags_pretrend()


def test_join_at_checkout_own_term_covers_post_is_pulled_up():
    _raw, p = _study(join_month_boost=1.5)
    own = es.event_study(p, join_month="own")
    post = es.event_study(p, join_month="post")
    dropped = es.event_study(p, join_month="exclude")
    assert own.covers(2.0) and dropped.covers(2.0)
    assert post.rate_ratio > own.rate_ratio
    assert own.terms.loc[0, "ratio"] == pytest.approx(3.0, rel=0.06)  # 2 x 1.5 in the join month
    assert 0 not in dropped.terms.index


def test_tenure_growth_summary_is_the_stated_aggregation():
    raw, p = _study(tenure_effect_growth=0.03)
    study = es.event_study(p)
    truth = es.aggregate_truth(study, raw.attrs["ratio_at_tenure"])
    assert truth > 2.2 and study.covers(truth)
    assert study.terms.loc[11, "ratio"] > study.terms.loc[1, "ratio"]


def test_cancellations_get_their_own_term():
    _raw, p = _study(cancel_rate=0.05)
    assert "leave_month" in p.columns and (p["join_month"].notna() & ~p["member"]
                                           & (p["month"] >= p["join_month"])).any()
    study = es.event_study(p)
    rows, X, terms, names, codes = es.design(p, leads=5, lags=12)
    assert "left" in names
    assert study.covers(2.0)


@pytest.mark.parametrize("kwargs, match", [
    ({"leads": 1}, r"leads = 1 must be at least 2 \+ anticipation \(2\)"),
    ({"leads": 3, "anticipation": 2}, r"leads = 3 must be at least 2 \+ anticipation \(4\)"),
    ({"lags": 0}, r"lags = 0 must be >= 1"),
    ({"join_month": "pre"}, r"join_month = 'pre'; choose one of \('own', 'post', 'exclude'\)"),
    ({"outcome": "visits"}, r"outcome = 'visits'; choose 'orders' or 'spend'"),
    ({"conf_level": 1.0}, r"conf_level = 1.0 must be in \(0.5, 1\)"),
    ({"lags": 30}, r"no joiner-months at event time\(s\) \[-5, -4, -3, -2, 2, 3, 4, 5, \.\.\.\]"),
])
def test_bad_arguments(tiny, kwargs, match):
    with pytest.raises(ValueError, match=match):
        es.event_study(tiny, **kwargs)
