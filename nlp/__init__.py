"""govreport NLP core: reading, extraction, alignment, claims, checks (schema.py imports nothing of ours)."""
