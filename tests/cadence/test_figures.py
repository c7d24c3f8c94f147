"""The figures of notebook 05: titles state the finding from the results, axes carry units."""

from __future__ import annotations

import pytest

from helpers.cadence import analysis, figures, load
from helpers.cadence.params import Params

SINGLE = {"messages_path": "data/synthetic/cadence_single_messages.csv",
          "events_path": "data/synthetic/cadence_single_events.csv", "naive_timezone": "Asia/Seoul"}


@pytest.fixture(scope="module")
def single():
    p = Params.build(SINGLE)
    return analysis.analyse(p, load.load_or_simulate(p))


def test_figures_state_the_finding(single):
    fig = figures.figure_discounts(single)
    title = fig.axes[0].get_title(loc="left")
    assert title == f"{single.discount['share_rate_above_margin']:.0%} of coupons discount more than the gross margin"
    heat = figures.figure_heatmap(single).axes[0]
    assert "Asia/Seoul" in heat.get_xlabel()
    w = figures.figure_w(single).axes[0]
    assert w.get_ylabel() == "coupon amount (KRW)"


def test_interval_figure_states_the_agreement(single):
    title = figures.figure_intervals(single).axes[0].get_title(loc="left")
    agree = single.agreement["agrees"].dropna()
    assert title.startswith(f"{int(agree.sum())} of {len(agree)} medians agree with the policy")
    title = figures.figure_adherence(single).axes[0].get_title(loc="left")
    peaks = single.adherence["peaks_at_policy"].dropna().astype(bool)
    assert title.startswith(f"Adherence peaks at the policy in {int(peaks.sum())} of {len(peaks)} stages")
