"""Batch job: the cohort report (see `dataready cohort --help` for the arguments)."""

from __future__ import annotations

import sys

from interview_lib.cli import job_main

if __name__ == "__main__":
    raise SystemExit(job_main("cohort", sys.argv[1:]))
