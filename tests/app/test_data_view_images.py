"""The batch's pictures after a new iteration: a full batch (the same inputs every
iteration) keeps its pictures and captions the new predictions; a mini-batch shows the new
batch's pictures."""

import numpy as np

from nnviz.app.document import Document
from nnviz.app.views.data_view import DataView
from nnviz.core.session_file import build_session, load_session
from nnviz.resources import example_path


def full_batch_doc() -> Document:
    rng = np.random.default_rng(3)
    return Document(
        build_session(
            layers=[16, 6, 3],
            activations=["relu", "softmax"],
            loss="cross_entropy",
            X=rng.random((12, 16)),  # 12 pictures of 4×4, the whole set every iteration
            Y=np.eye(3)[rng.integers(0, 3, 12)],
            convention="row",
            init={"scheme": "he", "seed": 0},
            name="4x4 pictures",
        )
    )


def ink(image, side: int) -> np.ndarray:
    return np.array([[image.pixelColor(j, i).value() for j in range(side)] for i in range(side)])


def expected_ink(X: np.ndarray, col: int, side: int) -> np.ndarray:
    return np.round(255 - np.clip(X[:, col], 0, 1) * 255).astype(int).reshape(side, side)


def test_a_full_batch_keeps_its_pictures_and_captions_each_new_prediction(qtbot, keep):
    doc = full_batch_doc()
    view = keep(DataView(doc))
    view.show()
    qtbot.waitExposed(view)
    images = view.images
    assert view.currentWidget() is images and len(images.images) == 12
    kept = list(images.images)
    for _ in range(3):
        doc.next_iteration()
        images = view.images  # read from the view: drawn first
        assert images.images == kept  # the same pictures: the inputs did not change
        assert all(a is b for a, b in zip(images.images, kept, strict=True))  # not made again
        truth = doc.session.Y.argmax(axis=0)
        guess = doc.trace.forward.A[-1].argmax(axis=0)
        assert images.captions == list(zip(truth.tolist(), guess.tolist(), strict=True))
    for col in (0, 11):
        assert np.abs(ink(images.images[col], 4) - expected_ink(doc.session.X, col, 4)).max() <= 1
    doc.deleteLater()


def test_a_mini_batch_shows_each_new_batchs_pictures(qtbot, keep):
    doc = Document(load_session(example_path("digits")))  # batches of 32 of 8×8
    view = keep(DataView(doc))
    view.show()
    qtbot.waitExposed(view)
    for _ in range(3):
        doc.next_iteration()
        X = doc.session.X
        assert len(view.images.images) == X.shape[1]
        for col in (0, X.shape[1] - 1):
            assert np.abs(ink(view.images.images[col], 8) - expected_ink(X, col, 8)).max() <= 1
    doc.deleteLater()
