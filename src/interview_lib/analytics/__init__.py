"""Batch analytics over the tables: cohort reports and re-scoring."""
