"""Light (the projector default) and dark themes: a Qt palette plus the heatmap colours.

The heatmap map is diverging and centred at 0: ColorBrewer's RdBu (colour-blind safe) in the
light theme, a dark-centred blue–red in the dark one, so 0 always reads as "nothing".
"""

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEME_PROPERTY = "nnvizTheme"


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    window: str  # window background
    base: str  # panels, text fields
    alt_base: str
    text: str
    muted: str  # secondary text: shapes, notes
    button: str
    highlight: str  # the current timeline step
    highlight_text: str
    outline: str  # outlined operand cells
    selection: str  # the selected / hovered result cell
    grid: str  # thin lines between cells
    map_stops: tuple[str, ...]  # from the most negative to the most positive value
    plot_line: str

    def colormap(self) -> pg.ColorMap:
        pos = np.linspace(0.0, 1.0, len(self.map_stops))
        return pg.ColorMap(pos, [QColor(c) for c in self.map_stops])


LIGHT = Theme(
    name="light",
    window="#f0f0f0",
    base="#ffffff",
    alt_base="#f7f7f7",
    text="#1a1a1a",
    muted="#5a5a5a",
    button="#e8e8e8",
    highlight="#cfe3f5",
    highlight_text="#0b2540",
    outline="#000000",
    selection="#000000",
    grid="#ffffff",
    map_stops=(
        "#2166ac",
        "#4393c3",
        "#92c5de",
        "#d1e5f0",
        "#f7f7f7",
        "#fddbc7",
        "#f4a582",
        "#d6604d",
        "#b2182b",
    ),
    plot_line="#1f5fa8",
)

DARK = Theme(
    name="dark",
    window="#202124",
    base="#17181a",
    alt_base="#25262a",
    text="#e8e8e8",
    muted="#a8a8a8",
    button="#2d2e32",
    highlight="#27466b",
    highlight_text="#ffffff",
    outline="#ffd84a",
    selection="#ffffff",
    grid="#17181a",
    map_stops=(
        "#a6d0f0",
        "#5c9fd6",
        "#2f6496",
        "#24364c",
        "#2a2a2a",
        "#5e2f2b",
        "#a8473c",
        "#e06a55",
        "#f6b49a",
    ),
    plot_line="#7ab8f5",
)

THEMES = {t.name: t for t in (LIGHT, DARK)}


def theme_named(name: str) -> Theme:
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"no theme {name!r}; the themes are {', '.join(THEMES)}") from None


def current_theme() -> Theme:
    app = QApplication.instance()
    name = app.property(THEME_PROPERTY) if app is not None else None
    return THEMES.get(str(name), LIGHT)


def palette(theme: Theme) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: theme.window,
        role.WindowText: theme.text,
        role.Base: theme.base,
        role.AlternateBase: theme.alt_base,
        role.Text: theme.text,
        role.Button: theme.button,
        role.ButtonText: theme.text,
        role.ToolTipBase: theme.base,
        role.ToolTipText: theme.text,
        role.PlaceholderText: theme.muted,
        role.Highlight: theme.highlight,
        role.HighlightedText: theme.highlight_text,
        role.BrightText: "#ff5555",
        role.Link: theme.plot_line,
    }
    for r, c in colours.items():
        p.setColor(r, QColor(c))
    p.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(theme.muted))
    p.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(theme.muted))
    p.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(theme.muted))
    return p


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Fusion everywhere (the same look on every platform and offscreen) with the palette."""
    if app.style().name().lower() != "fusion":
        style = QStyleFactory.create("Fusion")
        if style is not None:
            app.setStyle(style)
    app.setPalette(palette(theme))
    app.setProperty(THEME_PROPERTY, theme.name)
    pg.setConfigOptions(background=theme.base, foreground=theme.text)
