"""Regenerate every seeded synthetic data set in ``data/synthetic/`` byte-identically.

Each domain that ships synthetic data exposes ``write_synthetic(out_dir) -> list[Path]``, which
writes its files with fixed seeds and returns their paths: in its ``synthetic`` module when writing
needs the domain's writers (a simulator imports only its domain's ``schemas``, ``params`` and
``constants``, never a loader, metric or writer), else in its ``simulate`` module or package. ``python -m helpers synth``
(``make synth``) calls them all; ``tests/test_synthetic.py`` regenerates into a temporary folder
and compares bytes with the committed files.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from helpers.config import SYNTHETIC_DIR

#: Domain modules that ship synthetic data, in generation order.
GENERATORS = ("coupons", "quota", "membership", "cadence", "segments", "recommend")
#: Pipeline steps run after the simulators: files *estimated* on simulated data, as pairs
#: ("module:simulate()", "module:step(simulated, out_dir) -> list[Path]") — the step imports no simulator.
#: Coupons: notebook 03's ``coupons_past_campaigns.csv``.
PIPELINE_STEPS = (("helpers.coupons.simulate:simulate_past_campaigns", "helpers.coupons.pipeline:write_past_campaigns"),)


def _resolve(spec: str):
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)


def generators() -> dict[str, object]:
    """``{domain: write_synthetic function}``: per domain, the first of its ``synthetic`` module,
    ``simulate`` module and package that defines one."""
    out = {}
    for name in GENERATORS:
        for candidate in (f"helpers.{name}.synthetic", f"helpers.{name}.simulate", f"helpers.{name}"):
            try:
                module = importlib.import_module(candidate)
            except ModuleNotFoundError as exc:
                if exc.name != candidate:
                    raise
                continue
            fn = getattr(module, "write_synthetic", None)
            if fn is not None:
                out[name] = fn
                break
    return out


def write_all(out_dir: str | Path = SYNTHETIC_DIR) -> list[Path]:
    """Write every synthetic data set into ``out_dir``; return the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for _name, fn in generators().items():
        written.extend(Path(p) for p in fn(out_dir))
    for simulate, step in PIPELINE_STEPS:
        written.extend(Path(p) for p in _resolve(step)(_resolve(simulate)(), out_dir))
    return written
