"""The application icon ships in resources/icons at the sizes desktops ask for."""

import struct
import xml.etree.ElementTree as ET

import pytest

from nnviz.resources import resource


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize(
    ("name", "size"),
    [("nnviz.png", 256), ("nnviz-64.png", 64), ("nnviz-48.png", 48), ("nnviz-32.png", 32)],
)
def test_icon_png_sizes(name, size):
    assert png_size(resource("icons", name).read_bytes()) == (size, size)


def test_icon_svg_is_a_square_svg():
    root = ET.parse(resource("icons", "nnviz.svg")).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"
