"""Experiment tracking: where people browse interview runs (MLflow)."""
