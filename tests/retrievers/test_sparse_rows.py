"""SparseRows against the same rows written out as a dense matrix: drop, append, document frequency, scores."""

import numpy as np

from retrievers.sparse_rows import SparseRows


def dense(rows: list[tuple[list[int], list[float]]], width: int) -> np.ndarray:
    out = np.zeros((len(rows), width))
    for r, (columns, values) in enumerate(rows):
        for c, v in zip(columns, values, strict=True):
            out[r, c] += v
    return out


def flat(rows: list[tuple[list[int], list[float]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    columns = np.asarray([c for cs, _ in rows for c in cs], dtype=np.int64)
    values = np.asarray([v for _, vs in rows for v in vs], dtype=np.float32)
    return columns, values, np.asarray([len(cs) for cs, _ in rows], dtype=np.int64)


def test_rows_dropped_and_appended_score_as_the_dense_matrix_does() -> None:
    rng = np.random.default_rng(7)

    def random_rows(n: int, width: int) -> list[tuple[list[int], list[float]]]:
        rows = []
        for _ in range(n):
            k = int(rng.integers(0, 6))
            rows.append((rng.integers(0, width, k).tolist(), rng.random(k).round(3).tolist()))
        return rows

    matrix, expected = SparseRows(), np.zeros((0, 0))
    for width, n in ((5, 40), (9, 25), (12, 30)):
        keep = rng.random(matrix.rows) > 0.3
        added = random_rows(n, width)
        matrix.keep_and_append(keep, *flat(added), width)
        old = np.pad(expected[keep], ((0, 0), (0, width - expected.shape[1])))
        expected = np.vstack([old, dense(added, width)])  # a column repeated in a row is summed

        assert matrix.rows == expected.shape[0] and matrix.width == width
        assert matrix.df.tolist() == (expected != 0).sum(axis=0).tolist()
        columns = [1, 4, width - 1]
        weights = [0.5, 2.0, 1.5]
        scores, sharing = matrix.dot(columns, weights)
        np.testing.assert_allclose(scores, expected[:, columns] @ weights, rtol=1e-6)
        assert sharing.tolist() == (expected[:, columns] != 0).any(axis=1).tolist()


def test_an_empty_index_and_rows_without_entries() -> None:
    matrix = SparseRows()
    scores, sharing = matrix.dot([], [])
    assert scores.size == 0 and sharing.size == 0
    matrix.keep_and_append(np.zeros(0, dtype=bool), *flat([([], []), ([2], [1.0])]), 3)
    scores, sharing = matrix.dot([2], [3.0])
    assert scores.tolist() == [0.0, 3.0] and sharing.tolist() == [False, True]
    matrix.keep_and_append(np.array([False, True]), *flat([]), 3)
    assert matrix.rows == 1 and matrix.dot([2], [1.0])[0].tolist() == [1.0]
