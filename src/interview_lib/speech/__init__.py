"""Voice: decode and check audio, speech to text, text to speech, and delivery analytics."""
