"""The room's job-posting panel: paste a posting, see what was read from it (skills, level, cloud, technologies),
correct it, and the interview follows it."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import get_args

import ipywidgets as w

from interview_lib.domain.models import LEVELS
from interview_lib.domain.posting import PostingCloud, PostingProfile, corrected
from interview_lib.domain.skills import SKILLS
from interview_lib.errors import ConfigurationError, InterviewLibError

ADDED_WEIGHT = 0.5  # a skill the candidate adds counts half as much as the one the posting stresses most
NOT_STATED = "(not stated)"


class PostingPanel:
    """Reads a pasted posting with ``read`` (the reasoner's ``read_posting``) and lets the candidate correct it."""

    def __init__(self, read: Callable[[str], PostingProfile]) -> None:
        self._read = read
        self._profile: PostingProfile | None = None
        self._read_text = ""  # the text the profile was read from
        self.text = w.Textarea(
            description="Job posting",
            placeholder="optional: paste the posting you are practising for",
            layout=w.Layout(width="100%", height="8em"),
        )
        self.read_button = w.Button(description="Read posting")
        self.read_button.on_click(lambda _b: self.read() and None)
        self.summary = w.HTML()
        self.skills = w.SelectMultiple(description="Its skills", options=[(t, k) for k, t in SKILLS.items()], rows=6)
        self.level = w.Dropdown(description="Its level", options=[NOT_STATED, *LEVELS])
        self.cloud = w.Dropdown(description="Its cloud", options=[NOT_STATED, *get_args(PostingCloud)])
        self.corrections = w.VBox([self.skills, self.level, self.cloud], layout=w.Layout(display="none"))
        self.widget = w.VBox([self.text, self.read_button, self.summary, self.corrections])

    def read(self) -> bool:
        """Read the pasted text and show what was found; a problem (empty, too long, not text) is one line."""
        self._profile, self._read_text = None, ""
        self.corrections.layout.display = "none"
        try:
            profile = self._read(self.text.value)
        except InterviewLibError as exc:
            self.summary.value = f"<span style='color:#a40e26'>{html.escape(str(exc))}</span>"
            return False
        self._profile, self._read_text = profile, self.text.value.strip()
        self.summary.value = _summary(profile)
        self.skills.value = tuple(sorted(profile.skills, key=lambda s: -profile.skills[s]))
        self.level.value = profile.level or NOT_STATED
        self.cloud.value = profile.cloud or NOT_STATED
        self.corrections.layout.display = "flex" if profile.is_data_engineering else "none"
        return True

    def profile(self) -> PostingProfile | None:
        """The posting as read and corrected; None when no posting was pasted. A text pasted or changed since the
        last reading is read first.

        Raises:
            ConfigurationError: the text cannot be read as a posting, or the corrections do not fit one.
        """
        if not self.text.value.strip():
            return None
        if self.text.value.strip() != self._read_text and not self.read():
            raise ConfigurationError("the job posting could not be read: see the line under it")
        profile = self._profile
        if profile is None or not profile.is_data_engineering:
            return profile
        skills = {s: profile.skills.get(s, ADDED_WEIGHT) for s in self.skills.value}
        level = None if self.level.value == NOT_STATED else self.level.value
        cloud = None if self.cloud.value == NOT_STATED else self.cloud.value
        if (skills, level, cloud) == (profile.skills, profile.level, profile.cloud):
            return profile
        return corrected(profile, {"skills": skills, "level": level, "cloud": cloud})


def _summary(profile: PostingProfile) -> str:
    """What was read, for the candidate to check before starting."""
    notes = "".join(f"<p><i>{html.escape(n)}</i></p>" for n in profile.notes)
    if not profile.is_data_engineering:
        return f"<p>{html.escape(profile.title or 'This posting')}: no data-engineering skill found.</p>{notes}"
    skills = "".join(
        f"<li>{html.escape(SKILLS[s])} ({weight:.2f})"
        + (f" — “{html.escape('”, “'.join(profile.evidence.get(s, [])[:2]))}”" if profile.evidence.get(s) else "")
        + "</li>"
        for s, weight in sorted(profile.skills.items(), key=lambda kv: -kv[1])
    )
    technologies = html.escape(", ".join(profile.technologies)) or "none named"
    reader = "by the model" if profile.source == "model" else "offline"
    return (
        f"<p><b>{html.escape(profile.title or 'The posting')}</b> · level {profile.level or '—'}"
        f" · cloud {profile.cloud or '—'} · read {reader}"
        f"</p><ul>{skills}</ul><p>Technologies: {technologies}</p>{notes}"
        "<p class='meta'>Correct the skills, level or cloud below; the interview asks mostly about these skills.</p>"
    )
