"""Array type aliases shared by the core."""

import numpy as np
from numpy.typing import NDArray

Mat = NDArray[np.float64]
