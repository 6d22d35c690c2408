"""The one exception nnviz raises for input it refuses."""


class NnvizError(ValueError):
    """Input that nnviz refuses; the message names the key, the matrix and the shapes involved."""
