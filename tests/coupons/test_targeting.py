"""Targeting helpers: Qini against scikit-uplift, DR scores and the policy by hand, bad inputs, the list file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklift.metrics import qini_curve as sklift_qini_curve

from helpers.contracts import DataContractError, ParameterError
from helpers.coupons.features import Features
from helpers.coupons.params import Params, check_output_path
from helpers.coupons.targeting import (
    CrossFit,
    _top,
    choose_share,
    cross_fit,
    dr_scores,
    qini_area,
    qini_curve,
    reselected_policy_draws,
    targeting_list,
    uplift_data,
)


def _binary(seed: int, n: int = 2000, ties: bool = False):
    rng = np.random.default_rng(seed)
    t = (rng.random(n) < 0.7).astype(int)
    x = rng.random(n)
    y = (rng.random(n) < 0.1 + 0.2 * x * t).astype(int)
    tau = np.round(x + rng.normal(0, 0.3, n), 1 if ties else 12)
    return y, tau, t


@pytest.mark.parametrize("ties", [False, True])
def test_qini_curve_equals_scikit_uplift(ties) -> None:
    """sklift.metrics.qini_curve (binary outcomes only) is an independent implementation: equal to 1e-9."""
    y, tau, t = _binary(3, ties=ties)
    n, q = qini_curve(y, tau, t)
    n_ref, q_ref = sklift_qini_curve(y, tau, t)
    np.testing.assert_allclose(n, n_ref, atol=0)
    np.testing.assert_allclose(q, q_ref, rtol=1e-9, atol=1e-9)
    x = n_ref / n_ref[-1]
    assert qini_area(y, tau, t) == pytest.approx(np.trapezoid(q_ref - x * q_ref[-1], x), rel=1e-9)


def test_qini_area_by_hand_and_random_ranking_is_near_zero() -> None:
    # ranks a(T, 1) b(C, 0) c(T, 1) d(C, 0): Q = 0, 1, 1, 2, 2 at k = 0..4 (no holdout yet at k = 1: Y_T only);
    # random line 0, .5, 1, 1.5, 2; differences 0, .5, 0, .5, 0 -> trapezoids of width 1/4: 4 x 0.0625 = 0.25
    y, tau, t = np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.9, 0.5, 0.4, 0.1]), np.array([1, 0, 1, 0])
    assert qini_curve(y, tau, t)[1].tolist() == [0.0, 1.0, 1.0, 2.0, 2.0]
    assert qini_area(y, tau, t) == pytest.approx(0.25)
    y, tau, t = _binary(4, n=6000)
    rng = np.random.default_rng(0)
    assert abs(qini_area(y, rng.random(6000), t)) < abs(qini_area(y, tau, t))


def test_dr_scores_and_share_choice_by_hand() -> None:
    g = dr_scores(np.array([5.0, 3.0, 4.0]), np.array([1, 0, 1]), np.array([1.0, 1.0, 1.0]),
                  np.array([2.0, 2.0, 2.0]), 0.5)
    # 1 + (5-2)/0.5 = 7; 1 - (3-1)/0.5 = -3; 1 + (4-2)/0.5 = 5
    assert g.tolist() == [7.0, -3.0, 5.0]
    share, curve = choose_share(np.array([3.0, 1.0, 2.0]), g, (0.0, 1 / 3, 2 / 3, 1.0))
    assert curve.tolist() == [0.0, 7.0, 12.0, 9.0] and share == pytest.approx(2 / 3)
    assert _top(np.array([1.0, 3.0, 2.0]), 1 / 3).tolist() == [False, True, False]


def _features(n: int, missing: bool = False) -> tuple[Features, pd.DataFrame]:
    rng = np.random.default_rng(1)
    ids = [f"c{i}" for i in range(n)]
    group = np.where(np.arange(n) % 4 == 0, "holdout", "targeted")
    spend = rng.random(n)
    if missing:
        spend[[3, 7]] = np.nan
    f = Features(pd.DataFrame({"customer_id": ids, "group": group, "spend": spend}), ("spend",))
    return f, pd.DataFrame({"customer_id": ids, "group": group, "profit_net": rng.normal(size=n)})


def test_reselected_policy_draws_choose_each_folds_share_again_by_hand() -> None:
    # 4 customers, folds [0, 0, 1, 1], shares 0 / 50% / 100%. Fold 0's share is chosen on fold 1's inner
    # scores (tau 2, 1; Gamma 3, -2) and fold 1's on fold 0's (tau 2, 1; Gamma 5, -1): both pick 50%,
    # so the policy sends customers 0 and 2, worth 5 + 3 = 8.
    cf = CrossFit(data=None, learner="t_learner", folds=np.array([0, 0, 1, 1]),
                  tau={"t_learner": np.array([2.0, 1.0, 2.0, 1.0])}, gamma=np.array([5.0, -1.0, 3.0, -2.0]),
                  policy=np.array([True, False, True, False]), fold_shares=[0.5, 0.5],
                  inner=[(np.array([2, 3]), np.array([2.0, 1.0]), np.array([3.0, -2.0])),
                         (np.array([0, 1]), np.array([2.0, 1.0]), np.array([5.0, -1.0]))],
                  shares=(0.0, 0.5, 1.0))
    w = np.array([[1, 1, 1, 1],   # the sample itself: the same choice, 8
                  [1, 1, 0, 3],   # fold 0's inner curve 0 / 0 / -6: ties go to the smaller share, 0 -> 0 + 0
                  [2, 0, 1, 1]], dtype=float)  # both keep 50%: 2 x 5 + 1 x 3 = 13
    assert reselected_policy_draws(cf, w).tolist() == [8.0, 0.0, 13.0]
    assert (w @ (cf.policy * cf.gamma)).tolist() == [8.0, 5.0, 13.0]  # held fixed, draw 2 would keep customer 0


def test_missing_features_are_refused_naming_column_and_customers() -> None:
    with pytest.raises(DataContractError, match=r"column 'spend' is missing or not finite for 2 customer\(s\) "
                                                r"\(first: \['c3', 'c7'\]\)"):
        uplift_data(*_features(400, missing=True))


def test_the_interval_re_chooses_among_the_shares_the_cross_fit_used_not_the_evaluations() -> None:
    from helpers.coupons.targeting import evaluate

    data = uplift_data(*_features(400))
    cf = cross_fit(data, learner="t_learner", folds=2, shares=(0.5,), compare=False)
    assert cf.shares == (0.5,) and cf.fold_shares == [0.5, 0.5]
    w = np.random.default_rng(1).multinomial(400, np.full(400, 1 / 400), size=50).astype(float)
    # one candidate: every draw keeps it, so the draws are the held-fixed policy's exactly
    np.testing.assert_allclose(reselected_policy_draws(cf, w), w @ (cf.policy * cf.gamma), rtol=1e-12)
    ev = evaluate(cf, n_boot=50, seed=1)  # the curve's default shares do not leak into the policy's interval
    sd = np.std(np.random.default_rng(1).multinomial(400, np.full(400, 1 / 400), size=50) @ (cf.policy * cf.gamma),
                ddof=1)
    assert ev.values.loc["policy", "high"] - ev.values.loc["policy", "estimate"] == pytest.approx(1.959964 * sd)


def test_an_audience_too_small_for_the_folds_is_refused() -> None:
    data = uplift_data(*_features(400))  # 100 holdout: 5 folds need 150
    with pytest.raises(DataContractError, match=r"too few for 5 cross-fitting folds \(`uplift_folds`\)"):
        cross_fit(data, folds=5)
    with pytest.raises(ParameterError, match="'uplift_learner' = 'forest'"):
        cross_fit(data, learner="forest", folds=2)


def test_targeting_list_deciles_and_send() -> None:
    data = uplift_data(*_features(20))
    out = targeting_list(data, np.arange(20, dtype=float), 0.3)
    assert out["customer_id"].iloc[0] == "c19" and out["decile"].tolist() == [d for d in range(1, 11) for _ in (0, 1)]
    assert out["send"].sum() == 6 and out["send"].iloc[:6].all()


@pytest.mark.parametrize(("path", "match"), [
    ("reports/list.csv", "inside a reports folder"),
    ("/tmp/somewhere/reports/list.csv", "inside a reports folder"),
    ("/no/such/folder/list.csv", "folder '/no/such/folder' does not exist"),
    ("/proc/list.csv", "is not writable"),
])
def test_targeting_output_is_refused_in_reports_or_unwritable(path, match) -> None:
    with pytest.raises(ParameterError, match=f"'targeting_output' = '{path}'.*{match}"):
        check_output_path(path)
    with pytest.raises(ValueError, match="targeting_output"):
        Params.build({"targeting_output": path})


def test_targeting_output_elsewhere_is_accepted(tmp_path) -> None:
    assert check_output_path(tmp_path / "list.csv") == (tmp_path / "list.csv").resolve()
    assert Params.build({"targeting_output": str(tmp_path / "l.csv")}).targeting_output == str(tmp_path / "l.csv")
