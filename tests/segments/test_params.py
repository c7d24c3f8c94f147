"""Tests for helpers.segments.params: defaults, every range, choice and cross-field rule."""

from __future__ import annotations

import pytest

from helpers.config import NOTEBOOKS_DIR
from helpers.params import ParameterError, parameters_cell
from helpers.segments.params import Params


def test_defaults_are_valid_and_the_cell_is_generated_from_the_model():
    p = Params.build({})
    assert (p.returns, p.freq, p.rfm_bins, p.top_pcts) == ("drop", "D", 5, [1.0, 5.0, 10.0, 20.0])
    assert Params.NOTEBOOK == "06_rfm_segments"
    assert parameters_cell(NOTEBOOKS_DIR / "06_rfm_segments.ipynb") == Params.parameters_cell()


def test_the_runs_of_runs_yaml_are_valid():
    # the overrides of notebooks/runs.yaml: ints for float lists become floats
    assert Params.build({"top_pcts": [5, 50]}).top_pcts == [5.0, 50.0]
    assert Params.build({"events_path": "", "truth_path": "", "seed": 11}).seed == 11


@pytest.mark.parametrize("values, match", [
    ({"returns": "Drop"}, r"'returns' = 'Drop' is not allowed.*one of drop, net"),
    ({"freq": "Q"}, r"'freq' = 'Q' is not allowed.*one of D, W, M"),
    ({"rfm_bins": 2}, r"'rfm_bins' = 2 is not allowed.*≥ 3 and ≤ 10"),
    ({"rfm_bins": 11}, r"'rfm_bins' = 11 is not allowed"),
    ({"rfm_bins": 4.5}, r"'rfm_bins' = 4.5 is not allowed"),
    ({"top_pcts": []}, r"'top_pcts' = \[\] is not allowed"),
    ({"top_pcts": [5.0, 100.0]}, r"'top_pcts'.*\[100.0\] outside \(0, 100\)"),
    ({"top_pcts": [0.0]}, r"'top_pcts'.*outside \(0, 100\)"),
    ({"top_pcts": [5.0, 5.0]}, r"'top_pcts'.*duplicates"),
    ({"claim_visitor_pct": 0.0}, r"'claim_visitor_pct' = 0.0 is not allowed"),
    ({"claim_visitor_pct": 100.0}, r"'claim_visitor_pct' = 100.0 is not allowed"),
    ({"observation_end": "soon"}, r"'observation_end' = 'soon'.*not an ISO date"),
    ({"observation_end": "1998-02-30"}, r"'observation_end'.*not a valid calendar date"),
    ({"as_of": "2024-13-01"}, r"'as_of'.*not a valid calendar date"),
    ({"new_days": 0}, r"'new_days' = 0 is not allowed"),
    ({"inactive_days": 3651}, r"'inactive_days' = 3651 is not allowed"),
    ({"cart_days": 0}, r"'cart_days' = 0 is not allowed"),
    ({"loyal_min_orders": 1}, r"'loyal_min_orders' = 1 is not allowed"),
    ({"category_min_share": 0.0}, r"'category_min_share' = 0.0 is not allowed"),
    ({"category_min_share": 1.5}, r"'category_min_share' = 1.5 is not allowed"),
    ({"min_support": 1.0}, r"'min_support' = 1.0 is not allowed"),
    ({"seed": -1}, r"'seed' = -1 is not allowed"),
    ({"events_path": ""}, r"truth_path = .* with events_path empty"),
    ({"colour": "red"}, r"unknown parameter\(s\) \['colour'\]"),
])
def test_bad_values_are_refused_naming_the_parameter(values, match):
    with pytest.raises(ParameterError, match=match):
        Params.build(values)


@pytest.mark.parametrize("values, match", [
    ({"monetary": "mean"}, r"'monetary' = 'mean' is not allowed.*one of average, total"),
    ({"calibration_end": "1997-9-30"}, r"'calibration_end'.*not an ISO date"),
    ({"holdout_end": "1998-02-30"}, r"'holdout_end'.*not a valid calendar date"),
    ({"calibration_end": "1997-09-30", "holdout_end": "1997-09-30"}, r"holdout_end = .* must be after calibration_end"),
    ({"min_expected": 0}, r"'min_expected' = 0.0 is not allowed"),
    ({"null_replicates": 0}, r"'null_replicates' = 0 is not allowed"),
    ({"fdr_level": 0.0}, r"'fdr_level' = 0.0 is not allowed"),
    ({"fdr_level": 0.5}, r"'fdr_level' = 0.5 is not allowed"),
])
def test_phase_b_parameters_refused(values, match):
    with pytest.raises(ParameterError, match=match):
        Params.build(values)
