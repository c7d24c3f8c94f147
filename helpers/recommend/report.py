"""What notebook 07 shows: tables, prose and recorded results, built from the evaluation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.contracts import ParameterError
from helpers.privacy import pseudonymise
from helpers.recommend.evaluate import LABELS, PERSONAL, Evaluation
from helpers.recommend.load import EventLog
from helpers.recommend.params import inside_reports
from helpers.recommend.schemas import CONSENT, EVENTS
from helpers.results import record
from helpers.tables import format_value, table

RECORDED = ("popularity", "popularity_segment", "item_knn", "als", "ease")
METRIC_COLS = ("recall_at_k", "precision_at_k", "hit_rate_at_k", "ndcg_at_k", "coverage", "mean_popularity")


def _pct(x: float) -> str:
    return format_value(x, "pct")


def _setting(ev: Evaluation, name: str) -> str:
    hp = ev.best_settings.get(name, {})
    return ", ".join(f"{k} = {v:g}" for k, v in hp.items()) or "—"


def answer_markdown(ev: Evaluation, log: EventLog) -> str:
    """The answer in two or three sentences, for the top of the notebook."""
    lift, k = ev.best_lift, ev.setup.k
    pop = ev.summary.loc["popularity", "recall_at_k"]
    best = ev.summary.loc[ev.best_model, "recall_at_k"]
    verdict = {"beats": "beats", "loses": "does worse than", "cannot tell": "cannot be told apart from"}[lift.verdict]
    text = (f"On {ev.split.counts['test_customers']:,} test customers, **{LABELS[ev.best_model]}** (chosen on the "
            f"validation period) {verdict} showing everyone the best sellers: recall@{k} {_pct(best)} against "
            f"{_pct(pop)}, a ratio of {lift.ratio:.2f} ({lift.level:.0%} interval {lift.ratio_low:.2f}–"
            f"{lift.ratio_high:.2f}).")
    if "oracle" in ev.summary.index:
        text += (f" A ranking that knew the planted tastes reaches {_pct(ev.summary.loc['oracle', 'recall_at_k'])}: "
                 "the ceiling on this synthetic log.")
    weak = ev.segments[ev.segments["verdict"] != "beats"]["segment"].tolist()
    if weak:
        text += f" Personalisation does not clearly beat popularity for: {', '.join(weak)} shoppers."
    if log.synthetic:
        text += " The data are synthetic, with tastes planted strongly enough for this to be true."
    return text


def events_contract() -> str:
    """The event-log and consent contracts as Markdown."""
    return EVENTS.to_markdown() + "\n\n**Consent** (`consent_path`):\n\n" + CONSENT.to_markdown()


def data_table(log: EventLog, split) -> object:
    """Size of the log and of the split."""
    c = split.counts
    e = log.events
    rows = [("source", log.source + (" (synthetic)" if log.synthetic else "")), ("engine", log.engine),
            ("events", f"{len(e):,}"), ("shoppers", f"{e['customer_id'].nunique():,}"),
            ("products", f"{e['product_id'].nunique():,}"),
            ("first / last event", f"{e['event_time'].min():%Y-%m-%d} / {e['event_time'].max():%Y-%m-%d}"),
            ("split_date / test_end", f"{split.split_date:%Y-%m-%d} / {split.test_end:%Y-%m-%d}"),
            ("train events", f"{c['train_events']:,}"), ("test purchases", f"{c['test_purchases']:,}"),
            ("test customers", f"{c['test_customers']:,}"),
            ("relevant products never seen in train", f"{c['relevant_unseen_in_train']:,}")]
    return table(pd.DataFrame(rows, columns=["what", "value"]), caption="The log and the split")


def quality_table(log: EventLog):
    """Rows changed by the one-price-per-product rule."""
    return table(log.quality, {"products": "count", "rows": "count"}, caption="Data quality: rules applied")


def tuning_table(ev: Evaluation):
    """Recall@k of every grid point on the validation split; the chosen settings."""
    t = ev.tuning.assign(model=ev.tuning["model"].map(LABELS))
    a = ev.tuning.attrs
    return table(t, {"recall_at_k": "pct", "chosen": "bool"},
                 headers={"recall_at_k": f"validation recall@{ev.setup.k}"},
                 caption=f"Hyperparameters tuned on {a['split_date']:%Y-%m-%d} – {a['test_end']:%Y-%m-%d} "
                         f"({a['test_customers']:,} validation customers), before the test period")


def metrics_frame(ev: Evaluation) -> pd.DataFrame:
    """The metrics table as a plain frame (model label first)."""
    s = ev.summary.reset_index()
    s["model"] = s["model"].map(LABELS)
    served = {"model": LABELS["served"], **{m: ev.served[m] for m in METRIC_COLS},
              "price_band_share": ev.served["price_band_share"]}
    return pd.concat([s, pd.DataFrame([served])], ignore_index=True)


def metrics_table(ev: Evaluation):
    """Every model's metrics at k on the test customers."""
    k = ev.setup.k
    kinds = {m: "pct" for m in ("recall_at_k", "precision_at_k", "hit_rate_at_k", "ndcg_at_k", "coverage",
                                "price_band_share")}
    kinds["mean_popularity"] = "ratio"
    return table(metrics_frame(ev), kinds, headers={"recall_at_k": f"recall@{k}", "precision_at_k": f"precision@{k}",
                                                    "hit_rate_at_k": f"hit rate@{k}", "ndcg_at_k": f"NDCG@{k}",
                                                    "coverage": "catalogue coverage",
                                                    "mean_popularity": "mean popularity (train buyers)",
                                                    "price_band_share": "in the shopper's price band"},
                 caption=f"Test period, {ev.split.counts['test_customers']:,} customers, full candidate ranking")


def lift_table(ev: Evaluation):
    """Each model's recall against popularity: ratio and difference with bootstrap intervals."""
    rows = [{"model": LABELS[n], "ratio": x.ratio, "ratio_low": x.ratio_low, "ratio_high": x.ratio_high,
             "difference": x.difference, "difference_low": x.difference_low, "difference_high": x.difference_high,
             "verdict": x.verdict} for n, x in ev.lifts.items()]
    lv = ev.best_lift.level
    return table(pd.DataFrame(rows), {c: "ratio" for c in ("ratio", "ratio_low", "ratio_high")}
                 | {c: "pp" for c in ("difference", "difference_low", "difference_high")},
                 caption=f"Recall@{ev.setup.k} against popularity, {lv:.0%} bootstrap intervals over test customers "
                         f"({ev.best_lift.resamples:,} resamples; Monte-Carlo error of the best model's ratio "
                         f"limits about ±{ev.best_lift.mc_error:.3f})")


def segment_table(ev: Evaluation):
    """Per segment at the split: the best model against popularity."""
    return table(ev.segments, {"best_recall_at_k": "pct", "popularity_recall_at_k": "pct",
                               "segment_popularity_recall_at_k": "pct", "ratio": "ratio", "ratio_low": "ratio",
                               "ratio_high": "ratio"},
                 headers={"best_recall_at_k": f"{LABELS[ev.best_model]} recall@{ev.setup.k}",
                          "popularity_recall_at_k": "popularity recall", "segment_popularity_recall_at_k":
                          "popularity in the segment"},
                 caption="By segment at the split (notebook 06's rules): where personalisation helps")


def similar_table(sim: pd.DataFrame, products: int = 6):
    """The similar-products block for the first few products and a few fallback ones."""
    heads = sim["product_id"].drop_duplicates()
    fall = sim.loc[sim["source"] != "co-occurrence", "product_id"].drop_duplicates()
    keep = list(heads[:products]) + [p for p in fall[:3] if p not in set(heads[:products])]
    shown = sim[sim["product_id"].isin(keep)]
    return table(shown, {"cosine": "number", "rank": "count"}, caption="Similar products (first products, and "
                 "some where the category and price-band fallback fills the block)")


def pairs_table(pairs: pd.DataFrame, n: int = 10, confidence: float = 0.95):
    """The top viewed-then-bought pairs by their Wilson lower bound."""
    return table(pairs.head(n), {"viewers": "count", "support": "count", "p_buy": "pct", "lower": "pct"},
                 headers={"viewers": "viewed A", "support": "then bought B", "p_buy": "P(buy B | viewed A)",
                          "lower": f"lower bound ({confidence:.0%} Wilson)"},
                 caption="Shoppers who viewed A bought B (pairs with the support asked for)")


def served_markdown(ev: Evaluation, consent: pd.DataFrame | None) -> str:
    """How many shoppers get the non-personal block, and why."""
    s = ev.served
    why = ("no consent to personalisation at the split (no record, or withdrawn)" if consent is not None
           else "no consent file: every shopper treated as consenting")
    return (f"Non-personal block (best sellers of the shopper's segment) for **{s['no_consent']:,}** test customers "
            f"({why}) and **{s['cold_start']:,}** with too little history; the rest get "
            f"{LABELS[ev.best_model]}. Served recall@{ev.setup.k}: {_pct(s['recall_at_k'])}.")


def check_text(ev: Evaluation) -> str:
    """Plain-text headline table for nbval."""
    lines = [f"k = {ev.setup.k}, test customers = {ev.split.counts['test_customers']}, best = {ev.best_model}"]
    for name in ev.summary.index:
        r = ev.summary.loc[name]
        lines.append(f"{name:20s} recall {r['recall_at_k']:.4f}  ndcg {r['ndcg_at_k']:.4f}  coverage {r['coverage']:.4f}")
    b = ev.best_lift
    lines.append(f"best lift {b.ratio:.3f} [{b.ratio_low:.3f}, {b.ratio_high:.3f}]")
    return "\n".join(lines)


def record_results(ev: Evaluation, log: EventLog) -> None:
    """Record every key issue 24 names (and the tuned settings)."""
    record("eval.k", ev.setup.k)
    record("eval.test_customers", ev.split.counts["test_customers"])
    for name in RECORDED + (("oracle",) if "oracle" in ev.summary.index else ()):
        for m in METRIC_COLS:
            record(f"eval.{name}.{m}", float(ev.summary.loc[name, m]))
    for name in PERSONAL:
        record(f"eval.{name}.setting", _setting(ev, name))
    record("eval.best_model", ev.best_model)
    b = ev.best_lift
    record("eval.best_recall_lift", b.ratio)
    record("eval.best_recall_lift_low", b.ratio_low)
    record("eval.best_recall_lift_high", b.ratio_high)
    record("eval.best_recall_lift_mc_error", b.mc_error)
    record("eval.served.recall_at_k", float(ev.served["recall_at_k"]))
    record("eval.served.non_personal", int(ev.served["no_consent"] + ev.served["cold_start"]))
    for _, r in ev.segments.iterrows():
        record(f"segment.{r['segment']}.customers", int(r["customers"]))
        record(f"segment.{r['segment']}.best_recall_at_k", float(r["best_recall_at_k"]))
        record(f"segment.{r['segment']}.popularity_recall_at_k", float(r["popularity_recall_at_k"]))
    record("price_band_share", ev.band_shares[ev.best_model])
    record("price_band_share.popularity", ev.band_shares["popularity"])


def bullets(ev: Evaluation) -> str:
    """Interpretation bullets built from the results."""
    s = ev.summary
    out = [f"- Popularity recommends {_pct(s.loc['popularity', 'coverage'])} of the catalogue; "
           f"{LABELS[ev.best_model]} {_pct(s.loc[ev.best_model, 'coverage'])}, with a mean popularity of "
           f"{s.loc[ev.best_model, 'mean_popularity']:.1f} train buyers against {s.loc['popularity', 'mean_popularity']:.1f}.",
           f"- Inside the shopper's price band: {_pct(ev.band_shares[ev.best_model])} of {LABELS[ev.best_model]}'s "
           f"recommendations against {_pct(ev.band_shares['popularity'])} of the best sellers.",
           f"- Best sellers of the shopper's own segment: recall {_pct(s.loc['popularity_segment', 'recall_at_k'])} "
           f"against {_pct(s.loc['popularity', 'recall_at_k'])} for global best sellers."]
    for _, r in ev.segments.iterrows():
        if r["verdict"] != "beats":
            out.append(f"- **{r['segment']}** ({int(r['customers'])} customers): personalisation does not beat "
                       f"popularity here ({r['verdict']}).")
    return "\n".join(out)


def caveats(log: EventLog) -> str:
    """What the numbers do not show."""
    out = ["- Offline replay: the lists are scored against what shoppers bought without seeing them. A shown block "
           "changes what people buy; only an experiment measures that.",
           "- The best model is chosen on the validation period; the test period only measures it."]
    if log.synthetic:
        out.append("- The log is synthetic: shoppers have two favourite categories and a price tier, planted "
                   "strongly, so personal models have something to find; real shops may show smaller lifts.")
    return "\n".join(out)


def write_lists(ev: Evaluation, path: str) -> str:
    """Write the served lists with real customer ids to ``path`` (a CSV outside reports/).

    Returns a sentence saying what was written (ids in it pseudonymised); empty path: nothing.

    Raises
    ------
    ParameterError
        If ``path`` is inside ``reports/``.
    """
    if not path:
        return "No lists written (output_path is empty)."
    if inside_reports(path):
        raise ParameterError(f"parameter 'output_path' = {path!r} is inside reports/; write lists elsewhere")
    from helpers.config import resolve_path

    items = ev.split.items
    rows = []
    for i, cid in enumerate(ev.split.customers):
        block = "recommended_for_you" if ev.served["personal"][i] else "segment_best_sellers"
        rows += [(cid, block, r + 1, items[j]) for r, j in enumerate(ev.served["lists"][i]) if j >= 0]
    out = pd.DataFrame(rows, columns=["customer_id", "block", "rank", "product_id"])
    target = resolve_path(path)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(target, index=False, lineterminator="\n")
    return f"{len(out):,} rows for {out['customer_id'].nunique():,} shoppers written (first: {pseudonymise(out['customer_id'].iloc[0])})."
