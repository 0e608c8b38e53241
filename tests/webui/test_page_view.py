"""Page images for the UI's viewer: outlines that stay visible, region crops, cheap page counts, on real files."""

from __future__ import annotations

import numpy as np

from tests.conftest import corpus_file
from webui.page_view import OUTLINE, crop_region, outline_region, page_count, page_image


def _outlined(image) -> np.ndarray:
    pixels = np.asarray(image)
    return np.all(pixels == OUTLINE, axis=-1)


def test_a_region_that_fills_the_page_is_outlined_along_its_edges() -> None:
    chart = corpus_file("charts", "png", "group_189_chart1.png")
    image = page_image(chart, 1)
    outlined = _outlined(outline_region(image, [0, 0, image.width, image.height], [image.width, image.height]))
    assert outlined[:, 0].mean() > 0.9 and outlined[0, :].mean() > 0.9 and outlined[-1, :].mean() > 0.9


def test_crop_region_cuts_the_box_with_a_margin_and_page_count_reads_files_cheaply() -> None:
    pdf = corpus_file("parsers", "samplefiles__multicolumn.pdf")
    assert page_count(pdf) == 3 and page_count(corpus_file("charts", "png", "group_189_chart1.png")) == 1
    assert page_count(corpus_file("parsers", "README.md")) == 0
    image = page_image(pdf, 2)
    crop = crop_region(image, [100, 100, 300, 200], [image.width, image.height], margin=8)
    assert crop.size == (216, 116)
    assert crop_region(image, [], []).size == image.size
