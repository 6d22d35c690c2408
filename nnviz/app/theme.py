"""Light (the projector default) and dark themes: a Qt palette plus the heatmap colours.

The heatmap maps are diverging and centred at 0, so 0 always reads as "nothing", and
colour-blind safe: purple–orange (ColorBrewer's PuOr, the default) and blue–red (RdBu). Each
has a light-centred form for the light theme and a dark-centred one for the dark theme whose
lightness rises from the centre as fast as the light form's falls, so a small value stands out
from the background equally in both. In greyscale print the magnitude reads as the distance
from the centre's grey; PuOr's negative end is darker than its positive end, so the sign
survives a little too (the numbers say it exactly).
"""

from dataclasses import dataclass, replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEME_PROPERTY = "nnvizTheme"
MAP_PROPERTY = "nnvizColourMap"


@dataclass(frozen=True, slots=True)
class ColourMap:
    """A diverging map: stops from the most negative to the most positive value, per theme."""

    name: str
    title: str  # as the View menu names it
    light: tuple[str, ...]
    dark: tuple[str, ...]


COLOUR_MAPS = {
    m.name: m
    for m in (
        ColourMap(
            "PuOr",
            "Purple – orange",
            light=(
                "#2d004b",
                "#542788",
                "#8073ac",
                "#b2abd2",
                "#d8daeb",
                "#f7f7f7",
                "#fee0b6",
                "#fdb863",
                "#e08214",
                "#b35806",
                "#7f3b08",
            ),
            dark=(
                "#e4dcff",
                "#b9a8f0",
                "#8f78d6",
                "#6a52ad",
                "#4b3d73",
                "#3b3b3b",
                "#6e4a1c",
                "#a5661a",
                "#dc8a24",
                "#f7b45e",
                "#ffe0b0",
            ),
        ),
        ColourMap(
            "RdBu",
            "Blue – red",
            light=(
                "#053061",
                "#2166ac",
                "#4393c3",
                "#92c5de",
                "#d1e5f0",
                "#f7f7f7",
                "#fddbc7",
                "#f4a582",
                "#d6604d",
                "#b2182b",
                "#67001f",
            ),
            dark=(
                "#d6ecff",
                "#a6d0f0",
                "#5c9fd6",
                "#2f74b0",
                "#2a4a6e",
                "#3b3b3b",
                "#74352d",
                "#b24a3c",
                "#e06a55",
                "#f6a58a",
                "#ffd9c9",
            ),
        ),
    )
}
DEFAULT_MAP = "PuOr"


def colour_map_named(name: str) -> ColourMap:
    try:
        return COLOUR_MAPS[name]
    except KeyError:
        raise ValueError(f"no colour map {name!r}; the maps are {', '.join(COLOUR_MAPS)}") from None


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
    plot_line: str
    map_name: str = DEFAULT_MAP  # the heatmaps' colour map (COLOUR_MAPS)

    @property
    def map_stops(self) -> tuple[str, ...]:
        """The map's colours from the most negative to the most positive value."""
        m = COLOUR_MAPS.get(self.map_name, COLOUR_MAPS[DEFAULT_MAP])
        return m.dark if self.name == "dark" else m.light

    @property
    def key(self) -> tuple[str, str]:
        """What the drawn colours depend on: caches key on this, not on the name alone."""
        return self.name, self.map_name

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
    theme = THEMES.get(str(name), LIGHT)
    chosen = app.property(MAP_PROPERTY) if app is not None else None
    if chosen in COLOUR_MAPS and chosen != theme.map_name:
        theme = replace(theme, map_name=str(chosen))
    return theme


def set_colour_map(app: QApplication, name: str) -> None:
    """Draw the heatmaps with map `name` from now on (the views redraw on themeChanged)."""
    colour_map_named(name)  # refuses an unknown name before anything changes
    app.setProperty(MAP_PROPERTY, name)


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
