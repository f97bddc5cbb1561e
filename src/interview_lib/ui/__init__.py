"""The notebook interview room: ipywidgets views over the library (setup, room, report)."""

from interview_lib.ui.app import practice_interview

__all__ = ["practice_interview"]
