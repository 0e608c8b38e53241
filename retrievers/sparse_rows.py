"""The sparse vectors of an in-memory index as NumPy arrays, row-major and column-major.

What :class:`retrievers.hybrid_index.EmbeddedHybridIndex` needs from a sparse matrix is small: drop some rows and
append others, count each column's rows (document frequency), and score a query that reads a few columns. NumPy
does all of it; SciPy's sparse module cost ~0.5 s of import time in every process that answers a question.
"""

from __future__ import annotations

import numpy as np


class SparseRows:
    """Rows of (column, value) entries, at most one entry per row and column; columns are dense ids 0..width-1."""

    def __init__(self) -> None:
        self.width = 0
        self._indptr = np.zeros(1, dtype=np.int64)  # row r's entries: [indptr[r], indptr[r + 1])
        self._columns = np.zeros(0, dtype=np.int64)
        self._values = np.zeros(0, dtype=np.float32)
        self._column_ptr = np.zeros(1, dtype=np.int64)  # column c's entries in the column-major copy
        self._column_rows = np.zeros(0, dtype=np.int64)
        self._column_values = np.zeros(0, dtype=np.float32)
        self.df = np.zeros(0, dtype=np.int64)  # rows with an entry in each column

    @property
    def rows(self) -> int:
        return len(self._indptr) - 1

    def keep_and_append(
        self, keep: np.ndarray, columns: np.ndarray, values: np.ndarray, lengths: np.ndarray, width: int
    ) -> None:
        """Keep the rows where ``keep`` (one flag per row) is true, then append rows given flat: ``lengths[i]``
        entries each, their ``columns`` and ``values`` one row after the other (entries of one column in a row are
        summed); ``width`` (at least the current one) is the number of columns."""
        old_lengths = np.diff(self._indptr)
        kept = np.repeat(keep, old_lengths)
        new_columns, new_values, new_lengths = _canonical(columns, values, lengths, width)
        columns = np.concatenate([self._columns[kept], new_columns])
        values = np.concatenate([self._values[kept], new_values])
        lengths = np.concatenate([old_lengths[keep], new_lengths])
        self.width = max(width, self.width)
        self._indptr = np.concatenate([[0], np.cumsum(lengths)])
        self._columns, self._values = columns, values
        row_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        order = _by_column(columns, self.width)
        self.df = np.bincount(columns, minlength=self.width).astype(np.int64)
        self._column_ptr = np.concatenate([[0], np.cumsum(self.df)])
        self._column_rows, self._column_values = row_of[order], values[order]

    def dot(self, columns: list[int], weights: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """(score of every row: the sum over ``columns`` of its value times the column's weight, whether the row
        has an entry in any of ``columns``)."""
        scores = np.zeros(self.rows, dtype=np.float64)
        sharing = np.zeros(self.rows, dtype=bool)
        for column, weight in zip(columns, weights, strict=True):
            start, end = self._column_ptr[column], self._column_ptr[column + 1]
            rows = self._column_rows[start:end]
            scores[rows] += self._column_values[start:end] * weight
            sharing[rows] = True
        return scores, sharing


def _canonical(
    columns: np.ndarray, values: np.ndarray, lengths: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(columns, values, entries per row) of flat rows, each row's entries by column with duplicates summed."""
    width = max(width, 1)
    row_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    keys = row_of * width + np.asarray(columns, dtype=np.int64)
    if keys.size < 2 or bool((keys[1:] > keys[:-1]).all()):  # already canonical: no sort (a store's usual case)
        return np.asarray(columns, dtype=np.int64), np.asarray(values, dtype=np.float32), lengths.astype(np.int64)
    keys, inverse = np.unique(keys, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=values, minlength=keys.size).astype(np.float32)
    return keys % width, summed, np.bincount(keys // width, minlength=len(lengths)).astype(np.int64)


def _by_column(columns: np.ndarray, width: int) -> np.ndarray:
    """The stable order of entries by column: a radix sort when the columns fit 16 bits (~5x faster than
    sorting int64 over millions of entries)."""
    if width <= 1 << 16:
        return np.argsort(columns.astype(np.uint16), kind="stable")
    return np.argsort(columns, kind="stable")
