"""Index documents, queries and search backends. Knows documents and queries, not spaCy."""
