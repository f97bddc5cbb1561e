"""Batch job: re-score stored answers with a scorer version (see `dataready rescore --help`)."""

from __future__ import annotations

import sys

from interview_lib.cli import job_main

if __name__ == "__main__":
    raise SystemExit(job_main("rescore", sys.argv[1:]))
