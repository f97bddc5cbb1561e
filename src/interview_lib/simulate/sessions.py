"""Simulated interviews through the normal code path (recorded to the tables and MLflow): one session for the
demo and the notebook's non-interactive mode, or a whole cohort (``dataready simulate-cohort``) for reports."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

from interview_lib.bank import load_bank
from interview_lib.domain import planning
from interview_lib.domain.models import ROLES, Cloud, InterviewSetup, Level, Role
from interview_lib.domain.report import SessionReport
from interview_lib.reasoning.base import Reasoner
from interview_lib.session.recorder import Recorder
from interview_lib.settings import Settings
from interview_lib.simulate.candidates import cohort_members, parse_candidate, run_simulated_interview
from interview_lib.wiring import open_interview, open_reasoner, open_recorder


def _clock(start: datetime) -> Callable[[], datetime]:
    ticks: Iterator[int] = itertools.count()
    return lambda: start + timedelta(seconds=20 * next(ticks))


def simulate_cohort(
    settings: Settings,
    *,
    cohort: str,
    candidates: int,
    sessions: int,
    questions: int,
    reasoner: Reasoner | None = None,
    recorder: Recorder | None = None,
    start: datetime | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Run ``candidates`` × ``sessions`` simulated interviews, a week apart, and return the session ids (the
    reasoner and recorder default to the settings')."""
    reasoner = reasoner or open_reasoner(settings, seed=seed)
    recorder = recorder or open_recorder(settings)
    first = start or datetime(2026, 9, 7, 9, 0, tzinfo=timezone.utc)
    members = cohort_members(candidates, load_bank().skills, seed)
    done: list[str] = []
    total = candidates * sessions
    for week in range(sessions):
        for n, member in enumerate(members):
            session_seed = seed * 100_000 + week * 1_000 + n
            setup = InterviewSetup(
                candidate_id=member.candidate_id,
                cohort=cohort,
                role=ROLES[n % 2],
                level="mid",
                core_questions=questions,
                max_follow_ups=1,
                seed=session_seed,
            )
            when = first + timedelta(days=7 * week, hours=n % 8, minutes=n)
            interview = open_interview(setup, settings, reasoner=reasoner, recorder=recorder, clock=_clock(when))
            run_simulated_interview(interview, member.for_session(week, session_seed))
            done.append(interview.session.session_id)
            if progress is not None:
                progress(len(done), total)
    return done


def simulated_session(
    settings: Settings,
    candidate: str,
    *,
    role: Role = "data-engineer",
    level: Level = "mid",
    cloud: Cloud = "databricks-agnostic",
    questions: int = 3,
    seed: int = 0,
    posting: str | bytes | None = None,
) -> SessionReport:
    """One recorded interview taken by ``candidate`` (``simulated:<profile>``), following the job ``posting``
    when one is given; returns its report.

    Raises:
        ConfigurationError: the posting is empty, too long or not text.
    """
    simulated = parse_candidate(candidate, seed)
    setup = InterviewSetup(
        candidate_id=simulated.name, role=role, level=level, cloud=cloud, core_questions=questions, seed=seed
    )
    reasoner = open_reasoner(settings, seed=seed)
    if posting is not None:
        setup = planning.with_posting(setup, reasoner.read_posting(posting))
    interview = open_interview(setup, settings, reasoner=reasoner)
    return run_simulated_interview(interview, simulated)
