import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from ingest.chart_colours import PALETTE, colour_names, colour_shares
from tests.conftest import corpus_file


def _bars(colours: list[tuple[int, int, int]], size=(1200, 800)) -> Image.Image:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate(colours):
        draw.rectangle((100, 100 + i * 150, 100 + 300 * (i + 1), 200 + i * 150), fill=colour)
    return image


def test_bars_are_named_by_their_palette_colours_largest_first() -> None:
    image = _bars([PALETTE["dark brown"], PALETTE["light orange"], PALETTE["grey blue"]])
    assert colour_names(image) == ["grey blue", "light orange", "dark brown"]


def test_each_colour_carries_the_share_of_the_drawing_it_covers() -> None:
    image = _bars([PALETTE["dark brown"], PALETTE["grey blue"]])  # bars of 300 x 100 and 600 x 100 pixels
    shares = colour_shares(image)
    assert list(shares) == colour_names(image) == ["grey blue", "dark brown"]
    assert abs(shares["grey blue"] - 2 / 3) < 0.01 and abs(shares["dark brown"] - 1 / 3) < 0.01
    assert colour_shares(Image.new("RGB", (64, 64), "white")) == {}


def test_a_white_or_off_white_background_is_not_a_colour() -> None:
    assert colour_names(Image.new("RGB", (640, 480), (250, 250, 247))) == []
    assert colour_names(_bars([PALETTE["green"]])) == ["green"]


def test_blurred_edges_do_not_add_lighter_colours() -> None:
    """Anti-aliasing blends a red line into the white: the blend is not a pink series."""
    image = Image.new("RGB", (1600, 1000), "white")
    draw = ImageDraw.Draw(image)
    for y in range(100, 900, 100):
        draw.line((50, y, 1550, y + 50), fill=PALETTE["red"], width=12)
    assert colour_names(image.filter(ImageFilter.GaussianBlur(2))) == ["red"]


def test_a_chart_below_the_share_names_nothing_small() -> None:
    image = _bars([PALETTE["purple"]], size=(4000, 4000))
    ImageDraw.Draw(image).rectangle((3000, 3000, 3010, 3010), fill=PALETTE["yellow"])  # a speck
    assert colour_names(image) == ["purple"]


def test_a_real_chart_names_its_series_colours() -> None:
    """A Pew bar chart drawn in dark yellow (the corpus question asks for "the dark yellow bar")."""
    image = Image.open(corpus_file("charts", "png", "group_234_chart1.png"))
    names = colour_names(image)
    assert names[0] == "dark yellow"
    assert colour_shares(image)["dark yellow"] > 0.9  # the bars are nearly all of the drawing
    assert "blue" not in names and "green" not in names


def test_a_photograph_of_noise_is_classified_in_bounded_blocks() -> None:
    """Hundreds of thousands of distinct colours (the worst case for classifying each distinct colour once)."""
    noise = np.random.default_rng(0).integers(0, 256, (600, 800, 3), dtype=np.uint8)
    noise[:, ::2] = noise[:, 1::2]  # pairs of equal pixels: anti-aliasing filter keeps few
    noise[::2] = noise[1::2]
    names = colour_names(Image.fromarray(noise))
    assert names and set(names) <= set(PALETTE)
