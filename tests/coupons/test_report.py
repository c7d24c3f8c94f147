"""What notebook 02 shows: review, verdict, recorded keys, prose from results, figures, fallbacks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers import results
from helpers.config import SYNTHETIC_DIR
from helpers.coupons import figures, report
from helpers.coupons.load import load_campaign
from helpers.coupons.metrics import BREAKDOWNS
from helpers.coupons.params import Params

ISSUE_KEYS = {"incremental_roi", "incremental_roi_low", "incremental_roi_high", "incremental_roi_in_window",
              "incremental_paid_post", "incremental_paid_post_low", "incremental_paid_post_high",
              "cuped_variance_reduction", "prob_profitable", "incremental_profit", "incremental_profit_low",
              "incremental_profit_high", "incremental_new_buyers", "incremental_new_buyers_low",
              "incremental_new_buyers_high", "collection_rate_collected", "breakeven_roi"}
OLD_KEYS = {"collected", "collection_rate", "usage_rate", "effective_usage_rate", "coupon_payment_amount",
            "coupon_cost", "roi", "new_buyers", "breakeven_roi", "incremental_roi", "incremental_roi_low",
            "incremental_roi_high", "incremental_paid", "incremental_profit", "roi_gap"}


def _review(**over) -> report.Review:
    p = Params.build({"n_boot": 200, **over})
    return report.review(load_campaign(p), p)


@pytest.fixture(scope="module")
def shipped() -> report.Review:
    return _review()


@pytest.fixture(scope="module")
def real_margin30() -> report.Review:
    return _review(truth_path=None, gross_margin=0.30)


def test_review_covers_every_breakdown_and_they_add_up(shipped) -> None:
    assert list(shipped.breakdowns) == list(BREAKDOWNS)  # no hand copy of the dimensions
    assert report.breakdowns_add_up(shipped)
    assert shipped.breakeven == pytest.approx(0.81 / 0.19)


def test_record_results_keeps_the_old_keys_and_adds_the_issue_keys(shipped) -> None:
    got = report.record_results(shipped)
    assert OLD_KEYS <= set(got) and ISSUE_KEYS <= set(got)
    assert got["roi"] == pytest.approx(got["coupon_payment_amount"] / got["coupon_cost"])
    assert got["incremental_roi"] == pytest.approx(got["incremental_paid"] / got["coupon_cost"])
    assert results.recorded()["verdict"] == got["verdict"] == shipped.decision["verdict"]
    assert all(v == v for v in got.values() if isinstance(v, float))  # no NaN recorded


def test_the_verdict_follows_the_interval_and_its_probability(shipped) -> None:
    d = shipped.decision
    expected = ("pays off" if d["low"] > d["breakeven"] else "does not pay off" if d["high"] < d["breakeven"]
                else "cannot tell at this sample size")
    assert d["verdict"] == expected and 0 <= d["prob_profitable"] <= 1
    assert f"{d['roi']:.2f}" in report.verdict_sentence(shipped)
    assert report.record_results(shipped)["prob_profitable"] == d["prob_profitable"]


def test_in_window_basis_counts_pull_forward_as_caused(shipped) -> None:
    inw = _review(roi_basis="in_window")
    assert inw.decision["roi"] == pytest.approx(shipped.comparison.loc["incremental_in_window", "roi"])
    assert inw.decision["roi"] > shipped.decision["roi"]
    assert "in-window incremental ROI" in report.verdict_sentence(inw)


def test_cuped_narrows_the_interval_on_the_shipped_data(shipped) -> None:
    e = shipped.effects
    assert e["cuped_applied"] and 0.1 < e["cuped_variance_reduction"] < 0.9
    assert e["width_cuped"] < e["width_raw"]
    assert "removed" in report.cuped_markdown(shipped)
    assert "`cuped` is false" in report.cuped_markdown(_review(cuped=False))


def test_prose_states_the_run_settings_not_the_defaults(shipped, real_margin30) -> None:
    assert "19.0%" in report.breakeven_markdown(shipped) and "4.26" in report.breakeven_markdown(shipped)
    text = (report.breakeven_markdown(real_margin30) + report.findings_markdown(real_margin30)
            + report.caveats_markdown(real_margin30) + report.answer_markdown(real_margin30))
    assert "30.0%" in report.breakeven_markdown(real_margin30) and "2.33" in text
    assert "19%" not in text and "4.26" not in text
    assert "Synthetic" not in text + report.campaign_markdown(real_margin30)  # no truth file: a user's data
    assert "Synthetic data" in report.campaign_markdown(shipped) and "Synthetic" in report.caveats_markdown(shipped)


def test_findings_name_the_campaign_numbers(shipped) -> None:
    h = shipped.headline
    text = report.findings_markdown(shipped)
    assert f"Of {h['issued']:,} coupons issued, {h['collected']:,} were collected" in text
    assert f"Attributional ROI {h['roi']:.2f}" in text
    assert "pushed coupons count as collected by construction" in text


def test_short_periods_fall_back_and_are_named(tmp_path: Path) -> None:
    od = pd.read_csv(SYNTHETIC_DIR / "coupons_orders.csv")
    od = od[(od["ordered_at"] >= "2026-02-23") & (od["ordered_at"] < "2026-03-09")]  # 7 pre days, no post
    path = tmp_path / "orders.csv"
    od.to_csv(path, index=False)
    r = _review(orders_path=str(path))
    q = r.data.quality.set_index("rule")
    assert q.loc["pre_period_short", "fallback"] and q.loc["post_period_short", "fallback"]
    assert "cover 7 of the 28 pre-period days" in q.loc["pre_period_short", "meaning"]
    assert r.data.windows.post_days == 0
    assert r.estimates.loc["incremental_paid_post", "estimate"] == 0
    assert "no post window" in report.caveats_markdown(r)


def test_a_small_holdout_is_refused_naming_min_holdout() -> None:
    with pytest.raises(ValueError, match=r"fewer than the minimum 5000 \(`min_holdout`\)"):
        _review(min_holdout=5000)


def test_aliased_breakdowns_are_said_not_ranked() -> None:
    r = _review(campaign_id="NEWBUY-2026-04", truth_path=None)
    assert r.aliases.loc["kind", "aliased_with"] == "channel, place"
    assert not r.aliases.loc["stackable", "comparable"]
    text = report.breakdowns_markdown(r)
    assert "cannot say which of them matters" in text or "kind" not in text.split("**")[1]
    assert "stackable" in text


def test_nbval_texts_are_the_plain_tables(shipped) -> None:
    lines = report.headline_text(shipped).splitlines()
    assert lines[0].split() == ["scope", "all"] and lines[-1].split()[0] == "new_buyers"
    assert [ln.split()[0] for ln in report.comparison_text(shipped).splitlines()[2:]] == [
        "attributional", "incremental_in_window", "incremental_net", "true_in_window", "true_net",
        "overstatement_factor", "roi_gap"]


def test_figures_state_the_finding(shipped) -> None:
    fig = figures.figure_collection(shipped)
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_title(loc="left").endswith("collected the largest share of its quota")
    roi = figures.figure_roi(shipped)
    assert report.VERDICT_SENTENCES[shipped.decision["where"]] in roi.axes[0].get_title(loc="left")
    assert len(figures.figure_breakdowns(shipped).axes) == len(BREAKDOWNS)
    win = figures.figure_windows(shipped)
    assert "less after it" in win.axes[0].get_title(loc="left")  # the post-window dip is shown


def test_tables_render(shipped) -> None:
    assert "₩10,000" in report.breakdown_table(shipped, "face_value").to_html()
    assert "customers" in report.effects_table(shipped).to_html()
    assert "outside_windows" in report.quality_table(shipped).to_html()
    assert "post window" in report.windows_table(shipped).to_html()
    assert "pushed" in report.collection_table(shipped).to_html()


def test_overstatement_wording_follows_the_factor() -> None:
    assert "2.5-fold" in report._overstatement(2.46)
    assert "close to the incremental one" in report._overstatement(0.97)
    assert "no measurable extra payment" in report._overstatement(float("nan"))
