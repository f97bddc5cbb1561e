"""The offline rubric scorer: bank questions, and answers judged claim by claim against expected points."""

from interview_lib.reasoning.rubric.reasoner import ADVERSARIAL_CAP, NAME, VERSION, RubricReasoner

__all__ = ["ADVERSARIAL_CAP", "NAME", "VERSION", "RubricReasoner"]
