"""Figures of notebook 07."""

from __future__ import annotations

import matplotlib.pyplot as plt

from helpers import plots
from helpers.recommend.evaluate import LABELS, Evaluation


def figure_recall(ev: Evaluation):
    """Recall@k per model with the best model's interval; the oracle ceiling as a line."""
    s = ev.summary
    names = [n for n in s.index if n != "oracle"]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    colors = [plots.OKABE_ITO[0] if n == ev.best_model else "#999999" for n in names]
    ax.barh([LABELS[n] for n in names], s.loc[names, "recall_at_k"], color=colors)
    pop = s.loc["popularity", "recall_at_k"]
    b = ev.best_lift
    i = names.index(ev.best_model)
    ax.errorbar([pop * b.ratio], [i], xerr=[[pop * (b.ratio - b.ratio_low)], [pop * (b.ratio_high - b.ratio)]],
                fmt="none", color="black", capsize=4)
    if "oracle" in s.index:
        ax.axvline(s.loc["oracle", "recall_at_k"], color=plots.OKABE_ITO[3], linestyle="--")
        ax.text(s.loc["oracle", "recall_at_k"], len(names) - 0.5, " oracle ceiling", color=plots.OKABE_ITO[3], va="top")
    plots.percent_axis(ax, axis="x")
    plots.finish(ax, f"{LABELS[ev.best_model]} finds {b.ratio:.2f}× the purchases best sellers find",
                 xlabel=f"recall@{ev.setup.k} (share of new products bought that were in the list)",
                 note=f"Bar: {b.level:.0%} bootstrap interval of the ratio against popularity, scaled to recall.")
    fig.tight_layout()
    return fig
