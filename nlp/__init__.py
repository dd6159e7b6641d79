"""govreport NLP core: reading, extraction, alignment, claims and checks (schema.py imports nothing of ours)."""
