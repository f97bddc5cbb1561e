"""The claim checker port: does an answer sentence assert a statement, or its opposite?"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class ClaimChecker(Protocol):
    """Inference over (premise, hypothesis) pairs: an answer sentence and a statement of the reference."""

    def check(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Per pair, the probabilities that the premise entails and contradicts the hypothesis: shape (n, 2)."""
        ...


def default_checker() -> ClaimChecker:
    """The checker the offline scorer uses: flipped key terms (no packaged inference model measured better)."""
    from interview_lib.reasoning.rubric.contrast import ContrastChecker

    return ContrastChecker()
