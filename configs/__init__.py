"""Configuration files shipped with the package (label variants, rules, topics, ES mappings, spaCy config)."""
