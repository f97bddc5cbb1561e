"""Is the candidate speaking English? A multilingual Whisper's language detection, asked only when in doubt.

The default recogniser (tiny.en) knows only English: German comes out as English-sounding words of low
probability, or as nothing at all. So a transcript with no words, or whose words average below
``CHECK_BELOW`` in probability, has its audio put to a multilingual model's language detection (Whisper base,
shipped in PyPI packages); a clear English answer costs nothing extra. Measured on espeak-ng clips: English
words average 0.76, German ones 0.47 or none; detection takes about 0.7 s on two cores and named German with
p 0.51 and 0.92 (English 0.17 and 0.04).
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_lib.domain.models import Transcript

ENGLISH = "en"
CHECK_BELOW = 0.6  # mean word probability under which the language is checked
_MIN_CONFIDENCE = 0.4  # the detected language must be at least this likely...
_OVER_ENGLISH = 2.0  # ...and this many times as likely as English

NAMES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "es": "Spanish",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "th": "Thai",
    "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


@dataclass(frozen=True)
class SpokenLanguage:
    """What a language detector heard: the likeliest language, its probability, and English's."""

    code: str
    probability: float
    english: float


def needs_check(transcript: Transcript) -> bool:
    """True when an English transcript is doubtful enough to ask which language was spoken."""
    if not transcript.words:
        return True
    return sum(w.probability or 0.0 for w in transcript.words) / len(transcript.words) < CHECK_BELOW


def foreign_language(heard: SpokenLanguage | None) -> str | None:
    """The name of the language heard when it is clearly not English, else None."""
    if heard is None or heard.code == ENGLISH or heard.probability < _MIN_CONFIDENCE:
        return None
    if heard.probability < _OVER_ENGLISH * heard.english:
        return None
    return NAMES.get(heard.code, heard.code)


def answer_in_english(language: str) -> str:
    """The one line the candidate sees."""
    return f"That answer sounded like {language}: please answer in English, the language of this interview."
