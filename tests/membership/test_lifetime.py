"""CLV inputs from the panel, members vs non-members, and the CDNOW check (published figures)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.membership import lifetime


def test_monthly_rate_by_hand():
    assert lifetime.monthly_rate(0.10) == pytest.approx(1.1 ** (1 / 12) - 1)
    with pytest.raises(ValueError, match=r"annual_rate = 1.0 must be in \[0, 1\)"):
        lifetime.monthly_rate(1.0)


def test_panel_purchases_and_status(tiny):
    buys = lifetime.panel_purchases(tiny)
    assert len(buys) == 12 and buys["amount"].sum() == tiny["spend"].sum()
    assert lifetime.status_at_end(tiny).to_dict() == {"CUST-A": "member", "CUST-B": "member",
                                                      "CUST-C": "non_member", "CUST-D": "non_member"}


def test_clv_by_status_by_hand():
    # members a, b: CLV 100, 300 -> mean 200; non-members c, d: 40, 60 -> mean 50; ratio 4
    clv = pd.Series([100.0, 300.0, 40.0, 60.0], index=list("abcd"))
    status = pd.Series(["member", "member", "non_member", "non_member"], index=list("abcd"))
    table = lifetime.clv_by_status(clv, status)
    assert table["mean_clv"].tolist() == [200.0, 50.0]
    assert table.loc["member", "vs_non_member"] == 4.0
    with pytest.raises(ValueError, match="no non_member customers"):
        lifetime.clv_by_status(clv.iloc[:2], status.iloc[:2])


def test_cdnow_fits_reproduce_the_published_estimates():
    # Fader, Hardie & Lee (2005) section 4: r 0.243, alpha 4.414, a 0.793, b 2.426;
    # Fader & Hardie (2013): p 6.25, q 3.74, v 15.44 (CDNOW sample, 39-week calibration)
    check = lifetime.fit_cdnow("data/raw/CDNOW_sample.txt", "1997-09-30")
    assert len(check.summary) == 2357
    assert check.table["difference"].abs().max() < 0.006
    assert check.bgnbd.converged and check.gamma_gamma.converged


def test_compare_to_published_refuses_unknown_model():
    with pytest.raises(ValueError, match=r"model = 'pareto'; choose one of \['bgnbd', 'gg'\]"):
        lifetime.compare_to_published({}, "pareto")
