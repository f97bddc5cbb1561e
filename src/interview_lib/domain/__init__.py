"""Pure core: values in, values out. No I/O, no clock, no network.

Modules here import only each other and ``interview_lib.errors`` (a leaf with no imports).
"""
