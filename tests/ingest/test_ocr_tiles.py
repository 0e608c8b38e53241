import itertools

import numpy as np

from ingest.ocr_tiles import TILE_SIDE, _cuts


def test_cuts_fall_on_blank_lines_within_the_tile_size() -> None:
    length = 3 * TILE_SIDE + 500
    blank = np.zeros(length, dtype=bool)
    blank[TILE_SIDE - 300] = blank[2 * TILE_SIDE - 700] = True  # gaps between lines, near the ideal cuts
    cuts = _cuts(blank, length)
    assert cuts[0] == 0 and cuts[-1] == length
    assert cuts[1] == TILE_SIDE - 300 and cuts[2] == 2 * TILE_SIDE - 700
    assert all(0 < b - a <= TILE_SIDE for a, b in itertools.pairwise(cuts))


def test_without_blank_lines_cuts_are_tile_sized() -> None:
    cuts = _cuts(np.zeros(2 * TILE_SIDE + 1, dtype=bool), 2 * TILE_SIDE + 1)
    assert cuts == [0, TILE_SIDE, 2 * TILE_SIDE, 2 * TILE_SIDE + 1]


def test_a_short_image_is_one_tile() -> None:
    assert _cuts(np.ones(TILE_SIDE, dtype=bool), TILE_SIDE) == [0, TILE_SIDE]
