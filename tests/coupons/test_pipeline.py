"""The synthetic chain is honest: the simulator imports no estimator and no writer (it returns frames);
``helpers.coupons.synthetic`` writes them; the past-campaigns file is a pipeline step."""

from __future__ import annotations

import ast
from pathlib import Path

import helpers.coupons.simulate as simulate
import helpers.coupons.synthetic as synthetic
from helpers.synthetic import PIPELINE_STEPS, generators

ESTIMATORS = {"helpers.coupons.past", "helpers.coupons.windows", "helpers.coupons.metrics", "helpers.coupons.load",
              "helpers.coupons.targeting"}
WRITERS = {"helpers.coupons.csvfiles", "helpers.coupons.pipeline", "helpers.coupons.synthetic"}


def test_the_simulator_imports_no_estimator_and_no_writer() -> None:
    tree = ast.parse(Path(simulate.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not imported & (ESTIMATORS | WRITERS), imported & (ESTIMATORS | WRITERS)
    assert not hasattr(simulate, "write_synthetic")
    assert generators()["coupons"] is synthetic.write_synthetic  # what `python -m helpers synth` calls


def test_past_campaigns_are_written_by_the_named_pipeline_step(tmp_path) -> None:
    assert ("helpers.coupons.simulate:simulate_past_campaigns",
            "helpers.coupons.pipeline:write_past_campaigns") in PIPELINE_STEPS
    written = synthetic.write_synthetic.__doc__
    assert "helpers.coupons.pipeline.write_past_campaigns" in written
    assert not any(p.name == "coupons_past_campaigns.csv"
                   for p in synthetic.write_synthetic(tmp_path))  # the simulation's writer does not write it
