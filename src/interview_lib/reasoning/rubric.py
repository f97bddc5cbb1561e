"""The offline rubric reasoner: bank questions, and scoring by expected-point coverage plus rules.

How an answer is scored (facts from graded data-engineering answers, see ARCHITECTURE.md):
coverage of the expected points (best-matching answer sentence per point) carries technical correctness
and depth; red flags (known wrong claims) matched per sentence pull correctness down; experience markers,
structure and hedging shape the other dimensions, always gated by content so that fluent but empty or
wrong answers stay low. Keyword lists and instructions aimed at the scorer are capped. Fillers are removed
before content is judged.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interview_lib.bank import QuestionBank, load_bank
from interview_lib.domain.models import Evaluation, FollowUpType, Question, ScoreBreakdown, Transcript
from interview_lib.domain.scoring import capped, overall
from interview_lib.reasoning import features as fx
from interview_lib.reasoning.base import QuestionRequest
from interview_lib.reasoning.embeddings import Embedder, Vectors, default_embedder
from interview_lib.reasoning.knowledge import Knowledge
from interview_lib.reasoning.reference import Reference, ReferenceFinder
from interview_lib.speech import delivery

NAME = "rubric"
VERSION = "1.0"

POINT_FLOOR = 0.33  # similarity below which a sentence says nothing about a point
POINT_FULL = 0.66  # similarity at which a point counts as fully covered
COVERED_AT = 0.5  # credit at which a point is listed as covered (and its sentence quoted)
FLAG_AT = 0.66  # similarity at which a sentence states a known wrong claim
ADVERSARIAL_CAP = 2.0
OFF_TOPIC_CAP = 1.0


@dataclass(frozen=True)
class _Units:
    """Answer sentences without fillers (what is embedded) and as spoken (what is quoted as evidence)."""

    sentences: list[str]
    quotes: list[str]


def _units(text: str) -> _Units:
    sentences: list[str] = []
    quotes: list[str] = []
    for spoken in fx.split_sentences(text):
        content = fx.strip_fillers(spoken)
        if fx.words(content) and not fx.injection_sentences(content):
            sentences.append(content)
            quotes.append(spoken)
    return _Units(sentences, quotes)


class RubricReasoner:
    """Offline default: no network, no API key."""

    name = NAME
    version = VERSION

    def __init__(
        self,
        bank: QuestionBank | None = None,
        embedder: Embedder | None = None,
        seed: int = 0,
        cache_dir: Path | None = None,
    ) -> None:
        self.bank = bank or load_bank()
        self._embedder = embedder
        self._cache_dir = cache_dir
        self._preloaded = False
        self.notes: list[str] = []
        self._finder: ReferenceFinder | None = None
        self._knowledge: Knowledge | None = None
        self._rng = random.Random(seed)

    @property
    def embedder(self) -> Embedder:
        """The sentence embedder, loaded on first use."""
        if self._embedder is None:
            self._embedder = default_embedder()
        if not self._preloaded:  # every bank text, in one batch, from the disk cache when there is one
            self._preloaded = True
            texts = [t for e in self.bank for t in (e.item.text, *e.item.expected_points, *e.item.red_flags)]
            self._embedder.preload(texts, self._cache_dir)
        return self._embedder

    @property
    def finder(self) -> ReferenceFinder:
        """Reference lookup for questions outside the bank."""
        if self._finder is None:
            self._finder = ReferenceFinder(self.bank, self.embedder)
        return self._finder

    @property
    def knowledge(self) -> Knowledge:
        """Bank-wide points, misconceptions and vocabulary."""
        if self._knowledge is None:
            self._knowledge = Knowledge(self.bank, self.embedder)
        return self._knowledge

    def drain_usage(self) -> dict[str, float]:
        """No remote calls: nothing to report."""
        return {}

    # -- questions -----------------------------------------------------------------------------------
    def next_question(self, request: QuestionRequest) -> Question | None:
        """A bank question of the requested skill and difficulty that was not asked yet."""
        asked = set(request.asked)
        setup = request.setup
        return self.bank.pick(
            skill=request.skill,
            difficulty=request.difficulty,
            level=setup.level,
            cloud=setup.cloud,
            is_excluded=asked.__contains__,
            rng=self._rng,
        )

    def follow_up(
        self, question: Question, transcript: Transcript, evaluation: Evaluation, kind: FollowUpType
    ) -> Question | None:
        """The bank's follow-up of ``kind``, judged on the points the answer missed."""
        return self.bank.follow_up(question, kind, evaluation.missing_points)

    # -- scoring -------------------------------------------------------------------------------------
    def evaluate(self, question: Question, transcript: Transcript) -> Evaluation:
        """Score one answer."""
        return self.evaluate_many([(question, transcript)])[0]

    def evaluate_many(self, items: Sequence[tuple[Question, Transcript]]) -> list[Evaluation]:
        """Score many answers, embedding all their sentences in one batch."""
        prepared = [self._prepare(t.text) for _, t in items]
        all_units = [u for p in prepared if p is not None for u in p[1].sentences]
        vectors = self.embedder.embed(all_units)
        out: list[Evaluation] = []
        offset = 0
        for (question, transcript), prep in zip(items, prepared):
            if prep is None:
                out.append(self._unscored("the answer is empty: there is nothing to score"))
                continue
            feats, units = prep
            block = vectors[offset : offset + len(units.sentences)]
            offset += len(units.sentences)
            out.append(self._score(question, feats, units, block, delivery.measure(transcript)))
        return out

    def _prepare(self, text: str) -> tuple[fx.TextFeatures, _Units] | None:
        feats = fx.extract(text)
        if feats.words == 0:
            return None
        return feats, _units(text)

    def _unscored(self, reason: str) -> Evaluation:
        return Evaluation(status="unscored", reason=reason, scorer=NAME, scorer_version=VERSION)

    def _score(
        self, question: Question, feats: fx.TextFeatures, units: _Units, vectors: Vectors, spoken: dict[str, float]
    ) -> Evaluation:
        reference = self.finder.for_question(question, question.skill)
        match = _match(reference, units, vectors, self.embedder)
        judged = self.knowledge.judge(units.sentences, vectors[: len(units.sentences)])
        wrong = list(dict.fromkeys([*match.flags_hit, *(flag for _, flag in judged.wrong_claims)]))
        content = _content(
            feats, match, reference, judged.support, len(self.knowledge.terms(" ".join(units.sentences)))
        )
        flags = _flags(feats, match, units, wrong)
        scores = _with_delivery(_dimensions(feats, match, content, len(wrong)), spoken)
        cap = ADVERSARIAL_CAP if {"instruction_to_scorer", "keyword_stuffing"} & set(flags) else None
        if "off_topic" in flags:
            cap = min(cap or OFF_TOPIC_CAP, OFF_TOPIC_CAP)
        if cap is not None:
            scores = capped(scores, cap)
        return Evaluation(
            status="scored",
            scores=scores,
            overall=overall(scores),
            rationale=_rationale(match, flags, reference, wrong),
            evidence=match.evidence or _supported(units.quotes, judged.support),
            covered_points=match.covered,
            missing_points=match.missing,
            red_flags_hit=wrong,
            flags=flags,
            scorer=NAME,
            scorer_version=VERSION,
        )


@dataclass(frozen=True)
class _Match:
    coverage: float  # 0–1, mean credit over the points a full answer needs
    covered: list[str]
    missing: list[str]
    evidence: list[str]
    flags_hit: list[str]
    relevance: float  # best sentence similarity to any reference point


def _credit(similarity: np.ndarray) -> np.ndarray:
    return np.clip((similarity - POINT_FLOOR) / (POINT_FULL - POINT_FLOOR), 0.0, 1.0)


def _match(reference: Reference, units: _Units, vectors: Vectors, embedder: Embedder) -> _Match:
    points = list(reference.points)
    if not units.sentences or not points:
        return _Match(0.0, [], points, [], [], 0.0)
    sims = embedder.embed(points, remember=True) @ vectors.T
    best = sims.max(axis=1)
    credit = _credit(best)
    top = np.sort(credit)[::-1][: reference.needed]
    coverage = float(top.mean()) if len(top) else 0.0
    covered = [p for p, c in zip(points, credit) if c >= COVERED_AT]
    missing_idx = [i for i in range(len(points)) if credit[i] < COVERED_AT]
    if reference.needed < len(points):  # borrowed points: only the closest few are really expected
        missing_idx = sorted(missing_idx, key=lambda i: -credit[i])[: max(0, reference.needed - len(covered))]
    missing = [points[i] for i in missing_idx]
    evidence = _evidence(sims, credit, units)
    flags_hit = _red_flags(reference, units, vectors, sims, embedder)
    return _Match(coverage, covered, missing, evidence, flags_hit, float(best.max()))


def _evidence(sims: np.ndarray, credit: np.ndarray, units: _Units) -> list[str]:
    quotes: list[str] = []
    n = len(units.sentences)
    for i in np.argsort(-credit):
        if credit[i] < COVERED_AT:
            break
        j = int(np.argmax(sims[i, :n]))  # quote the sentence as spoken: it is verbatim in the transcript
        if units.quotes[j] not in quotes:
            quotes.append(units.quotes[j])
    return quotes[:4]


def _red_flags(
    reference: Reference, units: _Units, vectors: Vectors, point_sims: np.ndarray, embedder: Embedder
) -> list[str]:
    if not reference.red_flags:
        return []
    n = len(units.sentences)
    flag_sims = embedder.embed(list(reference.red_flags), remember=True) @ vectors[:n].T
    best_point = point_sims[:, :n].max(axis=0)
    hits: list[str] = []
    for f, flag in enumerate(reference.red_flags):
        for j in range(n):
            sentence = units.sentences[j]
            same_polarity = fx.has_negation(sentence) == fx.has_negation(flag)
            if (
                flag_sims[f, j] >= FLAG_AT
                and flag_sims[f, j] > best_point[j] + 0.02
                and same_polarity
                and not fx.is_correction(sentence)
            ):
                hits.append(flag)
                break
    return hits


def _flags(feats: fx.TextFeatures, match: _Match, units: _Units, wrong: list[str]) -> list[str]:
    flags: list[str] = []
    if feats.injection_sentences:
        flags.append("instruction_to_scorer")
    if feats.keyword_stuffed:
        flags.append("keyword_stuffing")
    if not units.sentences or (match.coverage < 0.05 and match.relevance < POINT_FLOOR + 0.02):
        flags.append("off_topic")
    if feats.dont_know and match.coverage < 0.2:
        flags.append("did_not_know")
    if wrong:
        flags.append("wrong_claims")
    return flags


def _saturate(value: float, full: float) -> float:
    return min(1.0, value / full) if full > 0 else 0.0


def _supported(sentences: list[str], support: np.ndarray, at: float = 0.55) -> list[str]:
    order = [int(i) for i in np.argsort(-support)]
    return [sentences[i] for i in order if support[i] >= at][:3]


def _content(feats: fx.TextFeatures, match: _Match, reference: Reference, support: np.ndarray, terms: int) -> float:
    """0–1: how much correct substance the answer has, before misconceptions are subtracted.

    Coverage of the question's own points counts most when those points are trusted; bank-wide signals
    (technical terms used, resemblance to known-true statements, length) carry answers to new questions.
    """
    top_support = float(np.sort(support)[::-1][:3].mean()) if len(support) else 0.0
    length = _saturate(math.log1p(feats.words) - math.log1p(8), math.log1p(200) - math.log1p(8))
    generic = 0.4 * _saturate(terms, 12) + 0.3 * _saturate(top_support - 0.35, 0.35) + 0.3 * length
    weight = 0.8 * reference.trust
    return weight * match.coverage + (1 - weight) * generic


def _dimensions(feats: fx.TextFeatures, match: _Match, content: float, wrong: int) -> ScoreBreakdown:
    penalty = max(0.0, 1.0 - 0.4 * wrong - 0.1 * feats.absolute_sentences)
    correct = content * penalty
    gate = _saturate(correct, 0.5)  # how much real content there is to build the other dimensions on
    length = min(1.0, math.log1p(feats.words) / math.log1p(160))
    technical = 10 * min(1.0, correct * 1.15)
    depth = (
        10
        * gate
        * (
            0.55 * _saturate(correct, 0.8)
            + 0.2 * _saturate(feats.reasoning_markers, 3)
            + 0.15 * length
            + 0.1 * _saturate(len(match.covered), 3)
        )
    )
    experience = (
        0.5 * _saturate(feats.experience_markers, 2)
        + 0.25 * _saturate(feats.examples, 1)
        + 0.25 * _saturate(feats.numbers_with_units, 2)
    )
    practical = 10 * max(gate * (0.3 + 0.7 * experience), 0.5 * correct)
    filler_rate = feats.fillers / max(1, feats.words + feats.fillers)
    sentence_len = feats.words / max(1, feats.sentences)
    readable = 1.0 if 6 <= sentence_len <= 32 else 0.6
    communication = 10 * gate * (
        0.55 + 0.15 * readable + 0.15 * _saturate(feats.structure_markers, 2) + 0.15 * length
    ) - min(1.5, 10 * max(0.0, filler_rate - 0.05))
    hedging = min(1.0, 0.15 * feats.hedges + (0.4 if feats.dont_know else 0.0))
    confidence = 10 * gate * (0.9 - 0.6 * hedging) + (1.0 if gate > 0.5 and not wrong else 0.0)
    return ScoreBreakdown(
        technical_correctness=_clamp(technical),
        depth=_clamp(depth),
        practical_experience=_clamp(practical),
        communication=_clamp(communication),
        confidence=_clamp(confidence),
    )


def _with_delivery(scores: ScoreBreakdown, spoken: dict[str, float]) -> ScoreBreakdown:
    """Pace and long pauses (only known for spoken answers) nudge communication and confidence, never content."""
    wpm = spoken.get("words_per_minute")
    if wpm is None or wpm <= 0:
        return scores
    off_pace = max(0.0, 100 - wpm, wpm - 190) / 60  # 1 point lost 60 words/min outside the comfortable range
    pauses = 0.3 * spoken.get("long_pauses", 0.0)
    return scores.model_copy(
        update={
            "communication": _clamp(scores.communication - min(1.0, off_pace)),
            "confidence": _clamp(scores.confidence - min(1.0, pauses)),
        }
    )


def _clamp(value: float) -> float:
    return round(min(10.0, max(0.0, value)), 2)


def _rationale(match: _Match, flags: list[str], reference: Reference, wrong: list[str]) -> str:
    parts = [f"Covered {len(match.covered)} of {reference.needed} expected points"]
    if wrong:
        parts.append(f"stated {len(wrong)} known misconception(s)")
    notes = {
        "instruction_to_scorer": "the answer tries to instruct the scorer: capped at 2",
        "keyword_stuffing": "a list of terms without reasoning: capped at 2",
        "off_topic": "the answer does not address the question",
        "did_not_know": "the candidate said they did not know",
    }
    parts.extend(notes[f] for f in flags if f in notes)
    if not reference.source.startswith("question"):
        parts.append(f"reference borrowed from {reference.source}")
    return "; ".join(parts) + "."
