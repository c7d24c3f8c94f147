"""Tests for helpers.btyd.clv: BG/NBD and Gamma-Gamma likelihoods, fits, expectations and CLV.

Reference values come from the published papers (cited per test) and, for the conditional
expectations and CLV, from the independent ``lifetimes`` 0.11.3 implementation (test-only
dependency; never imported by helpers or notebooks).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.btyd import clv
from helpers.btyd.cdnow import load_cdnow
from helpers.btyd.summary import summary_from_transactions
from helpers.config import RAW_DIR

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import lifetimes

LIFETIMES_DATA = Path(lifetimes.__file__).parent / "datasets"


@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    """lifetimes' shipped CDNOW-sample summary: 2,357 customers, weeks, calibration = 39 weeks."""
    return pd.read_csv(LIFETIMES_DATA / "cdnow_customers_summary.csv")


@pytest.fixture(scope="module")
def cdnow_spend() -> pd.DataFrame:
    """Same customers with x (repeat purchases) and zbar (mean repeat spend, USD)."""
    return pd.read_csv(LIFETIMES_DATA / "cdnow_customers_summary_with_transactions.csv")


# ---------------------------------------------------------------------------------------------
# Published estimates
# ---------------------------------------------------------------------------------------------

# Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2),
# section 4: BG/NBD on the 2,357-customer CDNOW sample, 39-week calibration, weeks:
# r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, log-likelihood = -9582.4.
# Tolerance: half a unit of the last published digit (the paper rounds to 3 decimals), i.e.
# 0.0005 on r, a, b and alpha; 0.05 on the log-likelihood.
FHL_2005 = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}

# Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (brucehardie.com/notes/025):
# the 946 repeat buyers of the same calibration period, p = 6.25, q = 3.74, gamma = 15.44.
# Tolerance: 0.005 on p and q (2 published decimals) and 0.01 on gamma (our optimum is
# 15.4437-15.4477 depending on the optimiser's stopping point; the note rounds to 15.44).
FH_2013 = {"p": 6.25, "q": 3.74, "v": 15.44}


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow_summary):
    fit = clv.fit_bgnbd(cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"])
    assert fit.converged, fit.message
    for name, published in FHL_2005.items():
        assert fit.params[name] == pytest.approx(published, abs=0.0005), name
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert fit.n_customers == 2357 and fit.n_repeat_buyers == 946


def test_gamma_gamma_reproduces_fader_hardie_2013(cdnow_spend):
    fit = clv.fit_gamma_gamma(cdnow_spend["x"], cdnow_spend["zbar"])
    assert fit.converged, fit.message
    assert fit.n_repeat_buyers == 946
    assert fit.params["p"] == pytest.approx(FH_2013["p"], abs=0.005)
    assert fit.params["q"] == pytest.approx(FH_2013["q"], abs=0.005)
    assert fit.params["v"] == pytest.approx(FH_2013["v"], abs=0.01)


def test_cdnow_sample_through_btyd_summary_reproduces_both_papers():
    """The notebook's path: raw CDNOW_sample.txt -> btyd summary (days / 7) -> fits."""
    tx = load_cdnow(RAW_DIR / "CDNOW_sample.txt")
    s = summary_from_transactions(tx, observation_end="1997-09-30", freq="D",
                                           freq_multiplier=7, after_end="drop")
    assert len(s) == 2357
    bg = clv.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    gg = clv.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    for name, published in FHL_2005.items():
        assert bg.params[name] == pytest.approx(published, abs=0.0005), name
    assert gg.params["p"] == pytest.approx(FH_2013["p"], abs=0.005)
    assert gg.params["q"] == pytest.approx(FH_2013["q"], abs=0.005)
    assert gg.params["v"] == pytest.approx(FH_2013["v"], abs=0.01)


# ---------------------------------------------------------------------------------------------
# Likelihoods by hand
# ---------------------------------------------------------------------------------------------


def test_bgnbd_log_likelihood_by_hand():
    # FHL (2005) eq. (6) with r=0.5, alpha=2, a=1.5, b=3 for
    #   customer 1: x=0, T=4      -> L = (alpha/(alpha+T))^r                      (B terms cancel)
    #   customer 2: x=2, t_x=3, T=5
    #     A1 = lnG(r+x) - lnG(r) + r ln(alpha); A2 = ln B(a, b+x) - ln B(a, b)
    #     L = exp(A1) * [B(a,b+x)/B(a,b) * (alpha+T)^-(r+x)
    #                    + B(a+1, b+x-1)/B(a,b) * (alpha+t_x)^-(r+x)]
    r, alpha, a, b = 0.5, 2.0, 1.5, 3.0
    lnB = lambda u, v: math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)  # noqa: E731
    l1 = math.log((alpha / (alpha + 4.0)) ** r)
    x, tx, T = 2, 3.0, 5.0
    a1 = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    alive = math.exp(lnB(a, b + x) - lnB(a, b)) * (alpha + T) ** -(r + x)
    dropped = math.exp(lnB(a + 1, b + x - 1) - lnB(a, b)) * (alpha + tx) ** -(r + x)
    l2 = a1 + math.log(alive + dropped)
    got = clv.bgnbd_log_likelihood({"r": r, "alpha": alpha, "a": a, "b": b}, [0, 2], [0.0, 3.0], [4.0, 5.0])
    assert got == pytest.approx([l1, l2], rel=1e-12)


def test_gamma_gamma_log_likelihood_by_hand():
    # Fader & Hardie (2013) eq. for p=2, q=3, v=4, x=2, m=5:
    #   f = G(px+q)/(G(px)G(q)) * v^q * m^(px-1) * x^(px) / (v + x m)^(px+q)
    #     = G(7)/(G(4)G(3)) * 4^3 * 5^3 * 2^4 / 14^7 = 720/(6*2) * 64 * 125 * 16 / 105413504
    expected = math.log(720 / 12 * 64 * 125 * 16 / 14**7)
    got = clv.gamma_gamma_log_likelihood({"p": 2.0, "q": 3.0, "v": 4.0}, [2], [5.0])
    assert got[0] == pytest.approx(expected, rel=1e-12)


def test_expected_spend_by_hand():
    # E[M] = p (v + x m) / (p x + q - 1): x=2, m=20 -> 2 (10 + 40) / (4 + 3 - 1) = 100/6;
    # x=0 -> population mean p v / (q - 1) = 2*10/2 = 10 (the monetary value is ignored)
    got = clv.expected_spend({"p": 2.0, "q": 3.0, "v": 10.0}, [2, 0], [20.0, 99.0])
    assert got == pytest.approx([100 / 6, 10.0])


# ---------------------------------------------------------------------------------------------
# Conditional expectations and CLV against lifetimes (independent implementation)
# ---------------------------------------------------------------------------------------------


def _lifetimes_models(bg: dict[str, float], gg: dict[str, float]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifetimes import BetaGeoFitter, GammaGammaFitter
    bgf, ggf = BetaGeoFitter(), GammaGammaFitter()
    bgf.params_ = pd.Series(bg)
    bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time  # set by fit() in lifetimes
    ggf.params_ = pd.Series({"p": gg["p"], "q": gg["q"], "v": gg["v"]})
    return bgf, ggf


def test_expected_purchases_matches_fhl_example_and_lifetimes(cdnow_summary):
    # FHL (2005) section 5: a customer with x=2, t_x=30.43, T=38.86 is expected to make 1.226
    # purchases in the next 39 weeks (published to 3 decimals).
    p = FHL_2005
    assert clv.expected_purchases(p, 39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=0.0005)
    bgf, _ = _lifetimes_models(p, FH_2013)
    head = cdnow_summary.head(13)
    ours = clv.expected_purchases(p, 10.0, head["frequency"], head["recency"], head["T"])
    theirs = bgf.conditional_expected_number_of_purchases_up_to_time(10.0, head["frequency"],
                                                                     head["recency"], head["T"])
    assert ours == pytest.approx(np.asarray(theirs), rel=1e-9)
    assert clv.expected_purchases(p, 0.0, [1], [2.0], [3.0])[0] == 0.0


def test_probability_alive_matches_lifetimes_and_by_hand(cdnow_summary):
    # x=2, t_x=30.43, T=38.86: 1 / (1 + a/(b+1) ((alpha+T)/(alpha+t_x))^(r+2))
    p = FHL_2005
    by_hand = 1 / (1 + p["a"] / (p["b"] + 1) * ((p["alpha"] + 38.86) / (p["alpha"] + 30.43)) ** (p["r"] + 2))
    assert clv.probability_alive(p, [2], [30.43], [38.86])[0] == pytest.approx(by_hand, rel=1e-12)
    bgf, _ = _lifetimes_models(p, FH_2013)
    s = cdnow_summary
    theirs = bgf.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
    ours = clv.probability_alive(p, s["frequency"], s["recency"], s["T"])
    assert ours == pytest.approx(np.asarray(theirs), rel=1e-9)
    assert (ours[s["frequency"].to_numpy() == 0] == 1).all()


def test_clv_matches_lifetimes_weekly_summary(cdnow_spend):
    # lifetimes' customer_lifetime_value with freq="W" steps 4.345 weeks per month and has no
    # margin: ours with periods_per_step=4.345 and margin=1 must agree.
    head = cdnow_spend.head(13).rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    bgf, ggf = _lifetimes_models(FHL_2005, FH_2013)
    theirs = ggf.customer_lifetime_value(bgf, head["frequency"], head["recency"], head["T"],
                                         head["monetary_value"], time=6, discount_rate=0.01, freq="W")
    ours = clv.customer_lifetime_value(FHL_2005, FH_2013, head, horizon=6, margin=1.0,
                                       discount_rate=0.01, periods_per_step=4.345)
    assert ours.to_numpy() == pytest.approx(theirs.to_numpy(), rel=1e-9)
    half = clv.customer_lifetime_value(FHL_2005, FH_2013, head, horizon=6, margin=0.5,
                                       discount_rate=0.01, periods_per_step=4.345)
    assert half.to_numpy() == pytest.approx(0.5 * theirs.to_numpy(), rel=1e-9)


def test_clv_one_step_by_hand():
    # horizon 1, margin m, discount d: CLV = m * E[M] * E[Y(1)] / (1 + d)
    s = pd.DataFrame({"frequency": [3.0], "recency": [5.0], "T": [6.0], "monetary_value": [20.0]})
    bg, gg = {"r": 1.0, "alpha": 2.0, "a": 0.5, "b": 3.0}, {"p": 2.0, "q": 3.0, "v": 10.0}
    ey = clv.expected_purchases(bg, 1.0, [3], [5.0], [6.0])[0]
    em = 2.0 * (10.0 + 3 * 20.0) / (2 * 3 + 3 - 1)  # = 20
    got = clv.customer_lifetime_value(bg, gg, s, horizon=1, margin=0.3, discount_rate=0.01)
    assert got.iloc[0] == pytest.approx(0.3 * em * ey / 1.01)


# ---------------------------------------------------------------------------------------------
# Bad input and flagged fits
# ---------------------------------------------------------------------------------------------

GOOD = {"frequency": [0, 1, 2, 0, 3, 1, 0], "recency": [0.0, 2.0, 5.0, 0.0, 7.0, 1.0, 0.0],
        "T": [8.0, 8.0, 8.0, 6.0, 9.0, 3.0, 2.0]}


@pytest.mark.parametrize("change, match", [
    ({"frequency": [-1, 1, 2, 0, 3, 1, 0]}, "frequency must be >= 0"),
    ({"frequency": [0, 1.5, 2, 0, 3, 1, 0]}, "whole number"),
    ({"recency": [0.0, 9.0, 5.0, 0.0, 7.0, 1.0, 0.0]}, "recency must be <= T"),
    ({"recency": [1.0, 2.0, 5.0, 0.0, 7.0, 1.0, 0.0]}, "recency must be 0 when frequency is 0"),
    ({"T": [8.0, 8.0, 8.0, -6.0, 9.0, 3.0, 2.0]}, r"T \(customer age\) must be >= 0"),
    ({"T": [8.0, 8.0]}, "same length"),
    ({"recency": [np.nan, 2.0, 5.0, 0.0, 7.0, 1.0, 0.0]}, "missing or infinite"),
])
def test_bgnbd_rejects_inconsistent_summary(change, match):
    data = {**GOOD, **change}
    with pytest.raises(ValueError, match=match):
        clv.fit_bgnbd(data["frequency"], data["recency"], data["T"], min_repeat_buyers=1)


def test_too_few_repeat_buyers_is_an_error_not_a_fit():
    # GOOD has 4 repeat buyers (frequency 1, 2, 3, 1)
    with pytest.raises(ValueError, match=r"too few repeat buyers to fit BG/NBD: 4 .* at least 10"):
        clv.fit_bgnbd(GOOD["frequency"], GOOD["recency"], GOOD["T"])
    with pytest.raises(ValueError, match=r"too few repeat buyers to fit Gamma-Gamma: 4 .* at least 5"):
        clv.fit_gamma_gamma(GOOD["frequency"], [0, 10.0, 12.0, 0, 9.0, 20.0, 0], min_repeat_buyers=5)


@pytest.mark.parametrize("frequency, spend, match", [
    ([1, 2, 1], [10.0, -5.0, 3.0], r"monetary_value must be > 0 .* values \[-5.0\]"),
    ([1, 2, 1], [10.0, 0.0, 3.0], "monetary_value must be > 0"),
    ([1, 2], [10.0, 3.0, 4.0], "same length"),
])
def test_gamma_gamma_rejects_bad_spend(frequency, spend, match):
    with pytest.raises(ValueError, match=match):
        clv.fit_gamma_gamma(frequency, spend, min_repeat_buyers=1)


def test_non_convergence_is_flagged_with_the_optimisers_message(cdnow_summary):
    fit = clv.fit_bgnbd(cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"],
                        maxiter=2)
    assert fit.converged is False
    assert "ITERATIONS REACHED LIMIT" in fit.message.upper()


def test_degenerate_data_give_a_flagged_fit_not_a_silent_one():
    # Everyone buys in every period up to the end (recency == T = frequency): no dropout and no
    # purchase-rate heterogeneity, so the parameters run off to infinity / zero. The fit must
    # say so (not converged, or parameters at the search bound) with the optimiser's message.
    freq = np.arange(2, 14)
    fit = clv.fit_bgnbd(freq, freq.astype(float), freq.astype(float))
    assert fit.params["a"] / (fit.params["a"] + fit.params["b"]) < 1e-4
    assert (not fit.converged) or fit.at_bound
    assert fit.message


@pytest.mark.parametrize("kwargs, match", [
    ({"horizon": 0}, "horizon"),
    ({"margin": 0.0}, "margin"),
    ({"discount_rate": 1.0}, "discount_rate"),
    ({"periods_per_step": 0.0}, "periods_per_step"),
])
def test_clv_rejects_bad_arguments(kwargs, match):
    s = pd.DataFrame({"frequency": [1.0], "recency": [1.0], "T": [2.0], "monetary_value": [5.0]})
    args = {"horizon": 3, "margin": 0.3, "discount_rate": 0.01, **kwargs}
    with pytest.raises(ValueError, match=match):
        clv.customer_lifetime_value(FHL_2005, FH_2013, s, **args)


def test_expected_spend_needs_q_above_one():
    with pytest.raises(ValueError, match="q = 0.9 must be > 1"):
        clv.expected_spend({"p": 1.0, "q": 0.9, "v": 1.0}, [1], [2.0])
