"""Persistence: Delta tables and the recorder that writes each finished turn."""
