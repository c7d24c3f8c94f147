"""Popularity and co-occurrence on DuckDB (Ibis, from Parquet) equal the pandas path exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from helpers.recommend.engine import co_occurrence_from_table, popularity_from_table
from helpers.recommend.load import read_events
from helpers.recommend.models import popularity
from helpers.recommend.protocol import make_split

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning",
                                        "ignore:The 'future.infer_string' option is deprecated")


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    from helpers.recommend.schemas import EVENTS
    from helpers.warehouse.contracts import check
    from helpers.warehouse.sources import read_source

    events, _ = read_events("data/synthetic/recommend_events.csv")
    events = events[events["event_time"] < "2025-03-01"]  # a smaller log keeps the test under 2 s
    path = tmp_path_factory.mktemp("pq") / "events.parquet"
    events.assign(event_time=events["event_time"].dt.strftime("%Y-%m-%dT%H:%M:%S")).to_parquet(path)
    return events, check(read_source(str(path)), EVENTS, source=str(path))


def test_popularity_on_the_engine_equals_pandas(sources):
    events, t = sources
    split = make_split(events, "2025-02-15", exclude_purchased=False)
    ours = pd.Series(popularity(split), index=split.items)
    got = popularity_from_table(t, "2025-02-15").set_index("product_id")["buyers"]
    assert got.to_dict() == {k: int(v) for k, v in ours[ours > 0].items()}


def test_co_occurrence_on_the_engine_equals_the_sparse_product(sources):
    events, t = sources
    train = events[events["event_time"] < "2025-02-15"][["customer_id", "product_id"]].drop_duplicates()
    users, items = np.sort(train["customer_id"].unique()), np.sort(train["product_id"].unique())
    A = sp.csr_matrix((np.ones(len(train)), (pd.Index(users).get_indexer(train["customer_id"]),
                                             pd.Index(items).get_indexer(train["product_id"]))))
    C = sp.triu((A.T @ A).tocsr(), k=1).tocoo()
    want = {(items[i], items[j]): int(v) for i, j, v in zip(C.row, C.col, C.data, strict=True) if v >= 2}
    got = co_occurrence_from_table(t, "2025-02-15", min_shoppers=2)
    assert {(a, b): s for a, b, s in got.itertuples(index=False)} == want and len(want) > 100
