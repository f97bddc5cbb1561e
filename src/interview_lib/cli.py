"""The ``dataready`` command: demo, interview, score."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from interview_lib.domain import planning
from interview_lib.domain.models import CLOUDS, LEVELS, ROLES, InterviewSetup, Question
from interview_lib.domain.posting import PostingProfile
from interview_lib.domain.states import InterviewState
from interview_lib.errors import ConfigurationError, InterviewLibError
from interview_lib.reports.render import render_html, render_text
from interview_lib.session.intake import LiveAnswer
from interview_lib.session.interview import Interview, TurnOutcome
from interview_lib.settings import Settings
from interview_lib.simulate.candidates import PROFILES, SimulatedCandidate, run_simulated_interview
from interview_lib.speech.end_of_answer import Listening
from interview_lib.speech.hands_free import SILENCE_S, HandsFree, ThinkingCheck, check_silence, thinking_check
from interview_lib.speech.terminal_microphone import AudioSource, TerminalInput, microphone
from interview_lib.speech.tts import Speaker
from interview_lib.wiring import (
    open_interview,
    open_reasoner,
    open_recorder,
    open_speaker,
    open_store,
    open_stt,
    open_tracker,
    resume_interview,
)


def _setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--candidate-id", default="you", help="who is being interviewed")
    parser.add_argument("--cohort", default="default")
    parser.add_argument("--role", choices=ROLES, default="data-engineer")
    parser.add_argument("--level", choices=LEVELS, default="mid")
    parser.add_argument("--cloud", choices=CLOUDS, default="databricks-agnostic")
    parser.add_argument("--questions", type=int, default=5, help="number of core questions")
    parser.add_argument("--follow-ups", type=int, default=1, help="max follow-ups per core question")
    parser.add_argument("--focus", nargs="*", default=[], help="skills to focus on")
    parser.add_argument("--seed", type=int, default=None, help="random seed for question choice")
    parser.add_argument(
        "--session-id", default=None, help="id for the new session: letters, digits, . _ - (default: a random UUID)"
    )
    parser.add_argument(
        "--job-description", default=None, metavar="FILE", help="a job posting (text) for the interview to follow"
    )


def _setup(args: argparse.Namespace, candidate_id: str | None = None) -> InterviewSetup:
    return InterviewSetup(
        candidate_id=candidate_id or args.candidate_id,
        cohort=args.cohort,
        role=args.role,
        level=args.level,
        cloud=args.cloud,
        core_questions=args.questions,
        max_follow_ups=args.follow_ups,
        focus_skills=args.focus,
        seed=args.seed,
    )


def _open(args: argparse.Namespace, settings: Settings, *, spoken: bool, candidate_id: str | None = None) -> Interview:
    """The interview the arguments ask for, following ``--job-description`` when given (what was read is shown)."""
    setup = _setup(args, candidate_id)
    reasoner = open_reasoner(settings, seed=args.seed)
    if args.job_description:
        path = Path(args.job_description)
        if not path.is_file():
            raise ConfigurationError(f"no job posting file at {path}")
        posting = reasoner.read_posting(path.read_bytes())
        setup = planning.with_posting(setup, posting)
        print(_posting_summary(posting))
    return open_interview(setup, settings, spoken=spoken, session_id=args.session_id, reasoner=reasoner)


def _posting_summary(posting: PostingProfile) -> str:
    lines = [f"Job posting: {posting.title or '(untitled)'}"]
    if posting.is_data_engineering:
        skills = ", ".join(f"{s} {w:.2f}" for s, w in sorted(posting.skills.items(), key=lambda kv: -kv[1]))
        lines += [
            f"  level {posting.level or 'not stated'}, cloud {posting.cloud or 'not named'}",
            f"  skills: {skills}",
            f"  technologies: {', '.join(posting.technologies) or 'none named'}",
        ]
    return "\n".join(lines + [f"  ({note})" for note in posting.notes])


def _print_outcome(outcome: TurnOutcome, out: TextIO) -> None:
    evaluation = outcome.evaluation
    if evaluation is None:
        print(f"   → {outcome.message}", file=out)
        return
    if evaluation.status == "scored":
        print(f"   → score {evaluation.overall:.1f}/10 — {evaluation.rationale}", file=out)
    else:
        print(f"   → unscored: {evaluation.reason}", file=out)
    if outcome.latency_s is not None and outcome.turn.delivery:  # a spoken answer: how long the candidate waited
        print(f"   (next question {outcome.latency_s:.1f} s after the answer ended)", file=out)


def _ask(question_text: str, turn_no: int, kind: str, out: TextIO) -> None:
    marker = "" if kind == "core" else f" [{kind}]"
    print(f"\nQ{turn_no}{marker}: {question_text}", file=out)


def _save_report(interview: Interview, settings: Settings) -> Path:
    folder = settings.home / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{interview.session.session_id}.html"
    path.write_text(render_html(interview.report()), encoding="utf-8")
    return path


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """A simulated candidate takes a full interview offline; the report prints."""
    started = time.perf_counter()
    candidate = SimulatedCandidate(args.candidate, seed=args.seed or 0)
    voice = None
    if args.voice:
        from interview_lib.speech.tts import create_tts

        voice = create_tts("piper").synthesize  # the candidate's voice (the interviewer's is settings.tts)
    interview = _open(args, settings, spoken=args.voice, candidate_id=candidate.name)
    out = sys.stdout
    mode = "spoken answers, transcribed" if args.voice else "typed answers"
    print(f"DataReady demo: {candidate.name} interviews for {args.role} ({args.level}), offline, {mode}.", file=out)
    print(f"Session {interview.session.session_id}", file=out, flush=True)

    def show(question: Question, answer: str, outcome: TurnOutcome) -> None:
        _ask(question.text, outcome.turn.turn_no, question.follow_up_type or "core", out)
        print(f"A: {answer}", file=out)
        if outcome.turn.transcript is not None and outcome.turn.transcript.source == "audio":
            print(f"   heard: {outcome.turn.transcript.text}", file=out)
        _print_outcome(outcome, out)

    report = run_simulated_interview(interview, candidate, show, voice=voice)
    print("\n" + render_text(report), file=out)
    path = _save_report(interview, settings)
    print(f"\nHTML report: {path}\nDemo finished in {time.perf_counter() - started:.1f} s.", file=out)
    return 0


def cmd_interview(args: argparse.Namespace, settings: Settings) -> int:
    """An interactive interview: typed answers (one per line), audio files from a folder, or the microphone."""
    spoken = bool(args.answers_dir or args.voice)
    interview = _open(args, settings, spoken=spoken)
    if args.answers_dir:
        return _answer_from_files(
            interview, settings, sorted(p for p in Path(args.answers_dir).iterdir() if p.is_file())
        )
    if args.voice:
        listening = Listening(silence_s=args.silence) if args.hands_free else None
        return _answer_aloud(interview, settings, TerminalInput(sys.stdin), microphone, listening)
    return _converse(interview, settings)


def _speak(interview: Interview, speaker: Speaker, question: Question, out: TextIO) -> None:
    spoken = speaker.speak(question.text)
    if spoken.note:
        interview.add_note(spoken.note)
        print(f"   ({spoken.note})", file=out)


def _answer_from_files(interview: Interview, settings: Settings, files: list[Path]) -> int:
    out = sys.stdout
    speaker = open_speaker(settings)
    print(f"Session {interview.session.session_id}: answering with {len(files)} audio file(s)", file=out)
    for path in files:
        question = interview.current_question
        if question is None:
            break
        _ask(question.text, interview.session.turns[-1].turn_no, question.follow_up_type or "core", out)
        _speak(interview, speaker, question, out)
        outcome = interview.answer_audio(path)
        heard = outcome.turn.transcript.text if outcome.turn.transcript and outcome.evaluation else None
        print(f"A ({path.name}): {heard if heard is not None else outcome.message}", file=out)
        _print_outcome(outcome, out)
    return _finish(interview, settings, out)


def _answer_aloud(
    interview: Interview,
    settings: Settings,
    terminal: TerminalInput,
    source: AudioSource,
    listening: Listening | None,
) -> int:
    """Answer into the microphone; each answer is transcribed while it is spoken, and ends on Enter or, with
    ``listening``, after its silence (a countdown shows first; a pause after "let me think" is held)."""
    out = sys.stdout
    speaker = open_speaker(settings)
    stt = interview.intake.stt
    check = thinking_check(stt) if stt is not None else None
    stop = f"Enter again or {listening.silence_s:g} s of silence to stop" if listening else "Enter again to stop"
    while (question := interview.current_question) is not None:
        _ask(question.text, interview.session.turns[-1].turn_no, question.follow_up_type or "core", out)
        _speak(interview, speaker, question, out)
        print(f"Press Enter to start recording, {stop} (type :end to finish).", file=out, flush=True)
        line = terminal.line()
        if line is None or line.strip() == ":end":
            break
        live = interview.listen()
        hands_free = _hands_free(live, listening, check) if listening else None
        terminal.record(live.feed, source, hands_free)
        outcome = live.finish()
        print(f"A: {outcome.turn.transcript.text if outcome.turn.transcript else outcome.message}", file=out)
        _print_outcome(outcome, out)
    return _finish(interview, settings, out)


def _hands_free(live: LiveAnswer[TurnOutcome], listening: Listening, check: ThinkingCheck | None) -> HandsFree:
    """Hands-free for ``live``: when a countdown starts, what was said so far goes to the recogniser."""
    hands_free = HandsFree(listening, lambda: live.audio().samples, check)
    hands_free.observe(lambda signal: live.cut() if signal.kind == "countdown" else None)
    return hands_free


def _silence(value: str) -> float:
    try:
        return check_silence(float(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _finish(interview: Interview, settings: Settings, out: TextIO) -> int:
    report = interview.end()
    print("\n" + render_text(report), file=out)
    print(f"\nHTML report: {_save_report(interview, settings)}", file=out)
    return 0


def _converse(interview: Interview, settings: Settings) -> int:
    out = sys.stdout
    print(f"Session {interview.session.session_id}", file=out)
    print("Type your answer on one line. Commands: :skip  :pause  :resume  :end", file=out)
    while (question := interview.current_question) is not None:
        turn = interview.session.turns[-1]
        if interview.state is not InterviewState.PAUSED:
            _ask(question.text, turn.turn_no, question.follow_up_type or "core", out)
        line = sys.stdin.readline()
        if not line:
            break
        command = line.strip()
        if command == ":end":
            break
        if command == ":pause":
            interview.pause()
            print("(paused — type :resume)", file=out)
        elif command == ":resume":
            interview.resume()
        elif command == ":skip":
            _print_outcome(interview.skip(), out)
        else:
            _print_outcome(interview.answer(command), out)
    return _finish(interview, settings, out)


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    """Score a JSONL file of answers; bad lines are reported and skipped."""
    from interview_lib.ingest.lines import AnswerLine, BadLine, read_lines
    from interview_lib.ingest.scoring import score_items

    scorer = open_reasoner(settings, spec=args.scorer, batch=True)
    good: list[AnswerLine] = []
    bad = 0
    with open(args.input, encoding="utf-8") as handle:
        for line_no, item in read_lines(handle):
            if isinstance(item, AnswerLine) and item.answer is None:
                item = BadLine(line_no, "no 'answer' text to score (recordings are imported with import-answers)")
            if isinstance(item, BadLine):
                bad += 1
                print(f"{args.input}:{line_no}: skipped: {item.error}", file=sys.stderr)
            else:
                good.append(item)
    started = time.perf_counter()
    with open(args.output, "w", encoding="utf-8") as out:
        for row in score_items(scorer, good):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elapsed = time.perf_counter() - started
    print(
        f"scored {len(good)} answers in {elapsed:.1f} s → {args.output}; {bad} bad line(s) skipped",
        file=sys.stderr,
    )
    return 0


def cmd_resume(args: argparse.Namespace, settings: Settings) -> int:
    """Carry on a session whose process died, from what the tables hold."""
    interview = resume_interview(args.session, settings)
    if interview.current_question is None and interview.state is InterviewState.FINISHED:
        print(render_text(interview.report()))
        return 0
    if args.candidate:
        from interview_lib.simulate.candidates import parse_candidate

        report = run_simulated_interview(interview, parse_candidate(args.candidate))
        print(render_text(report))
        return 0
    return _converse(interview, settings)


def cmd_sessions(args: argparse.Namespace, settings: Settings) -> int:
    """List stored sessions, newest first."""
    rows = open_store(settings).read("sessions").to_pylist()
    rows.sort(key=lambda r: r["created_at"], reverse=True)
    print(f"{'session':36}  {'candidate':20}  {'started':19}  {'state':17}  overall")
    for r in rows[: args.limit]:
        overall = "—" if r["overall"] is None else f"{r['overall']:.1f}"
        started = r["created_at"].strftime("%Y-%m-%d %H:%M:%S")
        print(f"{r['session_id']:36}  {str(r['candidate_id'])[:20]:20}  {started:19}  {r['final_state']:17}  {overall}")
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Re-render a stored session's report (terminal, or HTML with --html)."""
    from interview_lib.domain.report import build_report
    from interview_lib.store.resume import load_session

    report = build_report(load_session(open_store(settings), args.session).session)
    if args.html:
        Path(args.html).write_text(render_html(report), encoding="utf-8")
        print(f"HTML report: {args.html}")
    else:
        print(render_text(report))
    return 0


def cmd_sync_mlflow(args: argparse.Namespace, settings: Settings) -> int:
    """Back-fill MLflow runs for sessions recorded while MLflow was unreachable."""
    from interview_lib.tracking.sync import sync_mlflow

    done = sync_mlflow(open_store(settings), open_tracker(settings), bundle_target=settings.bundle_target)
    print(f"back-filled {len(done)} session(s)" + "".join(f"\n  {s}" for s in done))
    return 0


def cmd_simulate_cohort(args: argparse.Namespace, settings: Settings) -> int:
    """Write a realistic simulated cohort through the normal code path."""
    from interview_lib.simulate.sessions import simulate_cohort

    started = time.perf_counter()
    ids = simulate_cohort(
        settings,
        cohort=args.cohort,
        candidates=args.candidates,
        sessions=args.sessions,
        questions=args.questions,
        seed=args.seed,
        progress=_progress("sessions"),
    )
    print(f"wrote {len(ids)} sessions of cohort {args.cohort!r} in {time.perf_counter() - started:.0f} s")
    return 0


def cmd_cohort(args: argparse.Namespace, settings: Settings) -> int:
    """The cohort report: HTML + extract in --output, logged as an MLflow run."""
    from interview_lib.batch import publish_cohort_report

    outputs, run_id = publish_cohort_report(
        settings,
        Path(args.output),
        cohort=args.cohort,
        since=_date(args.since),
        until=_date(args.until),
        posting=args.posting or None,
    )
    report = outputs.report
    print(f"{report.candidates} candidates, {report.sessions} sessions, mean {report.overall:.1f} → {outputs.html}")
    print(f"MLflow run {run_id}" if run_id else "MLflow unavailable: the report files are still written")
    return 0


def cmd_rescore(args: argparse.Namespace, settings: Settings) -> int:
    """Re-score stored answers with another scorer version; append, never overwrite; log the agreement."""
    from interview_lib.batch import publish_rescore

    baseline = args.baseline or None  # a job passes "" for "the live scores"
    result, run_id = publish_rescore(
        settings, args.scorer, baseline=baseline, certainty=args.certainty, progress=_progress("answers")
    )
    print(f"{result.scorer}: appended {result.appended} score(s); {result.already_scored} already scored")
    if result.agreement is not None:
        a = result.agreement
        print(
            f"agreement with {a.baseline} on {a.compared} answers: Spearman {a.spearman}, "
            f"mean |diff| {a.mean_abs_diff}; drift {a.drift}"
        )
    print(f"MLflow run {run_id}" if run_id else "MLflow unavailable: the scores were appended")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import answers recorded elsewhere (JSONL of transcripts or audio files) as scored sessions."""
    from interview_lib.ingest.importer import import_answers

    path = Path(args.input)
    needs_stt = '"audio"' in path.read_text(encoding="utf-8")
    result = import_answers(
        path,
        reasoner=open_reasoner(settings, batch=True),
        recorder=open_recorder(settings),
        stt=open_stt(settings) if needs_stt else None,
        cohort=args.cohort,
    )
    for problem in result.skipped:
        print(f"{path}: skipped {problem}", file=sys.stderr)
    print(
        f"imported {result.answers} answer(s) into {len(result.sessions)} session(s) of cohort {args.cohort!r}"
        + (f"; {result.already_imported} session(s) were imported before" if result.already_imported else "")
    )
    return 0


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    """Record an instructor's score for one turn (scorer human:<reviewer>)."""
    from interview_lib.analytics.rescore import record_review

    try:
        record_review(
            open_store(settings),
            args.session,
            args.turn,
            args.reviewer,
            args.overall,
            args.note,
            datetime.now(timezone.utc),
        )
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
    print(f"review by {args.reviewer} stored for {args.session} turn {args.turn}: {args.overall}")
    return 0


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the MLflow UI over the data root's runs (offline)."""
    from interview_lib.tracking.ui import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the live interview as a web app (a Databricks App when the platform runs it)."""
    from interview_lib.app.server import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def _progress(unit: str) -> Callable[[int, int], None]:
    """A one-line counter on stderr for long batch work."""

    def show(done: int, total: int) -> None:
        print(f"\r  {done}/{total} {unit}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def _date(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc) if text else None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="dataready", description="Mock interviews for data engineers.")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for this run, over DATAREADY_<NAME> (e.g. --set store=spark); repeatable",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="a simulated candidate takes a full interview offline")
    _setup_arguments(demo)
    demo.add_argument("--candidate", choices=PROFILES, default="strong", help="simulated candidate profile")
    demo.add_argument("--voice", action="store_true", help="the candidate speaks (piper) and answers are transcribed")
    demo.set_defaults(handler=cmd_demo)

    interview = commands.add_parser("interview", help="take an interview, answering on stdin")
    _setup_arguments(interview)
    answers = interview.add_mutually_exclusive_group()
    answers.add_argument("--answers-dir", default=None, help="answer each question with the next audio file here")
    answers.add_argument("--voice", action="store_true", help="answer aloud with the microphone")
    interview.add_argument(
        "--silence",
        type=_silence,
        default=SILENCE_S,
        metavar="SECONDS",
        help=f"with --voice: seconds of silence after speech that end an answer (default {SILENCE_S:g})",
    )
    interview.add_argument(
        "--no-hands-free",
        dest="hands_free",
        action="store_false",
        help="with --voice: only Enter ends an answer, however long the silence",
    )
    interview.set_defaults(handler=cmd_interview)

    resume = commands.add_parser("resume", help="carry on a session whose process died")
    resume.add_argument("session")
    resume.add_argument("--candidate", default=None, help="finish it with a simulated candidate, e.g. simulated:weak")
    resume.set_defaults(handler=cmd_resume)

    sessions = commands.add_parser("sessions", help="list stored sessions")
    sessions.add_argument("--limit", type=int, default=50)
    sessions.set_defaults(handler=cmd_sessions)

    report = commands.add_parser("report", help="re-render a stored session's report")
    report.add_argument("session")
    report.add_argument("--html", default=None, help="write HTML to this path instead of printing text")
    report.set_defaults(handler=cmd_report)

    sync = commands.add_parser("sync-mlflow", help="back-fill MLflow runs that were missed")
    sync.set_defaults(handler=cmd_sync_mlflow)

    simulate = commands.add_parser("simulate-cohort", help="write demo sessions for a simulated cohort")
    simulate.add_argument("--cohort", default="demo-cohort")
    simulate.add_argument("--candidates", type=int, default=30)
    simulate.add_argument("--sessions", type=int, default=5, help="sessions per candidate, a week apart")
    simulate.add_argument("--questions", type=int, default=4, help="core questions per session")
    simulate.add_argument("--seed", type=int, default=0)
    simulate.set_defaults(handler=cmd_simulate_cohort)

    cohort = commands.add_parser("cohort", help="build the cohort report (HTML + extract)")
    cohort.add_argument("--cohort", default=None, help="cohort name (default: every cohort)")
    cohort.add_argument("--since", default=None, help="first day, YYYY-MM-DD")
    cohort.add_argument("--until", default=None, help="day after the last, YYYY-MM-DD")
    cohort.add_argument(
        "--posting", default=None, help="only sessions that followed this job posting (sha256 or title)"
    )
    cohort.add_argument("--output", required=True, help="folder for cohort_report.html and the extract")
    cohort.set_defaults(handler=cmd_cohort)

    rescore_ = commands.add_parser("rescore", help="re-score stored answers with another scorer version")
    rescore_.add_argument("--scorer", default="rubric", help="reasoner spec: rubric, databricks, openai:<model>")
    rescore_.add_argument("--baseline", default=None, help="compare with scorer@version (default: live scores)")
    rescore_.add_argument(
        "--certainty",
        choices=["low", "medium"],
        default=None,
        help="only answers whose live score had this certainty (or could not be scored), e.g. for a model",
    )
    rescore_.set_defaults(handler=cmd_rescore)

    importer = commands.add_parser("import-answers", help="import recorded answers (JSONL: transcripts or audio)")
    importer.add_argument("input", help='JSONL lines {"id", "question", "answer"|"audio", "skill"?, "candidate_id"?}')
    importer.add_argument("--cohort", default="imported")
    importer.set_defaults(handler=cmd_import)

    review = commands.add_parser("review", help="record an instructor's score for one answer")
    review.add_argument("session")
    review.add_argument("turn", type=int)
    review.add_argument("--overall", type=float, required=True, help="0–10")
    review.add_argument("--reviewer", required=True)
    review.add_argument("--note", default="")
    review.set_defaults(handler=cmd_review)

    ui = commands.add_parser("ui", help="browse the recorded runs in the MLflow UI (offline)")
    ui.add_argument("--port", type=int, default=5000)
    ui.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: this machine only)")
    ui.set_defaults(handler=cmd_ui)

    serve = commands.add_parser("serve", help="the live interview in the browser, as a web app or a Databricks App")
    serve.add_argument("--host", default=None, help="interface (default: 127.0.0.1; 0.0.0.0 inside Databricks Apps)")
    serve.add_argument(
        "--port", type=int, default=None, help="port (default: $DATABRICKS_APP_PORT when set, else 8000)"
    )
    serve.set_defaults(handler=cmd_serve)

    score = commands.add_parser("score", help="score a JSONL file of answers")
    score.add_argument("--input", required=True, help='JSONL lines {"id", "question", "answer", "skill"?}')
    score.add_argument("--output", required=True, help="where to write one JSON result per line")
    score.add_argument("--scorer", default="rubric", help="reasoner spec: rubric (offline), databricks, openai:<model>")
    score.set_defaults(handler=cmd_score)
    return parser


def _settings(assignments: Sequence[str]) -> Settings:
    """Settings from the environment, with ``NAME=VALUE`` assignments over them."""
    overrides: dict[str, str] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals or not name.strip():
            raise ConfigurationError(f"--set takes NAME=VALUE, not {assignment!r}")
        overrides[name.strip().lower()] = value
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic checks the names and converts the values
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"bad --set: {problems}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dataready`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, _settings(args.set)))
    except InterviewLibError as exc:
        print(f"dataready: {exc}", file=sys.stderr)
        return 2


def job_arguments(command: str, argv: Sequence[str]) -> list[str]:
    """The command line of a batch job: ``command`` with ``argv``, its ``--set NAME=VALUE`` pairs moved first."""
    settings: list[str] = []
    rest: list[str] = []
    items = iter(argv)
    for item in items:
        if item == "--set":
            settings += ["--set", next(items, "")]
        elif item.startswith("--set="):
            settings.append(item)
        else:
            rest.append(item)
    return [*settings, command, *rest]


def job_main(command: str, argv: Sequence[str]) -> int:
    """A batch job's entry point (``jobs/*.py``): ``dataready COMMAND`` with the job's parameters."""
    return main(job_arguments(command, argv))


if __name__ == "__main__":
    raise SystemExit(main())
