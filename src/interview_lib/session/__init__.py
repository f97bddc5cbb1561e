"""One interview session, split by job: ``interview`` (state stepping and the public API), ``intake`` (answers →
transcripts), ``questions`` (what to ask next), ``restore`` (after a crash), ``recorder`` (what is written)."""
