"""The report module: recorded keys, the send-list file (real ids, never inside reports/), prose."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contracts import ParameterError
from helpers.recommend import report
from helpers.recommend.evaluate import Setup, evaluate
from helpers.recommend.load import EventLog
from helpers.recommend.protocol import make_split


def _latent_world():
    """The independent generator of test_independent_world.py, loaded by path (tests are not a package)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("recommend_independent_world",
                                                  Path(__file__).with_name("test_independent_world.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.latent_world


@pytest.fixture(scope="module")
def ev():
    events = _latent_world()(3, n_users=400, n_items=60)
    log = EventLog(events, pd.DataFrame(), "world", "pandas", False)
    split = make_split(events, "2024-04-01", min_test_customers=10)
    return log, evaluate(log, split, Setup({"view": 1.0, "cart_add": 1.0, "purchase": 1.0}, None, 5, seed=2),
                         validation_days=20, resamples=200, min_test_customers=5)


def test_write_lists_refuses_reports_and_writes_real_ids(ev, tmp_path):
    _, e = ev
    with pytest.raises(ParameterError, match="inside reports/"):
        report.write_lists(e, "reports/07/lists.csv")
    assert report.write_lists(e, "") == "No lists written (output_path is empty)."
    out = tmp_path / "lists.csv"
    text = report.write_lists(e, str(out))
    lists = pd.read_csv(out)
    assert set(lists["customer_id"]) == set(e.split.customers)  # real ids in the file
    assert lists.groupby("customer_id").size().max() <= e.setup.k
    assert "C-" in text and not any(c in text for c in e.split.customers)  # the message is pseudonymised


def test_answer_and_check_text_come_from_results(ev):
    log, e = ev
    text = report.answer_markdown(e, log)
    assert f"{e.best_lift.ratio:.2f}" in text and "oracle" not in text  # no truth: no ceiling claimed
    assert e.best_model in report.check_text(e)
