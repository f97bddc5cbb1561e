"""The offline rubric reasoner: bank questions, and answers scored claim by claim (no network, no key).

How an answer is scored: its sentences (fillers removed) are compared with the question's expected points
and known wrong claims (its own, or borrowed from the nearest bank questions). Similarity only picks the
sentences worth checking; whether a sentence *states* a point or a wrong claim is decided by the claim
checker (``claims.py``); the bank's known misconceptions are recognised by the terms that state them
(``misconceptions.py``). Covered points carry correctness and depth, wrong claims pull correctness down, and
experience, structure and hedging shape the other dimensions, always gated by checked content, so fluent but
empty or wrong answers stay low. Non-answers, word salad, keyword lists and instructions aimed at the scorer
are recognised before any of that and capped. Every score says how sure it is (``certainty``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interview_lib.bank import Misconception, QuestionBank, load_bank, load_misconceptions
from interview_lib.domain import delivery
from interview_lib.domain.models import Certainty, Evaluation, FollowUpType, Question, Transcript
from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.scoring import capped, overall
from interview_lib.reasoning import features as fx
from interview_lib.reasoning.base import QuestionRequest
from interview_lib.reasoning.embeddings import Embedder, Vectors, default_embedder
from interview_lib.reasoning.rubric import claims, dimensions
from interview_lib.reasoning.rubric.answer_kind import AnswerKind, classify
from interview_lib.reasoning.rubric.checker import ClaimChecker
from interview_lib.reasoning.rubric.knowledge import Knowledge
from interview_lib.reasoning.rubric.misconceptions import Misconceptions
from interview_lib.reasoning.rubric.reference import Reference, ReferenceFinder

NAME = "rubric"
VERSION = "2.3"
ADVERSARIAL_CAP = 2.0
OFF_TOPIC_CAP = 1.0
NON_ANSWER_CAP = 1.0
RAMBLING_WORDS = 80  # words (without fillers) from which an answer spoken in bursts is rambling, not salad


@dataclass(frozen=True)
class _Units:
    """Answer sentences without fillers (what is judged) and as spoken (what is quoted as evidence)."""

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


@dataclass
class _Prepared:
    """One answer on its way through scoring: what is compared with what."""

    question: Question
    feats: fx.TextFeatures
    units: _Units
    kind: AnswerKind
    reference: Reference
    statements: list[str]  # the reference's points, then its wrong claims
    similarity: np.ndarray  # (statements, sentences)
    truth: np.ndarray  # per sentence: similarity to the closest known-true statement
    wanted: list[tuple[int, int]]  # pairs the claim checker should look at
    spoken: dict[str, float]

    @property
    def n_points(self) -> int:
        return len(self.reference.points)


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
        checker: ClaimChecker | None = None,
        use_checker: bool = True,
    ) -> None:
        self.bank = bank or load_bank()
        self._embedder = embedder
        self._cache_dir = cache_dir
        self._checker = checker
        self._use_checker = use_checker
        self._preloaded = False
        self.notes: list[str] = []
        self._finder: ReferenceFinder | None = None
        self._knowledge: Knowledge | None = None
        self._misconceptions: Misconceptions | None = None
        self._rng = random.Random(seed)

    @property
    def embedder(self) -> Embedder:
        """The sentence embedder, loaded on first use."""
        if self._embedder is None:
            self._embedder = default_embedder()
        if not self._preloaded:  # every bank text, in one batch, from the disk cache when there is one
            self._preloaded = True
            self.misconceptions  # noqa: B018 - compiled with the rest of the bank, not inside an answer's wait
            texts = [t for e in self.bank for t in (e.item.text, *e.item.expected_points, *e.item.red_flags)]
            self._embedder.preload(texts, self._cache_dir)
        return self._embedder

    @property
    def checker(self) -> ClaimChecker | None:
        """What decides whether a sentence states a claim or its opposite (None: similarity only)."""
        if self._checker is None and self._use_checker:
            from interview_lib.reasoning.rubric.checker import default_checker

            self._checker = default_checker()
        return self._checker

    @property
    def finder(self) -> ReferenceFinder:
        """Reference lookup for questions outside the bank."""
        if self._finder is None:
            self._finder = ReferenceFinder(self.bank, self.embedder)
        return self._finder

    @property
    def knowledge(self) -> Knowledge:
        """Bank-wide points, wrong claims and vocabulary."""
        if self._knowledge is None:
            self._knowledge = Knowledge(self.bank, self.embedder)
        return self._knowledge

    @property
    def misconceptions(self) -> Misconceptions:
        """The bank's known misconceptions, compiled."""
        if self._misconceptions is None:
            self._misconceptions = Misconceptions(load_misconceptions())
        return self._misconceptions

    def read_posting(self, data: str | bytes) -> PostingProfile:
        """The offline reading of a job posting (the bank's vocabulary, no network)."""
        from interview_lib.reasoning.posting import extract_posting

        return extract_posting(data)

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
        """Score many answers: one embedding batch for all their sentences, one checker batch for all pairs."""
        texts = [_units(t.text) if fx.words(t.text) else None for _, t in items]
        vectors = self.embedder.embed([s for u in texts if u is not None for s in u.sentences])
        prepared: list[_Prepared | None] = []
        offset = 0
        for (question, transcript), units in zip(items, texts):
            if units is None:
                prepared.append(None)
                continue
            block = vectors[offset : offset + len(units.sentences)]
            offset += len(units.sentences)
            prepared.append(self._prepare(question, transcript, units, block))
        checked = self._check([p for p in prepared if p is not None])
        out: list[Evaluation] = []
        for prep in prepared:
            if prep is None:
                out.append(self._unscored("the answer is empty: there is nothing to score"))
            else:
                out.append(self._score(prep, checked.get(id(prep))))
        return out

    def _unscored(self, reason: str) -> Evaluation:
        return Evaluation(status="unscored", reason=reason, scorer=NAME, scorer_version=VERSION)

    def _prepare(self, question: Question, transcript: Transcript, units: _Units, vectors: Vectors) -> _Prepared:
        feats = fx.extract(transcript.text)
        reference = self.finder.for_question(question, question.skill)
        reference = self.knowledge.widen(reference, vectors)
        statements = [*reference.points, *reference.red_flags]
        statement_vectors = self.embedder.embed(statements, remember=True)
        similarity = statement_vectors @ vectors.T if len(units.sentences) else np.zeros((len(statements), 0))
        own = similarity[: len(reference.points)]
        truth = self.knowledge.support(vectors)
        if own.size:
            truth = np.maximum(truth, own.max(axis=0))
        point_fit = own.max(axis=1) if own.size else np.zeros(0)
        elsewhere = self.knowledge.better_fit_elsewhere(question.text, point_fit, vectors)
        kind = classify(feats, units.sentences, float(similarity.max()) if similarity.size else 0.0, elsewhere)
        wanted = claims.pairs_to_check(similarity) if kind.judged else []
        return _Prepared(
            question, feats, units, kind, reference, statements, similarity, truth, wanted, delivery.measure(transcript)
        )

    def _check(self, prepared: list[_Prepared]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Entailment and contradiction for every wanted pair of every answer, in one batch."""
        checker = self.checker
        if checker is None:
            return {}
        pairs = [(p.units.sentences[j], p.statements[i]) for p in prepared for i, j in p.wanted]
        probabilities = checker.check(pairs)
        out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        offset = 0
        for prep in prepared:
            entail = np.full(prep.similarity.shape, np.nan)
            contradict = np.full(prep.similarity.shape, np.nan)
            for i, j in prep.wanted:
                entail[i, j], contradict[i, j] = probabilities[offset]
                offset += 1
            out[id(prep)] = (entail, contradict)
        return out

    def _score(self, prep: _Prepared, checked: tuple[np.ndarray, np.ndarray] | None) -> Evaluation:
        entail, contradict = checked if checked is not None else (None, None)

        def rows(part: slice) -> claims.Pairs:  # the points (the first rows) or the wrong claims
            return claims.Pairs(
                prep.similarity[part],
                None if entail is None else entail[part],
                None if contradict is None else contradict[part],
            )

        point_pairs, flag_pairs = rows(slice(None, prep.n_points)), rows(slice(prep.n_points, None))
        verdicts = claims.point_verdicts(point_pairs)
        excused = [fx.is_correction(s) for s in prep.units.sentences]
        flagged = claims.stated_wrong_claims(flag_pairs, prep.truth, excused)
        known = self.misconceptions.stated(prep.units.sentences, excused)
        wrong = list(
            dict.fromkeys(
                [prep.reference.red_flags[i] for i in flagged]
                + [f"contradicts: {p}" for p, v in zip(prep.reference.points, verdicts) if v.status == "contradicted"]
                + [_corrected(m) for m, _ in known]
            )
        )
        judged = _Judged(prep, verdicts, wrong, point_pairs.method)
        scores = dimensions.score(prep.feats, judged.coverage, len(wrong), prep.reference.trust, prep.spoken)
        flags = _flags(prep, judged)
        cap = _cap(flags)
        if cap is not None:
            scores = capped(scores, cap)
        certainty, certainty_reason = _certainty(prep, judged, capped=cap is not None)
        return Evaluation(
            status="scored",
            scores=scores,
            overall=overall(scores),
            rationale=_rationale(prep, judged, flags),
            evidence=judged.evidence,
            covered_points=judged.covered,
            missing_points=judged.missing,
            red_flags_hit=wrong,
            flags=flags,
            certainty=certainty,
            certainty_reason=certainty_reason,
            points_expected=prep.reference.needed,
            scorer=NAME,
            scorer_version=VERSION,
        )


@dataclass(frozen=True)
class _Judged:
    """The claim verdicts of one answer, in the terms the evaluation reports them."""

    prep: _Prepared
    verdicts: list[claims.Verdict]
    wrong: list[str]
    method: claims.Method

    @property
    def ranked(self) -> list[int]:
        """Points in the order a full answer is expected to cover them (the best-stated first)."""
        order = {"covered": 0, "partly": 1, "contradicted": 2, "missing": 3}
        sims = self.prep.similarity[: self.prep.n_points]
        best = sims.max(axis=1) if sims.size else np.zeros(self.prep.n_points)
        return sorted(range(len(self.verdicts)), key=lambda i: (order[self.verdicts[i].status], -best[i]))

    @property
    def expected(self) -> list[int]:
        """The points this answer is held to: all of its own, or the best ``needed`` of borrowed ones."""
        return self.ranked[: self.prep.reference.needed]

    @property
    def coverage(self) -> float:
        # A short answer spoken in bursts between fillers earns nothing for being near a point: only stated points
        # count. A long one is rambling, not salad (salad is a few phrases), and its partly stated points count.
        feats = self.prep.feats
        partly = 0.0 if feats.fragmented and feats.words < RAMBLING_WORDS else claims.PARTLY_CREDIT
        return claims.credit([self.verdicts[i] for i in self.expected], self.prep.reference.needed, partly)

    @property
    def covered(self) -> list[str]:
        return [self.prep.reference.points[i] for i in self.expected if self.verdicts[i].status == "covered"]

    @property
    def partly(self) -> list[str]:
        return [self.prep.reference.points[i] for i in self.expected if self.verdicts[i].status == "partly"]

    @property
    def missing(self) -> list[str]:
        return [
            self.prep.reference.points[i] for i in self.expected if self.verdicts[i].status in {"missing", "partly"}
        ]

    @property
    def evidence(self) -> list[str]:
        quotes: list[str] = []
        for i in self.expected:
            v = self.verdicts[i]
            if v.status in {"covered", "partly"} and v.sentence is not None:
                quote = self.prep.units.quotes[v.sentence]
                if quote not in quotes:
                    quotes.append(quote)
        return quotes[:4]


def _corrected(item: Misconception) -> str:
    return f"{item.claim} (in fact: {item.truth})"


def _flags(prep: _Prepared, judged: _Judged) -> list[str]:
    flags = list(prep.kind.flags)
    if "off_topic" not in flags and judged.coverage == 0 and prep.kind.relevance < claims.ON_TOPIC_AT:
        flags.append("off_topic")
    if prep.feats.dont_know and not judged.covered:
        flags.append("did_not_know")
    if judged.wrong:
        flags.append("wrong_claims")
    return flags


def _cap(flags: list[str]) -> float | None:
    caps = {
        "instruction_to_scorer": ADVERSARIAL_CAP,
        "keyword_stuffing": ADVERSARIAL_CAP,
        "word_salad": ADVERSARIAL_CAP,
        "did_not_know": NON_ANSWER_CAP,
        "off_topic": OFF_TOPIC_CAP,
    }
    found = [caps[f] for f in flags if f in caps]
    return min(found) if found else None


def _certainty(prep: _Prepared, judged: _Judged, *, capped: bool) -> tuple[Certainty, str]:
    """How far the score can be trusted, and why not more (``capped``: a recognised non-answer, list, salad,
    instruction or off-topic answer, whose low score is certain)."""
    reference = prep.reference
    if capped:
        return "high", ""
    if reference.trust < 0.3:
        return "low", "no close reference for this question: its claims could not be checked"
    if not judged.covered and not judged.wrong:  # right in words the reference lacks, or wrong in new ways
        return "low", "the answer states none of the expected points and no known wrong claim: it could not be checked"
    if judged.method == "similarity":
        return "medium", "claims judged by similarity only (no claim checker)"
    if reference.trust < 0.8:
        return "medium", f"expected points borrowed from similar questions ({reference.source})"
    return "high", ""


def _rationale(prep: _Prepared, judged: _Judged, flags: list[str]) -> str:
    reference = prep.reference
    parts = [f"Covered {len(judged.covered)} of {reference.needed} expected points"]
    if judged.partly:
        parts[0] += f" ({len(judged.partly)} more in part)"
    if judged.wrong:
        parts.append(f"made {len(judged.wrong)} wrong claim(s)")
    notes = {
        "instruction_to_scorer": "the answer tries to instruct the scorer: capped at 2",
        "keyword_stuffing": "a list of terms without reasoning: capped at 2",
        "word_salad": "terms strung together without a claim that can be checked: capped at 2",
        "off_topic": "the answer does not address the question",
        "did_not_know": "the candidate said they did not know",
    }
    parts.extend(notes[f] for f in flags if f in notes)
    if not reference.source.startswith("question"):
        parts.append(f"reference borrowed from {reference.source}")
    return "; ".join(parts) + "."
