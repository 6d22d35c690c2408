"""The main window itself: its title marks unsaved work, its docks hold the right views. Each
feature the window shows has its own file (test_keys, test_step_view, test_files, …)."""

from nnviz.app.document import RESULT


def test_title_names_the_session_and_marks_unsaved_changes(window, doc):
    assert window.windowTitle() == "Seed 001 as a 2-3-2 network[*] — nnviz"
    assert not window.isWindowModified()
    doc.set_cell("W", layer=1, i=0, j=0, value=0.2)
    assert window.isWindowModified()
    doc.undo_stack.undo()
    assert not window.isWindowModified()


def test_the_right_docks_hold_the_diagram_the_loss_and_the_editors(qtbot, window, doc):
    from nnviz.app.views.diagram import LayerDiagram
    from nnviz.app.views.editors import MatrixEditors

    assert isinstance(window.network_dock.widget(), LayerDiagram)
    assert window.editors is None  # made when first shown: it is tabbed behind the loss
    window.editors_dock.raise_()
    qtbot.waitUntil(lambda: isinstance(window.editors_dock.widget(), MatrixEditors))
    assert window.loss_dock.widget() is window.loss_plot
    doc.select_cell(RESULT, 0, 2)  # P⁽¹⁾[0,2]: the diagram marks the unit it feeds
    assert window.network.marked()


def test_the_window_title_marks_another_iteration_unsaved(qtbot, window, doc):
    assert not window.isWindowModified()
    with qtbot.waitSignal(doc.modifiedChanged):
        doc.next_iteration()
    assert window.isWindowModified()
    assert window.windowTitle().endswith("[*] — nnviz")
    doc.prev_iteration()
    assert not window.isWindowModified()
    doc.set_cell("W", layer=1, i=0, j=0, value=0.2)
    assert window.isWindowModified()
    doc.undo_stack.undo()
    assert not window.isWindowModified()
