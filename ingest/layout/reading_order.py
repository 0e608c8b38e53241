"""Reading order for words on a page: recursive XY-cut that reads columns one after another.

A vertical cut (a column gutter) is only accepted when both sides hold prose, so the columns of a financial table
(labels on the left, numbers on the right) stay together line by line instead of being read column by column.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.layout.blocks import BBox


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    rtl: bool = False  # written right to left (Arabic, Hebrew): consecutive such words are read from the right

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


_MIN_GUTTER = 9.0  # points of empty space between columns
_MIN_COLUMN_WIDTH = 90.0


def _gaps(intervals: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Empty stretches of at least ``min_gap`` between the union of ``intervals`` (sorted output)."""
    intervals = sorted(intervals)
    gaps = []
    end = intervals[0][1]
    for start, stop in intervals[1:]:
        if start - end >= min_gap:
            gaps.append((end, start))
        end = max(end, stop)
    return gaps


def _is_prose(words: Sequence[Word]) -> bool:
    """Mostly words with letters, and lines of several words: a text column, not a column of table cells."""
    alpha = sum(1 for w in words if any(c.isalpha() for c in w.text))
    if len(words) < 6 or alpha < 0.6 * len(words):
        return False
    return len(words) / len(group_lines(list(words))) >= 4.0


def _vertical_cut(words: list[Word]) -> tuple[list[Word], list[Word]] | None:
    gaps = _gaps([(w.x0, w.x1) for w in words], _MIN_GUTTER)
    best = None
    for g0, g1 in gaps:
        left = [w for w in words if w.x1 <= g0 + 0.5]
        right = [w for w in words if w.x0 >= g1 - 0.5]
        if not left or not right:
            continue
        lw = max(w.x1 for w in left) - min(w.x0 for w in left)
        rw = max(w.x1 for w in right) - min(w.x0 for w in right)
        if lw < _MIN_COLUMN_WIDTH or rw < _MIN_COLUMN_WIDTH or not (_is_prose(left) and _is_prose(right)):
            continue
        # Both sides must run down a good part of the region: a gutter, not a gap in one line.
        height = max(w.bottom for w in words) - min(w.top for w in words)
        lh = max(w.bottom for w in left) - min(w.top for w in left)
        rh = max(w.bottom for w in right) - min(w.top for w in right)
        if min(lh, rh) < 0.3 * height:
            continue
        width = g1 - g0
        if best is None or width > best[0]:
            best = (width, left, right)
    return (best[1], best[2]) if best else None


def _horizontal_cut(words: list[Word]) -> tuple[list[Word], list[Word]] | None:
    """Split at the widest empty horizontal stretch (at least ~half a line high)."""
    heights = sorted(w.bottom - w.top for w in words)
    line_height = heights[len(heights) // 2]
    gaps = _gaps([(w.top, w.bottom) for w in words], max(line_height * 0.5, 2.0))
    if not gaps:
        return None
    g0, g1 = max(gaps, key=lambda g: g[1] - g[0])
    cut = (g0 + g1) / 2
    above = [w for w in words if (w.top + w.bottom) / 2 < cut]
    below = [w for w in words if (w.top + w.bottom) / 2 >= cut]
    return (above, below) if above and below else None


def reading_order(words: list[Word], depth: int = 0) -> list[list[Word]]:
    """Split ``words`` into regions in reading order (columns left to right, bands top to bottom)."""
    if len(words) < 2 or depth > 80:
        return [words] if words else []
    cut = _vertical_cut(words) or _horizontal_cut(words)
    if cut is None:
        return [words]
    return reading_order(cut[0], depth + 1) + reading_order(cut[1], depth + 1)


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Group the words of one region into lines (top to bottom, each left to right)."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        if lines:
            last = lines[-1]
            ref = last[0]
            tol = max(2.0, 0.5 * min(ref.bottom - ref.top, w.bottom - w.top))
            if abs(w.top - ref.top) <= tol or abs(w.bottom - ref.bottom) <= tol:
                last.append(w)
                continue
        lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def line_text(line: list[Word]) -> str:
    """Words joined by spaces; a wide gap inside a line (a table-like row) becomes ' | '. A run of right-to-left
    words (laid out left to right on the page) is read from its rightmost word."""
    cells: list[list[list[Word]]] = [[[line[0]]]]  # cells split by wide gaps; in each, runs of same direction
    for prev, word in itertools.pairwise(line):
        if word.x0 - prev.x1 > max(12.0, 2.5 * word.size):
            cells.append([[word]])
        elif word.rtl == prev.rtl:
            cells[-1][-1].append(word)
        else:
            cells[-1].append([word])
    return " | ".join(
        " ".join(w.text for run in cell for w in (reversed(run) if run[0].rtl else run)) for cell in cells
    )
