"""The parameter model of notebook 02: defaults valid, every rule refused with the parameter named."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.coupons.params import Params
from helpers.params import ParameterError


def test_defaults_are_valid() -> None:
    p = Params.build({})
    assert p.gross_margin == 0.19 and p.campaign_id == "FEST-2026-03" and p.n_boot == 2000


@pytest.mark.parametrize(("override", "match"), [
    ({"currency": "JPY"}, r"'currency' = 'JPY' is not allowed.*one of KRW, USD, EUR"),
    ({"gross_margin": 1.5}, r"'gross_margin' = 1.5 is not allowed.*> 0 and < 1"),
    ({"gross_margin": 0.0}, r"'gross_margin' = 0.0 is not allowed"),
    ({"holdout_mode": "diff"}, r"'holdout_mode' = 'diff' is not allowed.*difference, winsorized"),
    ({"n_boot": 10}, r"'n_boot' = 10 is not allowed.*≥ 200 and ≤ 20000"),
    ({"confidence": 1.2}, r"'confidence' = 1.2 is not allowed"),
    ({"seed": -1}, r"'seed' = -1 is not allowed"),
    ({"campaign_id": ""}, r"'campaign_id' = '' is not allowed"),
    ({"n_boot": 2000.5}, r"'n_boot' = 2000.5 is not allowed"),
    ({"margin": 0.2}, r"unknown parameter\(s\) \['margin'\]"),
    ({"pre_days": -1}, r"'pre_days' = -1 is not allowed"),
    ({"post_days": 400}, r"'post_days' = 400 is not allowed.*≤ 180"),
    ({"roi_basis": "gross"}, r"'roi_basis' = 'gross' is not allowed.*net, in_window"),
    ({"cuped": "yes"}, r"'cuped' = 'yes' is not allowed"),
    ({"min_holdout": 1}, r"'min_holdout' = 1 is not allowed.*≥ 2"),
])
def test_bad_values_are_refused_naming_the_parameter(override: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        Params.build(override)


def test_the_model_module_is_light() -> None:
    """The runner imports the model before any kernel starts: no pandas, numpy or simulator."""
    code = ("import sys; import helpers.coupons.params; "
            "print(sorted(m for m in ('pandas', 'numpy', 'helpers.coupons.simulate') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_parameters_cell_is_generated_from_the_model() -> None:
    cell = Params.parameters_cell()
    assert 'gross_margin: float = 0.19  # gross margin on gross order amount' in cell
    assert "seed 00" not in cell
