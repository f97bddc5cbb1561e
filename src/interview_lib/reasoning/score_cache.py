"""Remembered model scores: the same answer to the same question under the same scorer gets the same score."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from interview_lib.domain.models import Evaluation, Question, Transcript


def score_key(scorer: str, version: str, question: Question, transcript: Transcript) -> str:
    """What a score depends on: the scorer and its prompt version, the question with its reference, the answer."""
    parts = [scorer, version, question.text, *question.expected_points, "|", *question.red_flags, transcript.text]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


class ScoreCache:
    """Evaluations by ``score_key``, in memory and, with ``folder``, on disk (one small JSON file each)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._memory: dict[str, Evaluation] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Evaluation | None:
        """The remembered evaluation, or None."""
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        path = self._path(key)
        if path is None or not path.exists():
            return None
        try:
            evaluation = Evaluation.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # a damaged file is scored again and rewritten
        with self._lock:
            self._memory[key] = evaluation
        return evaluation

    def put(self, key: str, evaluation: Evaluation) -> None:
        """Remember ``evaluation`` (atomically on disk: a concurrent reader never sees half a file)."""
        with self._lock:
            self._memory[key] = evaluation
        path = self._path(key)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{threading.get_ident()}.tmp")
            partial.write_text(evaluation.model_dump_json(), encoding="utf-8")
            partial.replace(path)

    def _path(self, key: str) -> Path | None:
        return None if self._folder is None else self._folder / key[:2] / f"{key}.json"
