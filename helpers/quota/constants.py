"""Constants of the quota domain, declared once (light: no pandas): the supported series frequencies.

:func:`freq_spec` turns the ``freq`` parameter into its :class:`FreqSpec`; the loader, the models
and the simulator all read the frequencies from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.params import ParameterError


@dataclass(frozen=True)
class FreqSpec:
    """How a series frequency is modelled.

    ``season`` is the seasonal-naive lag (7 days; 12 months); ``cycle`` the longest seasonal
    cycle in periods (a year), and ``min_periods`` = 2 × ``cycle`` the shortest history allowed.
    """

    code: str
    label: str
    season: int
    cycle: int

    @property
    def min_periods(self) -> int:
        return 2 * self.cycle


#: Supported frequencies (pandas offset aliases).
FREQS: dict[str, FreqSpec] = {
    "D": FreqSpec("D", "day", season=7, cycle=365),
    "MS": FreqSpec("MS", "month", season=12, cycle=12),
}


def freq_spec(freq: str) -> FreqSpec:
    """The :class:`FreqSpec` of a frequency code (``"D"`` or ``"MS"``).

    Raises
    ------
    ParameterError
        If ``freq`` is not one of :data:`FREQS`.

    Examples
    --------
    >>> freq_spec("MS").season, freq_spec("D").min_periods
    (12, 730)
    """
    if freq not in FREQS:
        raise ParameterError(f"parameter 'freq' = {freq!r} is not allowed; choose one of {list(FREQS)}")
    return FREQS[freq]
