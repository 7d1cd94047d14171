"""The main window's parts by concern, each a mixin of :class:`floodpost.ui.mainwindow.MainWindow`.

Their texts are translated in the window's own context ("MainWindow"): at run
time ``self.tr`` would look them up under the window's class anyway.
"""

from __future__ import annotations

# The window's size on a screen that has room for it.
DEFAULT_SIZE = (1400, 900)
# How much larger type, symbols and map labels are in meeting view.
MEETING_SCALE = 1.5


def scale_text(denominator: float, zh: bool) -> str:
    """The map scale rounded to two significant figures: 1:38万 in Chinese, 1:380,000 otherwise."""
    if not denominator or denominator != denominator or denominator <= 0:
        return ""
    digits = len(str(int(denominator))) - 2
    rounded = round(denominator, -digits) if digits > 0 else round(denominator)
    if zh and rounded >= 10000:
        return f"1:{rounded / 10000:g}万"
    return f"1:{rounded:,.0f}"
