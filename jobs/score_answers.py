"""Batch job: score a JSONL file of answers with the offline rubric (papermill/Databricks entry point).

Usage: python jobs/score_answers.py --input answers.jsonl --output scores.jsonl
"""

from __future__ import annotations

import sys

from interview_lib.cli import job_main

if __name__ == "__main__":
    raise SystemExit(job_main("score", sys.argv[1:]))
