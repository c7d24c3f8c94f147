"""Net incremental effect over a campaign window and a post window, with CUPED on pre-period spend.

Pure functions; no plotting, no simulation. Around a campaign of days ``[start, end]`` the orders
cover a pre-period of ``pre_days`` before ``start`` and a post-period of ``post_days`` after
``end``. Coupons pull purchases forward (bought in the campaign instead of a week later), so the
in-window targeted-vs-holdout difference overstates the effect; the post-window difference is
then negative and the *net* effect is their sum. Pre-period spend of the same customers, which
the coupons cannot affect, is the covariate of the regression adjustment (CUPED: Deng, Xu, Kohavi
& Walker, 2013) that narrows the interval. All intervals come from one percentile bootstrap
(customers resampled within each group), so the probability that the net incremental ROI exceeds
break-even is read off the same draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import contracts
from helpers.contracts import DataContractError

#: Outcomes per customer estimated by :func:`incremental_effects` (paid and profit per window).
OUTCOMES = ("paid_in", "paid_post", "paid_net", "profit_net")


@dataclass(frozen=True)
class Windows:
    """The three periods around a campaign, as observed in the data.

    ``pre_days`` / ``post_days`` are the days the data cover (at most what was asked);
    ``notes`` says what was shortened or missing.
    """

    pre_start: pd.Timestamp
    start: pd.Timestamp
    end: pd.Timestamp
    post_end: pd.Timestamp
    pre_days: int
    post_days: int
    notes: tuple[str, ...] = ()


def observed_windows(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, pre_days: int,
                     post_days: int) -> Windows:
    """The pre and post periods the orders actually cover, at most ``pre_days`` / ``post_days``.

    A period is covered from the first (last) day with an order; shorter coverage than asked is a
    stated fallback (a note), never silent.

    Examples
    --------
    >>> od = pd.DataFrame({"ordered_at": pd.to_datetime(["2026-02-20 10:00", "2026-03-12 09:00"])})
    >>> w = observed_windows(od, pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-08"), 28, 14)
    >>> w.pre_days, w.post_days, len(w.notes)
    (10, 4, 2)
    """
    contracts.require_number("pre_days", pre_days, low=0, integer=True)
    contracts.require_number("post_days", post_days, low=0, integer=True)
    day = pd.Timedelta(days=1)
    first = orders["ordered_at"].min().normalize() if len(orders) else start
    last = orders["ordered_at"].max().normalize() if len(orders) else end
    pre = int(min(pre_days, max(0, (start - first) // day)))
    post = int(min(post_days, max(0, (last - end) // day)))
    notes = []
    if pre < pre_days:
        notes.append(f"the orders cover {pre} of the {pre_days} pre-period days asked (`pre_days`)"
                     + ("; no pre-period: CUPED is not applied" if pre == 0 else ""))
    if post < post_days:
        notes.append(f"the orders cover {post} of the {post_days} post-period days asked (`post_days`)"
                     + ("; no post window: the net effect equals the in-window effect and may overstate it "
                        "(pull-forward unobserved)" if post == 0 else ""))
    return Windows(start - pre * day, start, end, end + post * day, pre, post, tuple(notes))


def customer_windows(orders: pd.DataFrame, audience: pd.DataFrame, windows: Windows,
                     gross_margin: float) -> pd.DataFrame:
    """Paid amount and gross profit per audience customer in each period, and whether they bought.

    Parameters
    ----------
    orders : DataFrame
        Clean ``coupon_orders`` (only orders that stayed paid count).
    audience : DataFrame
        ``coupon_audience`` rows of one campaign; an optional bool column ``never_bought`` marks
        customers who had never bought before the campaign (else: no order in the pre-period).
    windows : Windows
        From :func:`observed_windows`.
    gross_margin : float
        Margin on gross amount, 0 < m < 1.

    Returns
    -------
    DataFrame
        One row per audience customer: ``customer_id, group, never_bought, pre_paid, paid_in,
        paid_post, paid_net, profit_in, profit_post, profit_net, bought`` (amounts in the orders'
        currency; ``bought`` = a paid order in the campaign or post window).

    Notes
    -----
    Per customer :math:`i` and period :math:`w`: :math:`y_{iw} = \\sum_{o \\in i, w} P_o`,
    :math:`\\pi_{iw} = \\sum_{o \\in i, w} (P_o - (1 - m) G_o)`; net = campaign + post.

    Examples
    --------
    >>> od = pd.DataFrame({"customer_id": ["a", "a", "b"], "status": ["paid"] * 3,
    ...     "ordered_at": pd.to_datetime(["2026-02-20", "2026-03-03", "2026-03-12"]),
    ...     "paid_amount": [10.0, 40.0, 50.0], "gross_amount": [10.0, 50.0, 50.0]})
    >>> aud = pd.DataFrame({"customer_id": ["a", "b"], "group": ["targeted", "holdout"]})
    >>> w = Windows(*pd.to_datetime(["2026-02-01", "2026-03-02", "2026-03-08", "2026-03-22"]), 29, 14)
    >>> customer_windows(od, aud, w, 0.2)[["pre_paid", "paid_in", "paid_post"]].values.tolist()
    [[10.0, 40.0, 0.0], [0.0, 0.0, 50.0]]
    """
    day = pd.Timedelta(days=1)
    t = orders["ordered_at"]
    paid = orders["status"] == "paid"
    periods = {"pre": (t >= windows.pre_start) & (t < windows.start),
               "in": (t >= windows.start) & (t < windows.end + day),
               "post": (t >= windows.end + day) & (t < windows.post_end + day)}
    out = audience[["customer_id", "group"]].reset_index(drop=True).copy()
    profit = orders["paid_amount"] - (1 - gross_margin) * orders["gross_amount"]
    for name, mask in periods.items():
        sel = orders[mask & paid]
        per = pd.DataFrame({"paid": sel["paid_amount"], "profit": profit[mask & paid],
                            "customer_id": sel["customer_id"]}).groupby("customer_id").sum()
        joined = out[["customer_id"]].merge(per, left_on="customer_id", right_index=True, how="left").fillna(0.0)
        if name == "pre":
            out["pre_paid"] = joined["paid"].to_numpy()
            any_pre = set(orders.loc[periods["pre"], "customer_id"])
        else:
            out[f"paid_{name}"] = joined["paid"].to_numpy()
            out[f"profit_{name}"] = joined["profit"].to_numpy()
    out["paid_net"] = out["paid_in"] + out["paid_post"]
    out["profit_net"] = out["profit_in"] + out["profit_post"]
    if "never_bought" in audience.columns:
        out["never_bought"] = audience["never_bought"].astype(bool).to_numpy()
    else:
        out["never_bought"] = ~out["customer_id"].isin(any_pre)
    buyers = set(orders.loc[(periods["in"] | periods["post"]) & paid, "customer_id"])
    out["bought"] = out["customer_id"].isin(buyers)
    return out[["customer_id", "group", "never_bought", "pre_paid", "paid_in", "paid_post", "paid_net",
                "profit_in", "profit_post", "profit_net", "bought"]]


def _cuped(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Regression-adjusted outcomes: columns of ``y`` minus theta (x - mean x), theta pooled."""
    xc = x - x.mean()
    var = float(xc @ xc)
    if var <= 0:
        return y
    theta = (xc @ (y - y.mean(axis=0))) / var
    return y - np.outer(xc, theta)


def _group_sums(counts: np.ndarray, y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """Weighted sums per draw (rows of ``counts``): n, sum y, sum x, sum x^2, sum x*y."""
    return (counts.sum(axis=1), counts @ y, counts @ x, counts @ (x * x), counts @ (y * x[:, None]))


def _effects(st: tuple[np.ndarray, ...], sh: tuple[np.ndarray, ...], n_t: int, adjust: bool) -> np.ndarray:
    """Raw or CUPED-adjusted N_T x (mean_T - mean_H) per draw, from the group sums."""
    nt, yt, xt, _, _ = st
    nh, yh, xh, _, _ = sh
    diff = yt / nt[:, None] - yh / nh[:, None]
    if not adjust:
        return n_t * diff
    n = nt + nh
    xbar = (xt + xh) / n
    var = (st[3] + sh[3]) / n - xbar ** 2
    cov = (st[4] + sh[4]) / n[:, None] - xbar[:, None] * (yt + yh) / n[:, None]
    theta = np.where(var[:, None] > 0, cov / np.where(var > 0, var, 1.0)[:, None], 0.0)
    return n_t * (diff - theta * (xt / nt - xh / nh)[:, None])


def _boot_counts(rng: np.random.Generator, n: int, draws: int) -> np.ndarray:
    """How often each of ``n`` customers is drawn, in each of ``draws`` resamples with replacement."""
    idx = rng.integers(0, n, (draws, n))
    out = np.zeros((draws, n))
    for i in range(draws):
        out[i] = np.bincount(idx[i], minlength=n)
    return out


def incremental_effects(cw: pd.DataFrame, coupon_cost: float, breakeven: float, *, cuped: bool = True,
                        mode: str = "difference", n_boot: int = 2000, confidence: float = 0.95,
                        seed: int = 0, min_holdout: int = 2) -> dict:
    """Incremental paid amount (campaign, post, net), profit and new buyers, with one bootstrap.

    Parameters
    ----------
    cw : DataFrame
        From :func:`customer_windows`.
    coupon_cost : float
        Face value of coupons used on orders that stayed paid, > 0.
    breakeven : float
        Break-even ROI :math:`(1 - m)/m`.
    cuped : bool
        Adjust every outcome on pre-period spend (ignored when nobody spent in the pre-period).
    mode : str
        ``difference`` or ``winsorized`` (outcomes capped at the pooled 1st/99th percentiles).
    n_boot, confidence, seed
        Bootstrap resamples (>= 100), two-sided level in (0.5, 1), random seed.
    min_holdout : int
        Fewer holdout customers than this raises.

    Returns
    -------
    dict
        ``estimates`` (DataFrame, index measure: estimate, low, high, unit), ``prob_profitable``
        (share of draws with net incremental ROI above break-even; ``prob_profitable_in_window`` the same
        for the in-window ROI),
        ``cuped_applied``, ``cuped_variance_reduction`` (share of the net estimate's bootstrap
        variance removed by the adjustment; 0 when not applied), ``width_raw`` and ``width_cuped``
        (interval widths of the net incremental ROI), ``sd`` (per-customer sd of the adjusted net
        paid amount by group) and ``n`` (customers by group).

    Raises
    ------
    DataContractError
        No holdout customers, or fewer than ``min_holdout``; fewer than 2 targeted.

    Notes
    -----
    With :math:`x_i` the pre-period spend and :math:`\\theta = \\mathrm{cov}(y, x)/\\mathrm{var}(x)`
    (pooled over both groups), :math:`\\tilde y_i = y_i - \\theta (x_i - \\bar x)` and

    .. math:: \\Delta = N_T (\\bar{\\tilde y}_T - \\bar{\\tilde y}_H),\\qquad
              \\text{ROI} = \\Delta_{net} / C,\\qquad
              P(\\text{profitable}) = \\Pr_{boot}(\\text{ROI}^* > (1 - m)/m)

    Randomisation makes :math:`x` independent of the group, so the adjustment keeps the estimate
    unbiased and removes the share :math:`\\rho^2(y, x)` of its variance. Incremental new buyers:
    :math:`N_T^{new} (c_T - c_H)`, with :math:`c` the share of never-bought customers who bought.
    """
    contracts.require_number("coupon_cost", coupon_cost, low=0, low_inclusive=False)
    contracts.require_number("n_boot", n_boot, low=100, integer=True)
    contracts.require_number("confidence", confidence, low=0.5, high=1, high_inclusive=False)
    contracts.require_choice("mode", mode, ("difference", "winsorized"))
    contracts.require_columns(cw, ["group", "pre_paid", *OUTCOMES, "never_bought", "bought"],
                              source="customer windows")
    t_mask = (cw["group"] == "targeted").to_numpy()
    h_mask = (cw["group"] == "holdout").to_numpy()
    n_t, n_h = int(t_mask.sum()), int(h_mask.sum())
    if n_h == 0:
        raise DataContractError("audience: no holdout customers, so nothing shows what would have happened "
                                "without the coupons; incrementality cannot be estimated")
    if n_h < max(2, min_holdout):
        raise DataContractError(f"audience: {n_h} holdout customer(s), fewer than the minimum "
                                f"{max(2, min_holdout)} (`min_holdout`); the interval would not be trustworthy")
    if n_t < 2:
        raise DataContractError(f"audience: need at least 2 targeted customers, got {n_t}")
    y = cw[list(OUTCOMES)].to_numpy(dtype=float).copy()
    if mode == "winsorized":
        lo, hi = np.percentile(y, [1, 99], axis=0)
        y = np.clip(y, lo, hi)
    x = cw["pre_paid"].to_numpy(dtype=float)
    apply = bool(cuped and x.std() > 0)
    new = cw["never_bought"].to_numpy(dtype=bool)
    bought = cw["bought"].to_numpy(dtype=float)
    y_t, y_h, x_t, x_h = y[t_mask], y[h_mask], x[t_mask], x[h_mask]
    f_t = np.column_stack([new[t_mask], bought[t_mask] * new[t_mask]]).astype(float)
    f_h = np.column_stack([new[h_mask], bought[h_mask] * new[h_mask]]).astype(float)
    nt_new = float(new[t_mask].sum())

    def conversion_gap(ct: np.ndarray, ch: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return nt_new * (ct[:, 1] / ct[:, 0] - ch[:, 1] / ch[:, 0])

    one_t, one_h = np.ones((1, n_t)), np.ones((1, n_h))
    st0, sh0 = _group_sums(one_t, y_t, x_t), _group_sums(one_h, y_h, x_h)
    est0 = _effects(st0, sh0, n_t, apply)[0]
    new0 = float(conversion_gap(one_t @ f_t, one_h @ f_h)[0])
    rng = np.random.default_rng(seed)
    raws, ests, news = [], [], []
    for lo in range(0, n_boot, 250):
        k = min(250, n_boot - lo)
        ct, ch = _boot_counts(rng, n_t, k), _boot_counts(rng, n_h, k)
        st, sh = _group_sums(ct, y_t, x_t), _group_sums(ch, y_h, x_h)
        raws.append(_effects(st, sh, n_t, False))
        ests.append(_effects(st, sh, n_t, apply))
        news.append(conversion_gap(ct @ f_t, ch @ f_h))
    raws, ests, news = np.vstack(raws), np.vstack(ests), np.concatenate(news)
    alpha = (1 - confidence) / 2

    def q(a: np.ndarray) -> list[float]:
        a = a[np.isfinite(a)]
        return [float(v) for v in np.quantile(a, [alpha, 1 - alpha])] if len(a) else [math.nan, math.nan]

    i_in, i_post, i_net, i_profit = range(4)
    roi_draws = ests[:, i_net] / coupon_cost
    rows = [
        ("incremental_paid_in_window", est0[i_in], *q(ests[:, i_in]), "money"),
        ("incremental_paid_post", est0[i_post], *q(ests[:, i_post]), "money"),
        ("incremental_paid", est0[i_net], *q(ests[:, i_net]), "money"),
        ("incremental_roi_in_window", est0[i_in] / coupon_cost, *(np.array(q(ests[:, i_in])) / coupon_cost), "ratio"),
        ("incremental_roi", est0[i_net] / coupon_cost, *q(roi_draws), "ratio"),
        ("incremental_profit", est0[i_profit], *q(ests[:, i_profit]), "money"),
        ("incremental_new_buyers", new0, *q(news), "customers"),
    ]
    estimates = pd.DataFrame(rows, columns=["measure", "estimate", "low", "high", "unit"]).set_index("measure")
    var_raw, var_adj = float(np.var(raws[:, i_net])), float(np.var(ests[:, i_net]))
    reduction = (1 - var_adj / var_raw) if apply and var_raw > 0 else 0.0
    adj_all = _cuped(y, x) if apply else y
    return {
        "estimates": estimates,
        "prob_profitable": float(np.mean(roi_draws > breakeven)),
        "prob_profitable_in_window": float(np.mean(ests[:, i_in] / coupon_cost > breakeven)),
        "cuped_applied": apply,
        "cuped_variance_reduction": float(reduction),
        "width_raw": float(np.subtract(*q(raws[:, i_net])[::-1]) / coupon_cost),
        "width_cuped": float(np.subtract(*q(ests[:, i_net])[::-1]) / coupon_cost),
        "sd": {"targeted": float(adj_all[t_mask, i_net].std(ddof=1)),
               "holdout": float(adj_all[h_mask, i_net].std(ddof=1)),
               "targeted_in_window": float(adj_all[t_mask, i_in].std(ddof=1)),
               "holdout_in_window": float(adj_all[h_mask, i_in].std(ddof=1))},
        "n": {"targeted": n_t, "holdout": n_h},
    }


#: Days after the campaign at which the cumulative difference is reported (where the data reach).
CHECKPOINTS = (7, 14, 28, 42)


def post_window_curve(orders: pd.DataFrame, audience: pd.DataFrame, windows: Windows, horizon: int, *,
                      pre_paid: np.ndarray | None = None, n_boot: int = 1000, confidence: float = 0.95,
                      seed: int = 0) -> dict:
    """Cumulative targeted − holdout paid amount by day after the campaign, its band and where it flattens.

    Parameters
    ----------
    orders : DataFrame
        Clean ``coupon_orders`` of the audience (only ``paid`` orders count), covering up to
        ``horizon`` days after the campaign where the data reach.
    audience : DataFrame
        ``customer_id, group`` of one campaign.
    windows : Windows
        The campaign's periods (``start``, ``end``).
    horizon : int
        Days after the campaign to follow (>= 0); the curve stops at the last day with an order.
    pre_paid : ndarray, optional
        Pre-period spend per audience customer (audience order): the CUPED covariate, as for the verdict.
    n_boot, confidence, seed
        Bootstrap of the band (customers resampled within each group).

    Returns
    -------
    dict
        ``curve`` (DataFrame: ``day`` 0..D after the campaign end, ``estimate, low, high`` in currency,
        ``checkpoint`` True at 7/14/28/42 and D), ``days_observed`` (D), ``flat_day`` and
        ``flat_before_end`` (False when the curve still moves at the end of the data).

    Raises
    ------
    ParameterError
        ``horizon`` < 0.

    Notes
    -----
    With :math:`C_i(d)` the paid amount of customer :math:`i` from the campaign start to :math:`d` days
    after its end, :math:`\\Delta(d) = N_T(\\bar C_T(d) - \\bar C_H(d))` (CUPED-adjusted when
    ``pre_paid`` is given). It falls after the campaign while pulled-forward purchases are missing,
    then flattens. The flattening day is the first checkpoint :math:`d \\in \\{0, 7, 14, 28, 42, D\\}` from
    which the change to the end of the data, :math:`D`, is indistinguishable from zero (walked back from
    :math:`D`; checkpoints rather than every day, so that 40 daily tests do not find a change by chance):

    .. math:: d^* = \\min\\{d : 0 \\in \\mathrm{CI}(\\Delta(D) - \\Delta(d'))\\ \\forall
              \\text{checkpoints } d' \\ge d\\}

    so a post window of :math:`d^*` days catches the whole dip the data can see.

    Examples
    --------
    >>> od = pd.DataFrame({"customer_id": ["a", "b"], "status": ["paid", "paid"], "paid_amount": [10.0, 4.0],
    ...                    "ordered_at": pd.to_datetime(["2026-03-02 10:00", "2026-03-04 10:00"])})
    >>> aud = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "group": ["targeted", "targeted", "holdout", "holdout"]})
    >>> w = Windows(*pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-02", "2026-03-04"]), 1, 2)
    >>> post_window_curve(od, aud, w, 2, n_boot=100)["curve"]["estimate"].tolist()
    [10.0, 10.0, 14.0]
    """
    contracts.require_number("horizon", horizon, low=0, integer=True)
    day = pd.Timedelta(days=1)
    paid = orders[(orders["status"] == "paid") & (orders["ordered_at"] >= windows.start)
                  & (orders["ordered_at"] < windows.end + (horizon + 1) * day)]
    last = paid["ordered_at"].max() if len(paid) else windows.end
    d_obs = int(min(horizon, max(0, (last.normalize() - windows.end) // day)))
    ids = audience["customer_id"].reset_index(drop=True)
    pos = pd.Series(np.arange(len(ids)), index=ids)
    paid = paid[paid["customer_id"].isin(pos.index)]
    col = np.clip(((paid["ordered_at"].dt.normalize() - windows.end) // day).to_numpy(), 0, None)
    keep = col <= d_obs
    daily = np.zeros((len(ids), d_obs + 1))
    np.add.at(daily, (pos[paid["customer_id"]].to_numpy()[keep], col[keep].astype(int)),
              paid["paid_amount"].to_numpy(dtype=float)[keep])
    cum = np.cumsum(daily, axis=1)
    t_mask = (audience["group"] == "targeted").to_numpy()
    n_t, n_h = int(t_mask.sum()), int((~t_mask).sum())
    x = np.zeros(len(ids)) if pre_paid is None else np.asarray(pre_paid, dtype=float)
    adjust = pre_paid is not None and x.std() > 0
    y_t, y_h, x_t, x_h = cum[t_mask], cum[~t_mask], x[t_mask], x[~t_mask]
    est = _effects(_group_sums(np.ones((1, n_t)), y_t, x_t), _group_sums(np.ones((1, n_h)), y_h, x_h), n_t,
                   adjust)[0]
    rng = np.random.default_rng(seed)
    draws = []
    for lo in range(0, n_boot, 250):
        k = min(250, n_boot - lo)
        st = _group_sums(_boot_counts(rng, n_t, k), y_t, x_t)
        sh = _group_sums(_boot_counts(rng, n_h, k), y_h, x_h)
        draws.append(_effects(st, sh, n_t, adjust))
    draws = np.vstack(draws)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(draws, [alpha, 1 - alpha], axis=0)
    flat = d_obs
    rest = draws[:, [d_obs]] - draws  # change from day d to the end of the data, per draw
    rest_low, rest_high = np.quantile(rest, [alpha, 1 - alpha], axis=0)
    marks = sorted({0, d_obs, *(c for c in CHECKPOINTS if c <= d_obs)})
    for d in reversed(marks):  # walk back over the checkpoints while the rest of the change is still noise
        if rest_low[d] > 0 or rest_high[d] < 0:
            break
        flat = d
    days = np.arange(d_obs + 1)
    curve = pd.DataFrame({"day": days, "estimate": est, "low": low, "high": high,
                          "checkpoint": np.isin(days, CHECKPOINTS) | (days == d_obs)})
    return {"curve": curve, "days_observed": d_obs, "flat_day": int(flat), "flat_before_end": flat < d_obs}


def daily_paid(orders: pd.DataFrame, audience: pd.DataFrame, windows: Windows) -> pd.DataFrame:
    """Paid amount per customer and day, targeted vs holdout, over the three periods.

    Returns
    -------
    DataFrame
        ``date, group, paid_per_customer, period`` (``pre``, ``campaign``, ``post``); orders that
        stayed paid only; every day of the observed periods, zero-filled.

    Examples
    --------
    >>> od = pd.DataFrame({"customer_id": ["a"], "status": ["paid"], "paid_amount": [10.0],
    ...                    "ordered_at": pd.to_datetime(["2026-03-02 10:00"])})
    >>> aud = pd.DataFrame({"customer_id": ["a", "b"], "group": ["targeted", "holdout"]})
    >>> w = Windows(*pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-02", "2026-03-03"]), 1, 1)
    >>> daily_paid(od, aud, w)["paid_per_customer"].tolist()
    [0.0, 0.0, 0.0, 10.0, 0.0, 0.0]
    """
    days = pd.date_range(windows.pre_start, windows.post_end, freq="D")
    paid = orders[(orders["status"] == "paid") & orders["customer_id"].isin(audience["customer_id"])]
    paid = paid.merge(audience[["customer_id", "group"]], on="customer_id")
    sums = paid.groupby([paid["ordered_at"].dt.normalize().rename("date"), "group"])["paid_amount"].sum()
    size = audience["group"].value_counts()
    idx = pd.MultiIndex.from_product([days, ["holdout", "targeted"]], names=["date", "group"])
    out = sums.reindex(idx, fill_value=0.0).rename("paid").reset_index()
    out["paid_per_customer"] = out["paid"] / out["group"].map(size).astype(float)
    out["period"] = np.where(out["date"] < windows.start, "pre",
                             np.where(out["date"] <= windows.end, "campaign", "post"))
    return out[["date", "group", "paid_per_customer", "period"]]


def breakeven_verdict(low: float, high: float, breakeven: float) -> str:
    """Where an ROI interval lies relative to the break-even ROI, in words.

    Parameters
    ----------
    low, high : float
        Interval bounds of the incremental ROI (ratio).
    breakeven : float
        Break-even ROI, e.g. ``(1 - m) / m`` from :func:`order_economics`.

    Returns
    -------
    str
        ``"above"`` if ``low > breakeven``, ``"below"`` if ``high < breakeven``, else
        ``"not clearly above or below"``.

    Raises
    ------
    ValueError
        If ``low > high``.

    Notes
    -----
    The interval decides, not the point estimate: :math:`L > b` or :math:`U < b`.

    Examples
    --------
    >>> breakeven_verdict(3.3, 4.7, 4.26)
    'not clearly above or below'
    >>> breakeven_verdict(4.9, 6.3, 4.26)
    'above'
    """
    if low > high:
        raise ValueError(f"interval low {low!r} is above high {high!r}")
    if low > breakeven:
        return "above"
    if high < breakeven:
        return "below"
    return "not clearly above or below"
