"""Answers that come from outside an interview: JSONL lines of recorded answers, imported as sessions
(``importer``) or scored in batch (``scoring``), read by one reader (``lines``)."""
