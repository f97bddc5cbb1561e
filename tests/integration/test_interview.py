"""The orchestrator driving sessions through the state machine with injected reasoners."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from interview_lib import Interview, InterviewSetup, InterviewState
from interview_lib.domain import dedup
from interview_lib.domain.models import Evaluation, Question, Transcript
from interview_lib.errors import InvalidTransition, ProviderError, UsageError
from interview_lib.reasoning.embeddings import max_similarity
from interview_lib.reasoning.rubric import RubricReasoner
from interview_lib.reasoning.scripted import ScriptedReasoner, fixed_score

S = InterviewState


class Ticks:
    """A clock that moves one second per call."""

    def __init__(self) -> None:
        self._times = (datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=i) for i in itertools.count())

    def __call__(self) -> datetime:
        return next(self._times)


def setup(**overrides: object) -> InterviewSetup:
    values: dict[str, object] = {"candidate_id": "c1", "core_questions": 3, "max_follow_ups": 1, "seed": 1}
    values.update(overrides)
    return InterviewSetup.model_validate(values)


def start(reasoner: object, **overrides: object) -> Interview:
    return Interview.start(setup(**overrides), reasoner, clock=Ticks())  # type: ignore[arg-type]


def test_a_scripted_interview_runs_from_setup_to_finished() -> None:
    interview = start(ScriptedReasoner(judge=fixed_score(8)))
    assert interview.state is S.LISTENING
    answered = 0
    while interview.current_question is not None:
        outcome = interview.answer("a solid answer")
        answered += 1
        assert outcome.evaluation is not None and outcome.evaluation.overall == 8
    report = interview.end()
    assert answered == 3
    assert interview.state is S.FINISHED
    assert report.overall == 8
    states = [r.to_state for r in interview.session.transitions]
    assert states[:3] == [S.READY, S.ASKING, S.LISTENING]
    assert states[-3:] == [S.COMPLETE, S.GENERATING_REPORT, S.FINISHED]
    times = [r.at for r in interview.session.transitions]
    assert times == sorted(times)


def test_a_weak_answer_gets_a_follow_up_and_a_strong_one_raises_difficulty() -> None:
    scores = iter([3.0, 9.0, 9.0, 9.0])
    reasoner = ScriptedReasoner(judge=lambda q, t: fixed_score(next(scores))(q, t))
    interview = start(reasoner, level="mid")
    first_difficulty = interview.session.difficulty
    outcome = interview.answer("weak")
    assert outcome.decision is not None and outcome.decision.action == "follow_up"
    assert outcome.next_question is not None and outcome.next_question.kind == "follow_up"
    outcome = interview.answer("better")
    assert outcome.decision is not None and outcome.decision.action == "next"
    assert interview.session.difficulty == first_difficulty + 1


def test_follow_ups_per_core_question_are_capped() -> None:
    interview = start(ScriptedReasoner(judge=fixed_score(2)), max_follow_ups=2, core_questions=2)
    kinds = []
    while interview.current_question is not None:
        kinds.append(interview.current_question.kind)
        interview.answer("weak")
    assert kinds == ["core", "follow_up", "follow_up", "core", "follow_up", "follow_up"]


def test_skip_scores_nothing_and_moves_on() -> None:
    interview = start(ScriptedReasoner())
    outcome = interview.skip()
    assert outcome.evaluation is None and outcome.turn.skipped
    assert interview.state is S.LISTENING
    report = interview.end()
    assert report.skipped == 1 and report.answered == 0 and report.overall is None


def test_an_empty_answer_is_not_scored_and_the_candidate_may_answer_again() -> None:
    interview = start(ScriptedReasoner())
    question = interview.current_question
    outcome = interview.answer("   ")
    assert outcome.evaluation is None
    assert interview.state is S.LISTENING and interview.current_question == question


def test_pause_resumes_to_where_it_was_and_blocks_answers_meanwhile() -> None:
    interview = start(ScriptedReasoner())
    interview.pause()
    assert interview.state is S.PAUSED
    with pytest.raises(UsageError, match="no question is waiting"):
        interview.answer("while paused")
    interview.resume()
    assert interview.state is S.LISTENING
    with pytest.raises(UsageError, match="nothing to resume"):
        interview.resume()
    interview.answer("now")


def test_ending_early_drops_the_unanswered_question_and_finishes() -> None:
    interview = start(ScriptedReasoner(judge=fixed_score(7)), core_questions=5)
    interview.answer("one")
    report = interview.end()
    assert interview.state is S.FINISHED
    assert len(report.questions) == 1


def test_cancel_is_terminal() -> None:
    interview = start(ScriptedReasoner())
    interview.cancel()
    with pytest.raises(InvalidTransition):
        interview.pause()


def test_a_failing_scorer_goes_through_error_retries_once_then_leaves_the_answer_unscored() -> None:
    calls = []

    def flaky(question: Question, transcript: Transcript) -> Evaluation:
        calls.append(1)
        raise ProviderError("test-endpoint", "boom", status=500)

    interview = start(ScriptedReasoner(judge=flaky))
    outcome = interview.answer("anything")
    assert len(calls) == 2
    assert outcome.evaluation is not None and outcome.evaluation.status == "unscored"
    assert "boom" in (outcome.evaluation.reason or "")
    visited = [r.to_state for r in interview.session.transitions]
    assert visited.count(S.ERROR) == 2


def test_a_generator_that_repeats_itself_falls_back_to_the_bank() -> None:
    same = Question(id="gen-1", text="What is a shuffle in Spark?", skill="spark", difficulty=2, source="generated")
    reasoner = ScriptedReasoner(questions=[same] * 10, judge=fixed_score(6))
    interview = start(reasoner, core_questions=3, max_follow_ups=0)
    texts = []
    while interview.current_question is not None:
        texts.append(interview.current_question.text)
        interview.answer("ok")
    assert texts[0] == same.text
    assert len(texts) == 3 and len(set(texts)) == 3
    assert [t.question.source for t in interview.session.turns][1:] == ["fallback", "fallback"]
    assert all(r.asked for r in reasoner.requests[1:]), "asked questions go into the generator's context"


def test_a_reworded_generated_question_counts_as_a_repeat() -> None:
    first = Question(id="g1", text="What is the difference between WHERE and HAVING?", skill="sql", difficulty=2)
    reworded = Question(id="g2", text="Explain the difference between HAVING and WHERE.", skill="sql", difficulty=2)
    reasoner = ScriptedReasoner(questions=[first, reworded, reworded, reworded], judge=fixed_score(6))
    interview = start(reasoner, core_questions=2, max_follow_ups=0)  # no similarity function: the words decide
    interview.answer("ok")
    assert interview.current_question is not None
    assert interview.current_question.text != reworded.text


def test_a_thirty_question_interview_never_repeats_a_question(rubric: RubricReasoner) -> None:
    interview = Interview.start(setup(core_questions=30, max_follow_ups=1, seed=5), rubric, clock=Ticks())
    texts: list[str] = []
    answers = itertools.cycle(["I'm not sure.", "It depends, I think maybe caching helps."])
    while interview.current_question is not None:
        texts.append(interview.current_question.text)
        interview.answer(next(answers))
    assert len(interview.session.core_turns) == 30
    assert len({dedup.question_hash(t) for t in texts}) == len(texts)
    for a, b in itertools.combinations(texts, 2):
        assert dedup.similarity(a, b) < dedup.NEAR_DUPLICATE_AT, (a, b)


def test_a_session_round_trips_through_json_mid_interview(rubric: RubricReasoner) -> None:
    interview = Interview.start(setup(), rubric, clock=Ticks())
    interview.answer("A broadcast join sends the small table to every executor, so the big one is not shuffled.")
    session = interview.session
    assert type(session).model_validate_json(session.model_dump_json()) == session


def test_a_rewording_with_few_shared_words_is_caught_by_meaning() -> None:
    first = Question(
        id="g1", text="What happens when you run VACUUM on a Delta table?", skill="delta_lake", difficulty=2
    )
    reworded = Question(
        id="g2",
        text="Describe the effect of the VACUUM command on Delta Lake tables.",
        skill="delta_lake",
        difficulty=2,
    )
    assert dedup.similarity(first.text, reworded.text) < dedup.NEAR_DUPLICATE_AT
    reasoner = ScriptedReasoner(questions=[first, reworded, reworded, reworded], judge=fixed_score(6))
    interview = Interview.start(
        setup(core_questions=2, max_follow_ups=0), reasoner, clock=Ticks(), similarity=max_similarity
    )  # what the wiring gives every interview
    interview.answer("ok")
    assert interview.current_question is not None
    assert interview.current_question.text != reworded.text
