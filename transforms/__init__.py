"""Pure-Python core: reading articles, the spaCy contact extractor, and its records.

Nothing in this package imports dagster; the orchestration layer wraps it.
"""
