"""Cadence send intervals and their per-stage summary on DuckDB and Spark equal the pandas reference."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.contracts import load_csv
from helpers.warehouse.cadence import interval_summary_from_table, stage_intervals_expr


def _messages_with_stages(ref):
    schema = ref("CADENCE_MESSAGES", "helpers.cadence.schemas")
    messages = load_csv("data/synthetic/cadence_messages.csv", schema)
    stages = ref("STAGES", "helpers.cadence.constants", "helpers.cadence.stages")
    # deterministic stage runs of varying length (the stage logic itself is the cadence package's)
    rank = messages.groupby("customer_id").cumcount()
    code = (rank // 3 + messages["customer_id"].str[-1].map(ord)) % len(stages)
    return messages.assign(stage=np.asarray(stages, dtype=object)[code.to_numpy()])


def test_intervals_by_hand(engine):
    m = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "a"],
                      "sent_at": pd.to_datetime(["2024-03-04T12:00+09:00", "2024-03-11T12:00+09:00",
                                                 "2024-03-25T12:00+09:00", "2024-03-05T00:00+00:00",
                                                 "2024-03-26T00:00+09:00"], utc=True),
                      "stage": ["cart", "cart", "inactive", "cart", "inactive"]})
    got = stage_intervals_expr(engine(m)).execute().sort_values(["customer_id", "days"])
    assert got.values.tolist() == [["a", "inactive", 0.5], ["a", "cart", 7.0]]


def test_intervals_and_summary_equal_reference(engine, ref):
    messages = _messages_with_stages(ref)
    intervals = ref("stage_intervals", "helpers.cadence.intervals", "helpers.cadence")
    summary = ref("interval_summary", "helpers.cadence.intervals", "helpers.cadence")
    stages = ref("STAGES", "helpers.cadence.constants", "helpers.cadence.stages")
    policy = ref("POLICY_INTERVAL_DAYS", "helpers.cadence.constants", "helpers.cadence.stages")
    expected = intervals(messages, messages["stage"])
    table = stage_intervals_expr(engine(messages))
    got = table.execute()
    key = ["customer_id", "stage", "days"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True)[key],
                                  expected.sort_values(key).reset_index(drop=True)[key], check_dtype=False)
    exp_summary = summary(expected, policy, level=0.999)
    got_summary = interval_summary_from_table(table, stages=stages, policy=policy, level=0.999)
    pd.testing.assert_frame_equal(got_summary, exp_summary[got_summary.columns], check_dtype=False)
    assert got_summary["intervals"].sum() == len(expected) > 100
