"""The room's hands-free option: a checkbox and the silence that ends an answer, and the countdown line shown while
a recorded answer falls silent. The end-of-answer logic itself is ``speech/hands_free.py``, shared with the
terminal and the same detector the web app uses."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from interview_lib.speech.end_of_answer import Listening, Samples, Signal
from interview_lib.speech.hands_free import MAX_SILENCE_S, MIN_SILENCE_S, SILENCE_S, HandsFree, ThinkingCheck


class HandsFreeOption:
    """Hands-free on or off, its silence, and the countdown of the answer being recorded.

    On by default, as in the web app: the candidate still starts each answer with "Record", and "Stop" still
    ends it at once.
    """

    def __init__(self, check: ThinkingCheck | None) -> None:
        self.check = check
        self.enabled = w.Checkbox(description="Hands-free: a silence ends the answer", value=True, indent=False)
        self.silence = w.BoundedFloatText(
            description="Silence (s)", value=SILENCE_S, min=MIN_SILENCE_S, max=MAX_SILENCE_S, step=0.5
        )
        self.countdown = w.HTML()
        self.widget = w.VBox([w.HBox([self.enabled, self.silence]), self.countdown])
        self.enabled.observe(lambda change: setattr(self.silence, "disabled", not change["new"]), names="value")
        self._answer: HandsFree | None = None

    @property
    def listening(self) -> bool:
        """An answer is being recorded hands-free."""
        return self._answer is not None

    def begin(self, audio: Callable[[], Samples], cut: Callable[[], None]) -> None:
        """An answer starts recording; ``audio`` returns what it has recorded so far, and ``cut`` hands that to the
        recogniser when a countdown starts (so the end of the answer waits only for its last words)."""
        self.end()
        if self.enabled.value:
            options = Listening(silence_s=float(self.silence.value))
            self._answer = HandsFree(options, audio, self.check, self._signal)
            self._answer.observe(lambda signal: cut() if signal.kind == "countdown" else None)

    def feed(self, samples: Samples) -> bool:
        """The answer recorded ``samples`` too; whether a silence has now ended it."""
        answer = self._answer
        if answer is None:
            return False
        ended = answer.feed(samples)
        self._show(answer)
        return ended

    def end(self) -> None:
        """The answer was submitted or dropped: no countdown any more."""
        self._answer = None
        self.countdown.value = ""

    def _signal(self, _signal: Signal) -> None:
        if self._answer is not None:
            self._show(self._answer)

    def _show(self, answer: HandsFree) -> None:
        line = answer.status()
        self.countdown.value = f"<b style='color:#b35900'>{html.escape(line)}</b>" if line else ""
