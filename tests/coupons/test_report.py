"""What notebook 02 shows: window, review, recorded keys, prose from results, figures, verdict."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers import results
from helpers.contracts import DataContractError
from helpers.coupons import report
from helpers.coupons.load import load_campaign
from helpers.coupons.metrics import BREAKDOWNS
from helpers.coupons.params import Params

T = pd.Timestamp


@pytest.fixture(scope="module")
def shipped() -> report.Review:
    p = Params.build({"n_boot": 200})
    return report.review(load_campaign(p), p)


@pytest.fixture(scope="module")
def real_margin30() -> report.Review:
    p = Params.build({"n_boot": 200, "truth_path": None, "gross_margin": 0.30})
    return report.review(load_campaign(p), p)


def test_campaign_window_is_shared_by_all_batches(frames) -> None:
    assert report.campaign_window(frames.batches()) == (T("2026-03-02"), T("2026-03-08"))
    with pytest.raises(DataContractError, match=r"share one 'end'.*2026-03-08.*2026-03-09"):
        report.campaign_window(frames.batches().assign(end=[T("2026-03-08"), T("2026-03-09")]))
    with pytest.raises(DataContractError, match="no batches"):
        report.campaign_window(frames.batches().iloc[:0])


def test_review_covers_every_breakdown_and_they_add_up(shipped) -> None:
    assert list(shipped.breakdowns) == list(BREAKDOWNS)  # no hand copy of the dimensions
    assert report.breakdowns_add_up(shipped)
    assert shipped.breakeven == pytest.approx(0.81 / 0.19)


def test_record_results_keeps_the_keys_and_values(shipped) -> None:
    got = report.record_results(shipped)
    assert set(got) >= {"collected", "collection_rate", "usage_rate", "effective_usage_rate",
                        "coupon_payment_amount", "coupon_cost", "roi", "new_buyers", "breakeven_roi",
                        "incremental_roi", "incremental_roi_low", "incremental_roi_high", "incremental_paid",
                        "incremental_profit", "roi_gap"}
    assert got["collected"] == 13_501 and got["coupon_cost"] == pytest.approx(28_047_000.0)
    assert got["roi"] == pytest.approx(174_796_400 / 28_047_000)
    assert results.recorded()["roi"] == pytest.approx(got["roi"])


def test_verdict_follows_the_interval(shipped) -> None:
    inc = shipped.comparison.loc["incremental"]
    expected = ("above" if inc["low"] > shipped.breakeven else "below" if inc["high"] < shipped.breakeven
                else "not clearly above or below")
    assert report.verdict(shipped) == expected


def test_prose_states_the_run_settings_not_the_defaults(shipped, real_margin30) -> None:
    assert "19.0%" in report.breakeven_markdown(shipped) and "4.26" in report.breakeven_markdown(shipped)
    text = report.breakeven_markdown(real_margin30) + report.findings_markdown(real_margin30) \
        + report.caveats_markdown(real_margin30)
    assert "30" in report.breakeven_markdown(real_margin30) and "2.33" in report.breakeven_markdown(real_margin30)
    assert "19%" not in text and "4.26" not in text
    assert "Synthetic" not in text + report.campaign_markdown(real_margin30)  # no truth file: a user's data
    assert "Synthetic data" in report.campaign_markdown(shipped) and "Synthetic" in report.caveats_markdown(shipped)


def test_findings_name_the_campaign_numbers(shipped) -> None:
    text = report.findings_markdown(shipped)
    assert "Of 17,860 coupons issued, 13,501 were collected (75.6%)" in text
    assert "Attributional ROI 6.23" in text


def test_nbval_texts_are_the_plain_tables(shipped) -> None:
    lines = report.headline_text(shipped).splitlines()
    assert lines[0].split() == ["scope", "all"] and lines[-1].split() == ["new_buyers", "678"]
    assert report.comparison_text(shipped).splitlines()[2].split()[:2] == ["attributional", "6.232"]


def test_figures_state_the_finding(shipped) -> None:
    fig = report.figure_collection(shipped)
    assert isinstance(fig, Figure)
    slot = shipped.breakdowns["time_slot"]["collection_rate"].idxmax()
    assert fig.axes[0].get_title(loc="left") == f"Slot {slot} collected the largest share of its quota"
    roi = report.figure_roi(shipped)
    assert report.verdict(shipped) in roi.axes[0].get_title(loc="left")
    assert len(report.figure_breakdowns(shipped).axes) == len(BREAKDOWNS)


def test_tables_render(shipped) -> None:
    html = report.breakdown_table(shipped, "face_value").to_html()
    assert "₩10,000" in html and "%" in html
    assert "customers" in report.incremental_table(shipped).to_html()
    assert "rows_excluded" in report.quality_table(shipped).to_html()
