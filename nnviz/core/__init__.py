"""The NumPy compute core of nnviz. Never imports Qt."""
