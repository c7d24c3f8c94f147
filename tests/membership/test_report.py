"""Report pieces: prose from results only, figures with finding titles, recorded keys."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from helpers.membership import effect, figures, report
from helpers.membership.effect import RateRatio
from helpers.membership.load import PanelData


def _data(tiny, synthetic=True):
    return PanelData(tiny, synthetic=synthetic, true_rate_ratio=3.0 if synthetic else None, source="x")


def test_effect_table_and_text(tiny):
    rr = RateRatio(2.0, 1.5, 2.5, 0.95, 10, 5, "x")
    t = report.effect_table(9.0, rr, 2.0)
    assert t["estimate"].tolist() == [9.0, 2.0, 2.0]
    assert report.effect_table(9.0, rr).shape == (2, 3)  # no truth on a user's panel
    rows = report.effects_text(report.effect_table(9.12345, rr, 2.0)).splitlines()
    assert rows[2].split()[-3:] == ["9.123", "NaN", "NaN"]  # 3 decimals, no interval for naive


def test_effect_bullets_follow_the_results(tiny):
    adjusted = effect.adjusted_rate_ratio(tiny)
    text = report.effect_bullets(2.0, adjusted, _data(tiny))
    assert "**2.0x**" in text and f"**{adjusted.estimate:.2f}x**" in text and "covers it" in text
    own = report.effect_bullets(2.0, adjusted, _data(tiny, synthetic=False))
    assert "generator" not in own
    assert "cancellation" not in text and "windows weighted" in text


def test_effect_bullets_label_the_contrast_descriptive_when_members_cancel(tiny):
    # CUST-A cancels after February: its March is "after joining" but not a member month, one of
    # the 4 after-join months of CUST-A and CUST-B (25%).
    cancelled = tiny.copy()
    cancelled.loc[(cancelled["customer_id"] == "CUST-A") & (cancelled["month"] == "2024-03-01"),
                  "member"] = False
    assert effect.after_cancel_share(cancelled) == 0.25
    text = report.effect_bullets(2.0, effect.adjusted_rate_ratio(cancelled, calendar=False),
                                 _data(cancelled))
    assert "25% of the months" in text and "descriptive contrast of having joined" in text
    assert "months counted equally" in text


def test_source_markdown_says_synthetic_only_for_synthetic_data(tiny):
    assert "Synthetic data" in report.source_markdown(_data(tiny))
    assert "Synthetic" not in report.source_markdown(_data(tiny, synthetic=False))


def test_fit_report_flags_non_converged_and_boundary_fits():
    from helpers.btyd.clv import ModelFit
    bad = ModelFit("BG/NBD", {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}, -5.0, 10, 4, False,
                   "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT")
    edge = ModelFit("BG/NBD", {"r": 1.0, "alpha": 1.0, "a": 2e-9, "b": 1.0}, -5.0, 10, 4, True,
                    "ok", at_bound=("a",))
    text = report.fit_report({"x": bad, "y": edge}, customers=10, currency="KRW")
    assert "NOT CONVERGED — do not use these estimates**: STOP: TOTAL NO. OF ITERATIONS" in text
    assert "a at the search bound" in text


def test_figure_effects_title_states_the_finding(tiny):
    adjusted = effect.adjusted_rate_ratio(tiny)
    fig = figures.figure_effects(report.effect_table(2.0, adjusted, 3.0), 2.0, adjusted, _data(tiny))
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_title(loc="left") == "Members order 2.0x as often; against themselves before joining, 3.0x"


def test_excluded_table_counts():
    rr = RateRatio(2.0, 1.5, 2.5, 0.95, 10, 5, "x", {"no orders": 3})
    assert report.excluded_table(rr)["customers"].tolist() == [3]


@pytest.mark.parametrize("bad", ["Bad Key", "x..y"])
def test_record_results_refuses_bad_keys(bad):
    with pytest.raises(ValueError):
        report.record_results({bad: 1.0})
