"""How well the offline posting extractor reads labelled job postings.

    python bench/postings.py                         # the development postings (tests/data/postings_dev)
    python bench/postings.py tests/data/postings     # the blind postings (report them, never tune on them)
    python bench/postings.py --embedder ...          # also compare sentences with the bank's questions
    python bench/postings.py --per-posting ...       # also print what was missed and what was extra

A folder holds the postings as text files and ``labels.json``: ``{"postings": [{"file", "is_data_engineering",
"level", "cloud", "required", "mentioned", "technologies"}]}``, or an object keyed by file name with
``data_engineering`` and ``databricks-agnostic`` for "no cloud" (the blind set's form). Skill truth is
``required`` and ``mentioned`` together; skill and technology figures are counted over the postings labelled as
data engineering, level, cloud and the data-engineering verdict over all of them. Technologies are compared in
lower case after mapping each label to the vocabulary's name for it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interview_lib.domain.posting import PostingProfile
from interview_lib.reasoning.embeddings import Embedder
from interview_lib.reasoning.posting import extract_posting, technology_name

DEV = Path(__file__).parents[1] / "tests" / "data" / "postings_dev"


@dataclass
class Label:
    """What a person read in one posting."""

    file: str
    is_data_engineering: bool
    level: str | None
    cloud: str | None
    skills: set[str]
    technologies: set[str]


def load_labels(folder: Path) -> list[tuple[str, Label]]:
    """Each posting's text with its label (a list under ``postings``, or an object keyed by file name)."""
    raw: Any = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    items = raw["postings"] if "postings" in raw else [{"file": name, **item} for name, item in raw.items()]
    out = []
    for item in items:
        cloud = item.get("cloud")
        label = Label(
            file=item["file"],
            is_data_engineering=bool(item.get("is_data_engineering", item.get("data_engineering"))),
            level=item.get("level"),
            cloud=None if cloud == "databricks-agnostic" else cloud,  # the setup's name for "no cloud named"
            skills=set(item.get("required", [])) | set(item.get("mentioned", [])),
            technologies={canonical(t) for t in item.get("technologies", [])},
        )
        out.append(((folder / label.file).read_text(encoding="utf-8"), label))
    return out


def canonical(name: str) -> str:
    """A technology's name as the extractor writes it when its vocabulary knows the name, in lower case."""
    return (technology_name(name) or " ".join(name.split())).lower()


@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], truth: set[str]) -> None:
        self.tp += len(predicted & truth)
        self.fp += len(predicted - truth)
        self.fn += len(truth - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Figures:
    """Everything the benchmark reports."""

    postings: int = 0
    skills: Counts = field(default_factory=Counts)
    technologies: Counts = field(default_factory=Counts)
    level_right: int = 0
    cloud_right: int = 0
    verdict_right: int = 0
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)


def measure(folder: Path, embedder: Embedder | None) -> Figures:
    """Run the extractor over a labelled folder and count what it got right."""
    figures = Figures()
    for text, label in load_labels(folder):
        started = time.perf_counter()
        profile = extract_posting(text, embedder=embedder)
        figures.seconds += time.perf_counter() - started
        figures.postings += 1
        figures.level_right += profile.level == label.level
        figures.cloud_right += profile.cloud == label.cloud
        figures.verdict_right += profile.is_data_engineering == label.is_data_engineering
        if label.is_data_engineering:
            figures.skills.add(set(profile.skills), label.skills)
            figures.technologies.add({t.lower() for t in profile.technologies}, label.technologies)
        figures.lines.append(_describe(label, profile))
    return figures


def _describe(label: Label, profile: PostingProfile) -> str:
    found, found_tech = set(profile.skills), {t.lower() for t in profile.technologies}
    parts = [
        f"{label.file}: de {profile.is_data_engineering}/{label.is_data_engineering}",
        f"level {profile.level}/{label.level}",
        f"cloud {profile.cloud}/{label.cloud}",
        f"missed {sorted(label.skills - found)}" if label.is_data_engineering else "",
        f"extra {sorted(found - label.skills)}" if label.is_data_engineering else "",
        f"tech missed {sorted(label.technologies - found_tech)}",
        f"tech extra {sorted(found_tech - label.technologies)}",
    ]
    return "  ".join(p for p in parts if p)


def report(folder: Path, figures: Figures) -> str:
    """The figures as lines of text."""
    n = figures.postings
    s, t = figures.skills, figures.technologies
    return "\n".join(
        [
            f"{folder} ({n} postings, {1000 * figures.seconds / max(n, 1):.0f} ms each)",
            f"  skills        precision {s.precision:.2f}  recall {s.recall:.2f}  F1 {s.f1:.2f}  "
            f"(tp {s.tp}, fp {s.fp}, fn {s.fn})",
            f"  technologies  precision {t.precision:.2f}  recall {t.recall:.2f}  F1 {t.f1:.2f}",
            f"  level         {figures.level_right}/{n} = {figures.level_right / max(n, 1):.2f}",
            f"  cloud         {figures.cloud_right}/{n} = {figures.cloud_right / max(n, 1):.2f}",
            f"  data engineering or not  {figures.verdict_right}/{n} = {figures.verdict_right / max(n, 1):.2f}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, default=[DEV])
    parser.add_argument("--embedder", action="store_true", help="also compare sentences with the bank's questions")
    parser.add_argument("--per-posting", action="store_true", help="print each posting's misses and extras")
    args = parser.parse_args(argv)
    embedder = Embedder() if args.embedder else None
    for folder in args.folders:
        figures = measure(folder, embedder)
        if args.per_posting:
            print("\n".join(figures.lines))
        print(report(folder, figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
