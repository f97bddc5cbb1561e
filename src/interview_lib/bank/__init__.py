"""The curated question bank: YAML files under ``bank/data/``, validated on load."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from pydantic import ValidationError

from interview_lib.bank.schema import BankFile, BankQuestion, Misconception, MisconceptionFile
from interview_lib.domain.models import Cloud, FollowUpType, Level, Question
from interview_lib.domain.planning import follow_up_of
from interview_lib.errors import BankError

__all__ = ["BankEntry", "Misconception", "QuestionBank", "load_bank", "load_misconceptions"]


@dataclass(frozen=True)
class BankEntry:
    """A bank question with the skill of the file it came from."""

    skill: str
    item: BankQuestion

    def question(self) -> Question:
        """The question as the interview asks it."""
        return self.item.to_question(self.skill)

    def fits(self, level: Level, cloud: Cloud) -> bool:
        """True when this question suits the candidate's level and cloud."""
        cloud_ok = not self.item.clouds or cloud in self.item.clouds or cloud == "databricks-agnostic"
        return level in self.item.levels and cloud_ok


class QuestionBank:
    """Every bank question, by id and by skill."""

    def __init__(self, files: list[BankFile]) -> None:
        self.entries: list[BankEntry] = [BankEntry(f.skill, q) for f in files for q in f.questions]
        self._by_id = {e.item.id: e for e in self.entries}
        if len(self._by_id) != len(self.entries):
            raise BankError("the question bank has duplicate ids")

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[BankEntry]:
        return iter(self.entries)

    @property
    def skills(self) -> list[str]:
        """Skills that have at least one question."""
        return sorted({e.skill for e in self.entries})

    def get(self, question_id: str) -> BankEntry | None:
        """The entry with this id, if any."""
        return self._by_id.get(question_id)

    def pick(
        self,
        *,
        skill: str,
        difficulty: int,
        level: Level,
        cloud: Cloud,
        is_excluded: Callable[[str], bool],
        rng: random.Random,
    ) -> Question | None:
        """A question of ``skill`` closest to ``difficulty`` that ``is_excluded`` accepts; ties broken by ``rng``.

        Falls back from the candidate's level to any level before giving up on the skill.
        """
        for strict in (True, False):
            pool = [
                e
                for e in self.entries
                if e.skill == skill and (e.fits(level, cloud) or not strict) and not is_excluded(e.item.text)
            ]
            if pool:
                rng.shuffle(pool)
                best = min(pool, key=lambda e: abs(e.item.difficulty - difficulty))
                return best.question()
        return None

    def follow_up(self, parent: Question, kind: FollowUpType, missing_points: list[str]) -> Question | None:
        """The bank's follow-up of ``kind`` for ``parent``; it is judged on the points the answer missed."""
        root_id = parent.parent_id or parent.id
        entry = self._by_id.get(root_id)
        if entry is None:
            return None
        return follow_up_of(entry.question(), kind, entry.item.follow_ups[kind], missing_points, source="bank")


def _read_yaml(text: str) -> object:
    """YAML with libyaml's parser where PyYAML was built with it (several times faster), else the pure-Python one."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _read_files() -> list[BankFile]:
    folder = resources.files("interview_lib.bank") / "data"
    files = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        try:
            files.append(BankFile.model_validate(_read_yaml(path.read_text(encoding="utf-8"))))
        except (yaml.YAMLError, ValidationError) as exc:
            raise BankError(f"bank file {path.name} is invalid: {exc}") from exc
    if not files:
        raise BankError("no bank files found under interview_lib/bank/data")
    return files


@cache
def load_bank() -> QuestionBank:
    """The packaged question bank (read and validated once per process)."""
    return QuestionBank(_read_files())


@cache
def load_misconceptions() -> tuple[Misconception, ...]:
    """The packaged misconceptions (``bank/data/misconceptions/*.yaml``), read and validated once per process."""
    folder = resources.files("interview_lib.bank") / "data" / "misconceptions"
    found: list[Misconception] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        try:
            found.extend(MisconceptionFile.model_validate(_read_yaml(path.read_text(encoding="utf-8"))).misconceptions)
        except (yaml.YAMLError, ValidationError) as exc:
            raise BankError(f"misconception file {path.name} is invalid: {exc}") from exc
    if len({m.id for m in found}) != len(found):
        raise BankError("the misconceptions have duplicate ids")
    return tuple(found)
