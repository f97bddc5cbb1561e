"""Voice with real audio: clips spoken by piper (two speeds) and espeak-ng, re-encoded the way browsers and
phones record, decoded, checked for speech, transcribed, measured, scored, stored and shown by the command.

Model inference is marked ``slow``; one recogniser and one piper voice are shared by the whole module.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from interview_lib import Interview, InterviewSetup, InterviewState
from interview_lib.domain import delivery
from interview_lib.domain.models import Evaluation, Question, Transcript, Turn
from interview_lib.errors import AudioError, UsageError
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.reasoning.scripted import ScriptedReasoner
from interview_lib.session.intake import AnswerIntake
from interview_lib.settings import Settings
from interview_lib.speech import language
from interview_lib.speech.audio import SAMPLE_RATE, DecodedAudio, decode, read_bytes
from interview_lib.speech.language import SpokenLanguage
from interview_lib.speech.streaming import StreamingTranscriber
from interview_lib.speech.stt import SpeechToText, create_stt
from interview_lib.speech.tts import Silent, Speaker, create_tts
from interview_lib.speech.tts_piper import PiperSpeech
from interview_lib.speech.vad import has_speech
from interview_lib.store.blobs import BlobStore
from interview_lib.wiring import open_speaker

Samples = npt.NDArray[np.float32]

# Container → (PyAV format, codec, sample rate, bit rate): what browsers (webm/ogg opus), phones (m4a/aac) and
# desktop tools (wav, mp3, flac) produce.
FORMATS: dict[str, tuple[str, str, int, int | None]] = {
    "wav": ("wav", "pcm_s16le", 22_050, None),
    "webm": ("webm", "libopus", 48_000, 24_000),
    "ogg": ("ogg", "libopus", 48_000, 24_000),
    "mp3": ("mp3", "libmp3lame", 22_050, 48_000),
    "m4a": ("ipod", "aac", 22_050, 48_000),
    "flac": ("flac", "flac", 22_050, None),
}
VOICES = ("piper", "piper-slow", "espeak-ng")
# One sentence per voice, with the words tiny.en gets right from that voice in every container (measured).
SENTENCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "piper": ("Kafka keeps messages in partitions, and consumers track their offsets.", ("kafka", "partitions")),
    "piper-slow": (
        "Parquet stores data by column, so queries read only the columns they need.",
        ("parquet", "column"),
    ),
    "espeak-ng": (
        "Delta Lake keeps a transaction log, so readers always see a consistent snapshot of the table.",
        ("delta lake", "transaction log", "snapshot"),
    ),
}
FILLER_SENTENCE = "Um, so, uh, the shuffle moves data between executors, you know."
# tiny.en rarely understands espeak-ng's "executors" ("exact computers"), so only "shuffle" is asked of it.
FILLER_SENTENCE_WORDS = {
    "piper": ("shuffle", "executors"),
    "piper-slow": ("shuffle", "executors"),
    "espeak-ng": ("shuffle",),
}
TWO_HOURS_S = 2 * 60 * 60


@dataclass(frozen=True)
class Clip:
    """A synthesized sentence: the WAV the voice produced and its samples at the voice's own rate."""

    voice: str
    text: str
    wav: bytes
    samples: Samples
    rate: int

    @property
    def duration_s(self) -> float:
        """Length of the clip in seconds."""
        return len(self.samples) / self.rate


# -- building real recordings -------------------------------------------------------------------------------
def espeak(text: str, voice: str = "en") -> bytes:
    """``text`` spoken by espeak-ng (in ``voice``, a language), as WAV bytes."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed: run `make system-deps` (or apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "speech.wav"
        command = ["espeak-ng", "-v", voice, "-w", str(target), text]
        subprocess.run(command, capture_output=True, check=True, timeout=60)
        return target.read_bytes()


def pcm(wav: bytes) -> tuple[Samples, int]:
    """Mono float samples and sample rate of a 16-bit WAV."""
    with wave.open(io.BytesIO(wav)) as source:
        assert source.getnchannels() == 1 and source.getsampwidth() == 2
        frames = source.readframes(source.getnframes())
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768, source.getframerate()


def _frame(samples: Samples, rate: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = rate
    return frame


def encode(samples: Samples, rate: int, container: str) -> bytes:
    """``samples`` encoded into ``container`` (a key of FORMATS) in memory with PyAV.

    PyAV's encoder converts the sample format and rate and splits the frame to the codec's frame size.
    """
    format_name, codec, out_rate, bit_rate = FORMATS[container]
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=format_name) as out:
        stream = out.add_stream(codec, rate=out_rate)
        stream.layout = "mono"
        if bit_rate:
            stream.bit_rate = bit_rate
        out.mux(stream.encode(_frame(samples, rate)))
        out.mux(stream.encode(None))
    return buffer.getvalue()


def long_ogg(samples: Samples, rate: int, seconds: float) -> bytes:
    """A real Ogg/Opus file ``seconds`` long, built cheaply: the clip is encoded once at 6 kbit/s and its
    packets are written again and again with shifted timestamps (about 5 MB and well under a second for 2 h)."""
    pause = np.zeros(rate // 2, dtype=np.float32)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=16_000, options={"application": "voip", "frame_duration": "60"})
        stream.layout = "mono"
        stream.bit_rate = 6_000
        packets = [*stream.encode(_frame(np.concatenate([samples, pause]), rate)), *stream.encode(None)]
        step = packets[0].duration  # 60 ms
        per_clip = step * len(packets)
        repeats = int(seconds / float(per_clip * packets[0].time_base)) + 1
        for i in range(repeats):
            for j, packet in enumerate(packets):
                copy = av.Packet(bytes(packet))
                copy.stream = stream
                copy.time_base = packet.time_base
                copy.pts = copy.dts = i * per_clip + j * step
                copy.duration = step
                out.mux(copy)
    return buffer.getvalue()


def silent_wav(seconds: float, *, noise: float = 0.0, seed: int = 0) -> bytes:
    """A 16 kHz 16-bit WAV of digital silence, or of faint room noise with standard deviation ``noise``."""
    samples = np.random.default_rng(seed).normal(0.0, noise, int(seconds * SAMPLE_RATE)) if noise else None
    pcm16 = np.zeros(int(seconds * SAMPLE_RATE), dtype="<i2") if samples is None else (samples * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm16.tobytes())
    return buffer.getvalue()


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation."""
    return re.findall(r"[a-z0-9']+", text.lower())


class CountingVoice:
    """The real piper voice, counting how often it is asked to speak."""

    def __init__(self, inner: PiperSpeech) -> None:
        self.inner = inner
        self.name = inner.name
        self.extension = inner.extension
        self.texts: list[str] = []

    def synthesize(self, text: str) -> bytes:
        """Speak through piper and remember the text."""
        self.texts.append(text)
        return self.inner.synthesize(text)


class MustNotHear:
    """A recogniser that fails the test if any audio reaches it."""

    name = "must-not-hear"

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """Never expected to run."""
        raise AssertionError("unusable audio reached speech to text")


def must_not_judge(question: Question, transcript: Transcript) -> Evaluation:
    """A judge for sessions where nothing may be scored."""
    raise AssertionError(f"an answer was scored: {transcript.text!r}")


# -- shared, expensive objects ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stt(tmp_path_factory: pytest.TempPathFactory) -> SpeechToText:
    """One offline tiny.en recogniser for the module (with the default vocabulary hint)."""
    return create_stt("faster-whisper:tiny.en", cache_dir=tmp_path_factory.mktemp("stt-cache"))


@pytest.fixture(scope="module")
def piper() -> PiperSpeech:
    """The shipped piper voice at its normal speed, without random variation (the same audio on every run)."""
    return PiperSpeech(deterministic=True)


@pytest.fixture(scope="module")
def speak(piper: PiperSpeech) -> Callable[[str, str], bytes]:
    """``speak(voice, text)`` → WAV bytes, for each of VOICES."""
    slow = PiperSpeech(length_scale=1.3, deterministic=True)
    table = {"piper": piper.synthesize, "piper-slow": slow.synthesize, "espeak-ng": espeak}
    return lambda voice, text: table[voice](text)


@pytest.fixture(scope="module")
def clips(speak: Callable[[str, str], bytes]) -> dict[str, Clip]:
    """Each voice's sentence from SENTENCES."""
    result = {}
    for voice, (text, _) in SENTENCES.items():
        wav = speak(voice, text)
        result[voice] = Clip(voice, text, wav, *pcm(wav))
    return result


@pytest.fixture(scope="module")
def espeak_clip() -> Clip:
    """espeak-ng's sentence alone (fast and deterministic: for tests that need no neural voice)."""
    text = SENTENCES["espeak-ng"][0]
    wav = espeak(text)
    return Clip("espeak-ng", text, wav, *pcm(wav))


@pytest.fixture(scope="module")
def two_hour_ogg(espeak_clip: Clip) -> bytes:
    """A 2-hour Ogg/Opus recording of the same answer said over and over."""
    return long_ogg(espeak_clip.samples, espeak_clip.rate, TWO_HOURS_S)


# -- decoding ----------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("container", FORMATS)
def test_every_voice_in_every_container_decodes_to_16k_mono_float32(container: str, clips: dict[str, Clip]) -> None:
    for clip in clips.values():
        audio = decode(encode(clip.samples, clip.rate, container))
        assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
        # the same length in seconds at 16 kHz as at the voice's own rate proves the resampling
        assert audio.duration_s == pytest.approx(clip.duration_s, abs=0.1)
        assert float(np.sqrt(np.mean(audio.samples**2))) > 0.02
        assert not audio.truncated


@pytest.mark.slow
@pytest.mark.parametrize(
    ("container", "voice"),
    [
        ("wav", "piper"),
        ("webm", "espeak-ng"),
        ("ogg", "piper-slow"),
        ("mp3", "espeak-ng"),
        ("m4a", "piper"),
        ("flac", "piper-slow"),
    ],
)
def test_each_container_is_transcribed(container: str, voice: str, clips: dict[str, Clip], stt: SpeechToText) -> None:
    clip = clips[voice]
    transcript = stt.transcribe(decode(encode(clip.samples, clip.rate, container)))
    heard = " ".join(words(transcript.text))
    for expected in SENTENCES[voice][1]:
        assert expected in heard, f"{voice} in {container}: {transcript.text!r}"
    assert transcript.source == "audio" and transcript.words and transcript.language == "en"


def test_an_empty_recording_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"empty \(0 bytes\): record your answer again or upload"):
        decode(b"")
    with pytest.raises(AudioError, match="check the path"):
        read_bytes(tmp_path / "missing.webm")


@pytest.mark.parametrize("prefix", [b"", b"RIFF", b"OggS", b"ID3", b"fLaC", b"\x1aE\xdf\xa3", b"\0\0\0\x20ftypM4A "])
@pytest.mark.parametrize("size", [1, 100, 5_000, 200_000])
def test_random_bytes_are_refused_or_decoded_never_a_crash(prefix: bytes, size: int) -> None:
    data = prefix + random.Random(f"{prefix!r}{size}").randbytes(size)
    try:
        audio = decode(data)
    except AudioError as exc:
        assert "upload" in str(exc) or "record" in str(exc)
    else:
        assert audio.samples.dtype == np.float32 and audio.samples.size > 0


@pytest.mark.parametrize("container", FORMATS)
def test_a_recording_cut_in_half_is_refused_or_decoded_shorter(container: str, espeak_clip: Clip) -> None:
    data = encode(espeak_clip.samples, espeak_clip.rate, container)
    try:
        audio = decode(data[: len(data) // 2])
    except AudioError as exc:
        assert "upload" in str(exc)
    else:
        assert 0 < audio.duration_s < espeak_clip.duration_s


@pytest.mark.parametrize(
    "wav",
    [
        pytest.param(silent_wav(3.0), id="digital-silence"),
        pytest.param(silent_wav(3.0, noise=0.003), id="quiet-room", marks=pytest.mark.slow),
    ],
)
def test_silence_has_no_speech(wav: bytes) -> None:
    assert not has_speech(decode(wav).samples)


@pytest.mark.parametrize(
    ("recording", "message"),
    [
        (silent_wav(3.0), "No speech detected"),
        (b"", "the recording is empty"),
        (b"not audio at all" * 50, "could not decode the audio"),
    ],
    ids=["silent", "empty", "garbage"],
)
def test_unusable_audio_scores_nothing_and_keeps_the_question_open(recording: bytes, message: str) -> None:
    setup = InterviewSetup(candidate_id="voice", core_questions=2, seed=1)
    interview = Interview.start(setup, ScriptedReasoner(judge=must_not_judge), intake=AnswerIntake(MustNotHear()))
    question = interview.current_question
    outcome = interview.answer_audio(recording)
    assert message in outcome.message
    assert interview.state is InterviewState.LISTENING
    assert interview.current_question == question == outcome.next_question
    assert outcome.evaluation is None and outcome.decision is None
    assert outcome.turn.transcript is None and outcome.turn.evaluation is None
    assert interview.report().answered == 0


# -- long recordings ---------------------------------------------------------------------------------------
def test_a_two_hour_recording_is_cut_quickly_and_says_so(two_hour_ogg: bytes) -> None:
    started = time.perf_counter()
    audio = decode(two_hour_ogg, max_seconds=15)
    elapsed = time.perf_counter() - started
    assert audio.truncated and audio.duration_s == 15.0
    assert audio.original_duration_s is not None and audio.original_duration_s >= TWO_HOURS_S
    assert elapsed < 3.0


@pytest.fixture(scope="module")
def cut_turn(two_hour_ogg: bytes, rubric: RubricReasoner, stt: SpeechToText) -> Turn:
    """The turn of a 2-hour spoken answer to an interview that transcribes at most 15 s."""
    interview = Interview.start(
        InterviewSetup(candidate_id="voice", core_questions=2, seed=3), rubric, intake=AnswerIntake(stt)
    )
    interview.intake.max_audio_seconds = 15
    return interview.answer_audio(two_hour_ogg).turn


@pytest.mark.slow
def test_a_two_hour_answer_is_scored_on_its_first_seconds_and_the_turn_says_it_was_cut(cut_turn: Turn) -> None:
    assert cut_turn.evaluation is not None and cut_turn.evaluation.status == "scored"
    assert cut_turn.transcript is not None and cut_turn.transcript.truncated
    assert cut_turn.transcript.duration_s == 15.0
    assert "delta lake" in cut_turn.transcript.text.lower()
    assert any("longer than" in note and "only the first" in note for note in cut_turn.notes), cut_turn.notes


@pytest.mark.slow
def test_the_cut_note_names_a_limit_under_a_minute_correctly(cut_turn: Turn) -> None:
    assert not any(re.search(r"\b0 min", note) for note in cut_turn.notes), cut_turn.notes


# -- fillers and delivery ----------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("voice", VOICES)
def test_spoken_fillers_are_kept_in_the_transcript(
    voice: str, speak: Callable[[str, str], bytes], stt: SpeechToText
) -> None:
    transcript = stt.transcribe(decode(speak(voice, FILLER_SENTENCE)))
    heard = words(transcript.text)
    assert {"um", "uh"} & set(heard), transcript.text
    assert set(FILLER_SENTENCE_WORDS[voice]) <= set(heard), transcript.text
    assert delivery.measure(transcript)["fillers"] >= 2, transcript.text  # um or uh, and "you know"


@pytest.mark.slow
def test_delivery_of_a_real_answer_has_a_plausible_pace_and_talk_time(piper: PiperSpeech, stt: SpeechToText) -> None:
    text = (
        "A watermark tells the stream how long to wait for late events. "
        "After that, old state is dropped, which keeps memory bounded."
    )
    audio = decode(piper.synthesize(text))
    metrics = delivery.measure(stt.transcribe(audio))
    assert 80 <= metrics["words_per_minute"] <= 260
    assert metrics["talk_time_s"] == pytest.approx(audio.duration_s, abs=1.0)
    assert metrics["words"] == pytest.approx(len(text.split()), rel=0.25)


# -- the interviewer's voice -------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_steady_voice_says_a_sentence_the_same_way_every_time(piper: PiperSpeech) -> None:
    varied = PiperSpeech()
    assert piper.synthesize("Kafka keeps offsets.") == piper.synthesize("Kafka keeps offsets.")
    assert varied.synthesize("Kafka keeps offsets.") != varied.synthesize("Kafka keeps offsets.")
    assert piper.name == varied.name + ":steady"  # the audio cache keeps the two apart


def test_the_speaker_caches_spoken_questions_by_text(piper: PiperSpeech, tmp_path: Path) -> None:
    voice = CountingVoice(piper)
    speaker = Speaker(voice, tmp_path / "tts")
    first = speaker.speak("What does VACUUM do?")
    again = speaker.speak("What does VACUUM do?")
    assert first.path is not None and again.path == first.path and first.note is None
    assert voice.texts == ["What does VACUUM do?"]
    assert decode(first.path.read_bytes()).duration_s > 0.5
    assert Speaker(voice, tmp_path / "tts").speak("What does VACUUM do?").path == first.path  # a new process
    other = speaker.speak("And OPTIMIZE?")
    assert other.path != first.path and voice.texts == ["What does VACUUM do?", "And OPTIMIZE?"]


def test_edge_tts_offline_falls_back_to_text_with_a_note(tmp_path: Path) -> None:
    spoken = Speaker(create_tts("edge-tts"), tmp_path / "tts").speak("What is a watermark?")
    assert spoken.path is None
    assert spoken.note is not None and "unavailable" in spoken.note and "shown as text" in spoken.note
    assert not (tmp_path / "tts").exists() or not any((tmp_path / "tts").iterdir())


def test_a_silent_speaker_returns_no_audio(tmp_path: Path) -> None:
    spoken = Speaker(Silent(), tmp_path / "tts").speak("What is a watermark?")
    assert spoken.path is None and spoken.backend == "silent" and spoken.note is None
    configured = open_speaker(Settings(home=tmp_path, tts="silent")).speak("What is a watermark?")
    assert configured.path is None


# -- end to end --------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_spoken_answer_is_transcribed_scored_stored_and_measured(
    tmp_path: Path, rubric: RubricReasoner, stt: SpeechToText, piper: PiperSpeech
) -> None:
    blobs = BlobStore(tmp_path / "audio")
    setup = InterviewSetup(candidate_id="voice", core_questions=2, max_follow_ups=0, seed=3)
    interview = Interview.start(setup, rubric, intake=AnswerIntake(stt, blobs))
    question = interview.current_question
    assert question is not None
    spoken_points = question.expected_points[:2]
    clip = tmp_path / "answer.wav"
    clip.write_bytes(piper.synthesize(" ".join(spoken_points)))

    outcome = interview.answer_audio(clip)

    evaluation, transcript = outcome.evaluation, outcome.turn.transcript
    assert evaluation is not None and evaluation.status == "scored", outcome.message
    assert set(evaluation.covered_points) & set(spoken_points), (transcript, evaluation)
    assert transcript is not None and transcript.source == "audio"
    assert transcript.stt_backend == interview.session.backends["stt"] == "faster-whisper:tiny.en"
    digest = hashlib.sha256(clip.read_bytes()).hexdigest()
    assert transcript.audio_sha256 == digest
    assert transcript.audio_ref == str(blobs.root / f"{digest}.wav")
    assert blobs.get(transcript.audio_ref, digest) == clip.read_bytes()
    metrics = outcome.turn.delivery
    assert {"words", "fillers", "words_per_minute", "talk_time_s", "processing_s"} <= set(metrics)
    assert 80 <= metrics["words_per_minute"] <= 260
    assert outcome.next_question is not None and interview.state is InterviewState.LISTENING


@pytest.fixture(scope="module")
def bank_cache(rubric: RubricReasoner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bank's vectors saved from the run's rubric (already computed), so the command need not embed them."""
    folder = tmp_path_factory.mktemp("bank-cache")
    _ = RubricReasoner(embedder=rubric.embedder, cache_dir=folder).embedder
    assert list(folder.glob("embeddings-*.npy"))
    return folder


@pytest.fixture
def answers_dir(tmp_path: Path, clips: dict[str, Clip], espeak_clip: Clip) -> Path:
    """Two recorded answers, a WAV and an MP3, named in the order they are used."""
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "01-kafka.wav").write_bytes(clips["piper"].wav)
    (folder / "02-delta.mp3").write_bytes(encode(espeak_clip.samples, espeak_clip.rate, "mp3"))
    return folder


@pytest.mark.slow
def test_the_command_answers_questions_with_audio_files(tmp_path: Path, answers_dir: Path, bank_cache: Path) -> None:
    shutil.copytree(bank_cache, tmp_path / "home" / "cache")
    env = {"DATAREADY_HOME": str(tmp_path / "home"), "DATAREADY_TTS": "silent", "PATH": "/usr/bin:/bin"}
    env.update({k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")})
    command = ["interview", "--questions", "2", "--seed", "1", "--answers-dir", str(answers_dir)]
    result = subprocess.run(
        [sys.executable, "-m", "interview_lib.cli", *command],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    heard = {line.split(":", 1)[0]: line.lower() for line in result.stdout.splitlines() if line.startswith("A (")}
    assert set(heard) == {"A (01-kafka.wav)", "A (02-delta.mp3)"}, result.stdout
    assert "kafka" in heard["A (01-kafka.wav)"]
    assert "delta lake" in heard["A (02-delta.mp3)"]
    assert "2 answered" in result.stdout
    stored = sorted(p.suffix for p in (tmp_path / "home" / "audio").iterdir())
    assert stored == [".mp3", ".wav"]


# -- answers transcribed while they are spoken ---------------------------------------------------------------
class PieceLog:
    """The real recogniser, remembering the length of each piece it is handed."""

    def __init__(self, inner: SpeechToText) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds: list[float] = []

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """Transcribe through the real recogniser and note the piece's length."""
        self.seconds.append(audio.duration_s)
        return self.inner.transcribe(audio)

    def spoken_language(self, audio: DecodedAudio) -> SpokenLanguage | None:
        """The real recogniser's language detection."""
        return self.inner.spoken_language(audio)


class HeldPieceLog(PieceLog):
    """A recogniser that is busy until ``release`` is set: pieces are then cut by length alone."""

    def __init__(self, inner: SpeechToText) -> None:
        super().__init__(inner)
        self.release = threading.Event()

    def transcribe(self, audio: DecodedAudio) -> Transcript:
        """Wait for the test, then transcribe and note the piece's length."""
        assert self.release.wait(timeout=120)
        return super().transcribe(audio)


def feed_in_blocks(feed: Callable[[Samples], None], samples: Samples, block_s: float = 0.1) -> None:
    """Hand ``samples`` to ``feed`` the way a microphone delivers them: in blocks of ``block_s`` seconds."""
    step = int(block_s * SAMPLE_RATE)
    for start in range(0, len(samples), step):
        feed(samples[start : start + step])


LONG_ANSWER = (
    "Kafka keeps messages in partitions, and consumers track their offsets. "
    "Parquet stores data by column, so queries read only the columns they need. "
    "Delta Lake keeps a transaction log, so readers always see a consistent snapshot of the table. "
    "Um, an idempotent job can be rerun after a failure without creating duplicate rows. "
    "The watermark tells the stream how long to wait for late events before old state is dropped. "
)


@pytest.fixture(scope="module")
def long_answer(piper: PiperSpeech) -> Samples:
    """About 40 s of piper speech at 16 kHz (the answer said twice)."""
    return decode(piper.synthesize(LONG_ANSWER * 2)).samples


@pytest.mark.slow
def test_a_live_answer_is_transcribed_in_pieces_while_it_is_fed(
    tmp_path: Path, rubric: RubricReasoner, stt: SpeechToText, long_answer: Samples
) -> None:
    pieces = PieceLog(stt)
    blobs = BlobStore(tmp_path / "audio")
    setup = InterviewSetup(candidate_id="live", core_questions=2, max_follow_ups=0, seed=3)
    interview = Interview.start(setup, rubric, intake=AnswerIntake(pieces, blobs))

    live = interview.listen()
    feed_in_blocks(live.feed, long_answer)
    assert interview.state is InterviewState.LISTENING
    outcome = live.finish()

    transcript = outcome.turn.transcript
    assert transcript is not None and outcome.evaluation is not None and outcome.evaluation.status == "scored"
    assert len(pieces.seconds) >= 3 and max(pieces.seconds) <= 25.0
    assert sum(pieces.seconds) == pytest.approx(len(long_answer) / SAMPLE_RATE, abs=0.01)
    heard = words(transcript.text)
    # Where the pieces are cut depends on timing; these are the words tiny.en hears from piper in any cut seen so
    # far ("snapshot" is not: on a loaded machine a cut beside it made tiny.en hear "snatch out" in both repeats).
    for term in ("kafka", "partitions", "parquet", "delta", "watermark"):
        assert heard.count(term) >= 1, transcript.text
    assert len(heard) >= 0.85 * len(words(LONG_ANSWER * 2)), transcript.text
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts) and transcript.words[-1].end <= transcript.duration_s + 0.5
    stored = decode(blobs.get(transcript.audio_ref or "", transcript.audio_sha256 or ""))
    assert len(stored.samples) == len(long_answer)  # the whole recording is kept, as one WAV
    assert outcome.latency_s is not None and interview.session.turns[-1].usage["wait_s"] == outcome.latency_s


def test_a_silent_live_answer_is_not_transcribed_and_the_question_stays_open() -> None:
    setup = InterviewSetup(candidate_id="live-silence", core_questions=1, seed=1)
    interview = Interview.start(setup, ScriptedReasoner(judge=must_not_judge), intake=AnswerIntake(MustNotHear()))
    live = interview.listen()
    feed_in_blocks(live.feed, np.zeros(12 * SAMPLE_RATE, dtype=np.float32))
    outcome = live.finish()
    assert outcome.message.startswith("No speech detected") and outcome.evaluation is None
    assert interview.state is InterviewState.LISTENING and interview.current_question == outcome.next_question


@pytest.mark.slow
def test_a_live_answer_past_the_limit_is_cut_and_the_turn_says_so(
    rubric: RubricReasoner, stt: SpeechToText, long_answer: Samples
) -> None:
    setup = InterviewSetup(candidate_id="live-cut", core_questions=1, max_follow_ups=0, seed=2)
    interview = Interview.start(setup, rubric, intake=AnswerIntake(stt, max_audio_seconds=6))
    live = interview.listen()
    feed_in_blocks(live.feed, long_answer[: 10 * SAMPLE_RATE])
    outcome = live.finish()
    assert outcome.turn.transcript is not None and outcome.turn.transcript.duration_s == pytest.approx(6.0)
    assert any("longer than 6 s" in note for note in outcome.turn.notes), outcome.turn.notes


@pytest.mark.slow
def test_answering_aloud_in_the_terminal_streams_the_microphone_into_the_interview(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    rubric: RubricReasoner,
    stt: SpeechToText,
    speak: Callable[[str, str], bytes],
) -> None:
    from interview_lib import cli
    from interview_lib.speech.end_of_answer import Listening
    from interview_lib.speech.terminal_microphone import TerminalInput

    from .test_cli_voice import Keyboard, Microphone, Take

    interview = Interview.start(
        InterviewSetup(candidate_id="mic", core_questions=2, seed=4), rubric, intake=AnswerIntake(stt)
    )
    samples = decode(speak("piper", SENTENCES["piper"][0])).samples
    keyboard = Keyboard()  # the one edge besides the sound card: the terminal
    # the answer, then a quiet room: hands-free ends it (the thinking check hears a real answer), then :end
    said = Take(np.concatenate([samples, np.zeros(10 * SAMPLE_RATE, dtype=np.float32)]), on_close_types=":end")
    keyboard.types("")  # Enter: answer the first question
    try:
        terminal = TerminalInput(keyboard.stdin)
        settings = Settings(home=tmp_path, tts="silent")
        assert cli._answer_aloud(interview, settings, terminal, Microphone(keyboard, [said]), Listening()) == 0
    finally:
        keyboard.close()
    printed = capsys.readouterr()
    answer = next(line for line in printed.out.splitlines() if line.startswith("A: "))
    assert "kafka" in answer.lower() and "partitions" in answer.lower(), printed.out
    assert "after the answer ended" in printed.out and "1 answered" in printed.out, printed.out
    assert "The silence ended the answer." in printed.err
    turn = interview.session.turns[0]
    assert turn.transcript is not None and turn.transcript.duration_s is not None
    assert turn.transcript.duration_s == pytest.approx(len(samples) / SAMPLE_RATE + 4.0, abs=1.0)


GERMAN = "Ich weiß es nicht genau. Vielleicht löscht VACUUM alte Dateien, die nicht mehr gebraucht werden."


@pytest.mark.slow
def test_an_answer_in_german_is_named_in_one_line_and_nothing_is_scored(stt: SpeechToText) -> None:
    setup = InterviewSetup(candidate_id="de", core_questions=1, max_follow_ups=0, seed=2)
    interview = Interview.start(setup, ScriptedReasoner(judge=must_not_judge), intake=AnswerIntake(stt))
    question = interview.current_question

    outcome = interview.answer(audio=espeak(GERMAN, "de"))

    assert outcome.evaluation is None and outcome.decision is None
    assert (
        outcome.message == "That answer sounded like German: please answer in English, the language of this interview."
    )
    assert interview.current_question == question and interview.state.value == "LISTENING"
    assert interview.session.turns[-1].transcript is None
    assert "an answer in German was not scored: the candidate was asked to answer in English" in interview.session.notes


def test_the_language_check_names_only_a_clear_foreign_language() -> None:
    assert language.foreign_language(SpokenLanguage("de", 0.51, 0.17)) == "German"
    assert language.foreign_language(SpokenLanguage("fr", 0.9, 0.05)) == "French"
    assert language.foreign_language(SpokenLanguage("en", 0.9, 0.9)) is None
    assert language.foreign_language(SpokenLanguage("de", 0.45, 0.3)) is None  # not clearly more likely than English
    assert language.foreign_language(SpokenLanguage("nl", 0.3, 0.1)) is None  # unsure
    assert language.foreign_language(None) is None


@pytest.mark.slow
def test_a_clear_english_answer_is_not_sent_to_language_detection(stt: SpeechToText, espeak_clip: Clip) -> None:
    transcript = stt.transcribe(decode(espeak_clip.wav))
    assert transcript.words and not language.needs_check(transcript)


def test_answer_takes_a_recording_by_keyword_and_refuses_both_or_neither() -> None:
    setup = InterviewSetup(candidate_id="keyword", core_questions=1, seed=1)
    interview = Interview.start(setup, ScriptedReasoner(judge=must_not_judge), intake=AnswerIntake(MustNotHear()))
    outcome = interview.answer(audio=silent_wav(2.0))
    assert outcome.message.startswith("No speech detected") and interview.state is InterviewState.LISTENING
    for arguments in ({}, {"text": "typed", "audio": silent_wav(1.0)}):
        with pytest.raises(UsageError, match="not both and not neither"):
            interview.answer(**arguments)  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_busy_recogniser_never_gets_a_piece_longer_than_the_maximum(stt: SpeechToText, long_answer: Samples) -> None:
    held = HeldPieceLog(stt)
    streaming = StreamingTranscriber(held, min_chunk_s=8.0, max_chunk_s=12.0)
    feed_in_blocks(streaming.feed, long_answer, block_s=0.7)  # blocks that overshoot the maximum between cuts
    held.release.set()
    transcript = streaming.finish()
    assert transcript is not None and len(held.seconds) >= 4
    assert max(held.seconds) <= 12.0, held.seconds
