"""pyqtgraph's PlotWidget with its menus owned by the widget."""

import pyqtgraph as pg


class PlotWidget(pg.PlotWidget):
    """A PlotWidget whose PlotItem menus are deleted with it.

    pyqtgraph makes the PlotItem's "Plot Options" menu (and its six submenus) without a
    parent: live top-level widgets that go only when Python collects the PlotItem, which a
    reference cycle through Qt can put off for ever (1,732 of them were left after the window
    tests). Children of the widget, they go when it goes; nnviz never shows them.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        menu = self.getPlotItem().ctrlMenu
        menu.setParent(self, menu.windowFlags())  # still a popup, as pyqtgraph made it
