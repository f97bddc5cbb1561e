"""Import answers recorded elsewhere (a JSONL of transcripts, or of audio files) so they can be scored and
re-scored like interview turns.

Each line is ``{"id", "question", "answer" | "audio", "skill"?, "candidate_id"?}``; ``audio`` is a path relative
to the JSONL file. One session per candidate and file, with an id derived from the file's content, so importing the
same file twice adds nothing. Bad lines are reported with their number and skipped.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from interview_lib.domain.models import Decision, InterviewSession, InterviewSetup, Transcript, Turn
from interview_lib.domain.report import build_report
from interview_lib.domain.states import InterviewState
from interview_lib.errors import AudioError
from interview_lib.ingest.lines import AnswerLine, BadLine, read_lines
from interview_lib.reasoning.base import Scorer
from interview_lib.session.recorder import TableRecorder
from interview_lib.speech.audio import decode, read_bytes
from interview_lib.speech.stt import SpeechToText


@dataclass
class ImportResult:
    """What an import did."""

    sessions: list[str] = field(default_factory=list)
    answers: int = 0
    already_imported: int = 0  # sessions from an earlier import of the same file
    skipped: list[str] = field(default_factory=list)  # "line N: why"


def _read(path: Path, result: ImportResult) -> dict[str, list[tuple[int, AnswerLine]]]:
    by_candidate: dict[str, list[tuple[int, AnswerLine]]] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for number, line in read_lines(lines):
            if isinstance(line, BadLine):
                result.skipped.append(f"line {number}: {line.error}")
            else:
                by_candidate[line.candidate_id].append((number, line))
    return by_candidate


def import_answers(
    path: Path,
    *,
    reasoner: Scorer,
    recorder: TableRecorder,
    stt: SpeechToText | None = None,
    cohort: str = "imported",
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> ImportResult:
    """Record every answer in ``path`` as a finished session per candidate, scored by ``reasoner``."""
    result = ImportResult()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for candidate, lines in _read(path, result).items():
        session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"dataready-import:{digest}:{candidate}"))
        if recorder.store.read("sessions", session_id).num_rows:
            result.already_imported += 1
            continue
        now = clock()
        session = InterviewSession(
            session_id=session_id,
            setup=InterviewSetup(candidate_id=candidate, cohort=cohort, core_questions=max(1, min(50, len(lines)))),
            state=InterviewState.FINISHED,
            created_at=now,
            finished_at=now,
            backends={"import": path.name},
        )
        for number, line in lines:
            transcript = _transcript(path.parent, line, stt, result, number)
            if transcript is None:
                continue
            question = line.as_question()
            evaluation = reasoner.evaluate(question, transcript)
            session.turns.append(
                Turn(
                    turn_no=len(session.turns) + 1,
                    question=question,
                    asked_at=now,
                    answered_at=now,
                    transcript=transcript,
                    evaluation=evaluation,
                    decision=Decision(action="next", next_difficulty=3, reason="imported answer"),
                )
            )
        if not session.turns:
            continue
        recorder.session_started(session)
        for turn in session.turns:
            recorder.turn_finished(session, turn)
        recorder.session_finished(session, build_report(session))
        result.sessions.append(session_id)
        result.answers += len(session.turns)
    return result


def _transcript(
    folder: Path, line: AnswerLine, stt: SpeechToText | None, result: ImportResult, number: int
) -> Transcript | None:
    if line.answer is not None:
        return Transcript(text=line.answer)
    if stt is None:
        result.skipped.append(f"line {number}: audio given but no speech-to-text backend")
        return None
    try:
        audio = decode(read_bytes(folder / str(line.audio)))
    except AudioError as exc:
        result.skipped.append(f"line {number}: {exc}")
        return None
    return stt.transcribe(audio)
