"""Which parameter model belongs to which notebook (the runner and the tests look it up here)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from helpers.params import NotebookParams, ParameterSpecError, model_from_cell, notebook_parameters

#: notebook file stem -> module that defines its ``Params`` model.
MODELS = {
    "01_revenue_mix": "helpers.revenue.params",
    "02_coupon_campaign": "helpers.coupons.params",
    "03_promotion_quota": "helpers.quota.params",
    "04_membership_value": "helpers.membership.params",
    "05_crm_cadence": "helpers.cadence.params",
    "06_rfm_segments": "helpers.segments.params",
    "07_recommendations": "helpers.recommend.params",
}


def declared_model(name: str) -> type[NotebookParams] | None:
    """The declared model of a notebook, or None when it has none (yet)."""
    module = MODELS.get(name)
    if module is None:
        return None
    try:
        return importlib.import_module(module).Params
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


def model_for(nb_path: str | Path) -> type[NotebookParams]:
    """The notebook's model: the declared one, else one read from its parameters cell."""
    nb_path = Path(nb_path)
    return declared_model(nb_path.stem) or model_from_cell(notebook_parameters(nb_path), nb_path.stem)


def write_parameters_cell(nb_path: str | Path) -> bool:
    """Rewrite a notebook's ``parameters`` cell from its declared model; True when it changed."""
    nb_path = Path(nb_path)
    model = declared_model(nb_path.stem)
    if model is None:
        raise ParameterSpecError(f"{nb_path.stem}: no parameter model declared in helpers.notebooks.MODELS")
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterSpecError(f"{nb_path.name}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    new = model.parameters_cell()
    lines = new.splitlines(keepends=True)
    if "".join(cells[0]["source"]) == new:
        return False
    cells[0]["source"] = lines
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True
