"""Minimum detectable ROI difference and the holdout a chosen one needs, by hand; the reviewer's 30%-margin case."""

from __future__ import annotations

import math

import pytest

from helpers.contracts import ParameterError
from helpers.coupons.design import holdout_for_mde, mde_roi, scale_for_mde

Z = 1.959964 + 0.841621  # z_0.975 + z_0.8


def test_mde_by_hand() -> None:
    # sd 100 both groups, 10,000 targeted, 2,500 held out, cost 1e6: se = 0.01 x sqrt(1 + 4)
    assert mde_roi(100.0, 100.0, 10_000, 2_500, 1e6) == pytest.approx(Z * 0.01 * math.sqrt(5), rel=1e-6)
    # halving the level's strictness (90%) lowers it: z_0.95 = 1.644854
    assert mde_roi(100.0, 100.0, 10_000, 2_500, 1e6, confidence=0.9) == pytest.approx(
        (1.644854 + 0.841621) * 0.01 * math.sqrt(5), rel=1e-6)


def test_holdout_for_mde_inverts_mde() -> None:
    n_h = holdout_for_mde(100.0, 100.0, 10_000, 1e6, 0.1)
    assert mde_roi(100.0, 100.0, 10_000, int(n_h), 1e6) <= 0.1 < mde_roi(100.0, 100.0, 10_000, int(n_h) - 1, 1e6)
    assert math.isinf(holdout_for_mde(100.0, 100.0, 10_000, 1e6, 0.02))  # targeted noise alone 0.028 > 0.02


def test_the_reviewers_30pct_margin_case() -> None:
    """Shipped FEST-2026-03 at a 30% margin: net ROI 2.611 vs break-even 2.333 (a margin of 0.277).

    The old advice put that observed margin into a power formula and said no holdout would tell; the
    design's MDE is 1.888, and both groups x46 (same split) bring it down to the margin.
    Per-customer sds, group sizes and the coupon cost (32,075,000 KRW) as the review measures them.
    """
    sd_t, sd_h, n_t, n_h, cost = 112_217.15, 115_684.43, 8_965, 3_035, 32_075_000.0
    mde = mde_roi(sd_t, sd_h, n_t, n_h, cost)
    assert mde == pytest.approx(Z * n_t / cost * math.sqrt(sd_t ** 2 / n_t + sd_h ** 2 / n_h), rel=1e-6)
    assert mde == pytest.approx(1.888, abs=1e-3)
    assert math.isinf(holdout_for_mde(sd_t, sd_h, n_t, cost, 0.2773))  # no holdout alone suffices
    assert scale_for_mde(mde, 0.2773) == pytest.approx(46.4, abs=0.1)  # but both groups x46 would


@pytest.mark.parametrize(("call", "match"), [
    (lambda: mde_roi(1.0, 1.0, 1, 10, 1.0), "'n_targeted' = 1"),
    (lambda: mde_roi(1.0, 1.0, 10, 10, 0.0), "'coupon_cost' = 0.0"),
    (lambda: mde_roi(1.0, 1.0, 10, 10, 1.0, power=0.3), "'power' = 0.3"),
    (lambda: holdout_for_mde(1.0, 1.0, 10, 1.0, 0.0), "'mde' = 0.0"),
])
def test_bad_inputs_name_the_argument(call, match) -> None:
    with pytest.raises(ParameterError, match=match):
        call()
