"""One seaborn theme for every notebook, money and percent formatters, fixed colours.

Colours come from the colour-blind-safe Okabe–Ito palette; the same company or segment keeps
the same colour in every plot (:func:`color_for`).
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from helpers.tables import SYMBOLS as CURRENCY_SYMBOLS

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

#: Fixed colours for names that recur across notebooks.
NAMED_COLORS = {
    "amazon": "#E69F00",
    "coupang": "#0072B2",
    "coupang_corp": "#56B4E9",
    "member": "#009E73",
    "non_member": "#999999",
    "baseline": "#0072B2",
    "target": "#D55E00",
    "promo": "#E69F00",
    "holdout": "#999999",
    "targeted": "#0072B2",
}

SCALES = {1: "", 1e3: "K", 1e6: "M", 1e9: "B", 1e12: "T"}


def figure_title(fig: mpl.figure.Figure) -> str:
    """The figure's title (suptitle, else its axes' titles): its alt text in the reports."""
    sup = fig._suptitle.get_text().strip() if getattr(fig, "_suptitle", None) is not None else ""
    titles = [title for ax in fig.axes for loc in ("center", "left", "right")
              if (title := ax.get_title(loc=loc).strip())]
    return sup or "; ".join(titles) or "figure"


def _png_with_alt(fig: mpl.figure.Figure) -> tuple[bytes, dict[str, str]]:
    from IPython.core.pylabtools import print_figure

    data = print_figure(fig, "png", bbox_inches="tight")
    return data, {"alt": figure_title(fig)}


def show(fig: mpl.figure.Figure) -> None:
    """Display a figure once (pyplot or not) as a PNG whose alt text is the figure's title."""
    from IPython.display import display

    register_alt_text()
    display(fig)


def register_alt_text() -> None:
    """In IPython, show figures as PNG with their title as alt text (reports use it for ``<img alt>``)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the kernel
        return
    shell = get_ipython()
    if shell is None:
        return
    plt.switch_backend(mpl.get_backend())  # load the inline backend first: it installs its own formatters
    shell.display_formatter.formatters["image/png"].for_type(mpl.figure.Figure, _png_with_alt)


def use_style() -> None:
    """Apply the project theme (call once at the top of a notebook)."""
    register_alt_text()
    sns.set_theme(context="notebook", style="whitegrid", palette=OKABE_ITO)
    mpl.rcParams.update({
        "figure.figsize": (9, 4.8),
        "figure.dpi": 100,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "savefig.bbox": "tight",
    })


def color_for(name: str) -> str:
    """The fixed colour for a recurring name, else a stable palette colour for it."""
    key = str(name).lower().replace(" ", "_").replace("-", "_")
    if key in NAMED_COLORS:
        return NAMED_COLORS[key]
    return OKABE_ITO[sum(map(ord, key)) % len(OKABE_ITO)]


def palette_for(names: Iterable[str]) -> dict[str, str]:
    """A ``{name: colour}`` mapping for seaborn's ``palette=`` argument.

    Named entities keep their fixed colour; others take distinct palette colours in order.
    """
    names = list(dict.fromkeys(names))
    out: dict[str, str] = {}
    spare = [c for c in OKABE_ITO if c not in NAMED_COLORS.values()] + OKABE_ITO
    i = 0
    for n in names:
        key = str(n).lower().replace(" ", "_").replace("-", "_")
        if key in NAMED_COLORS:
            out[n] = NAMED_COLORS[key]
        else:
            out[n] = spare[i % len(spare)]
            i += 1
    return out


def format_money(value: float, currency: str, scale: float = 1, decimals: int = 1) -> str:
    """Format an amount with its currency, e.g. ``format_money(637_959e6, "USD", 1e9)`` → ``'$638.0B'``.

    Examples
    --------
    >>> format_money(637_959e6, "USD", 1e9)
    '$638.0B'
    >>> format_money(10_000, "KRW", decimals=0)
    '₩10,000'

    A loss carries a minus sign (U+2212) before the currency, as report tables write it, and an
    amount that rounds to zero carries none:

    >>> format_money(-3_241_000, "KRW", 1e6), format_money(-0.04, "USD")
    ('−₩3.2M', '$0.0')
    """
    if scale not in SCALES:
        raise ValueError(f"scale {scale!r} must be one of {list(SCALES)}")
    symbol = CURRENCY_SYMBOLS.get(currency)
    body = f"{abs(value) / scale:,.{decimals}f}"
    sign = "−" if value < 0 and body.strip("0.,") else ""
    number = f"{body}{SCALES[scale]}"
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


def money_axis(ax: Axes, currency: str, scale: float = 1, axis: str = "y", decimals: int = 0) -> Axes:
    """Format an axis as money in ``currency`` (values divided by ``scale``)."""
    fmt = FuncFormatter(lambda v, _pos: format_money(v, currency, scale, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
    return ax


def percent_axis(ax: Axes, axis: str = "y", decimals: int = 0) -> Axes:
    """Format an axis holding fractions (0.25) as percentages (25%)."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(1.0, decimals=decimals))
    return ax


def format_pct(value: float, decimals: int = 1) -> str:
    """Format a fraction as a percentage string.

    Examples
    --------
    >>> format_pct(0.3872)
    '38.7%'
    """
    return f"{value * 100:.{decimals}f}%"


def finish(ax: Axes, title: str, xlabel: str | None = None, ylabel: str | None = None,
           note: str | None = None) -> Axes:
    """Set a finding-stating title and labelled axes; ``note`` goes under the plot (sources, caveats)."""
    ax.set_title(title, loc="left")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if note:
        ax.figure.text(0.01, -0.02, note, ha="left", va="top", fontsize=8, color="#555555",
                       wrap=True)
    return ax


__all__ = ["use_style", "color_for", "palette_for", "format_money", "money_axis", "percent_axis",
           "format_pct", "finish", "plt", "OKABE_ITO", "NAMED_COLORS"]


register_alt_text()
