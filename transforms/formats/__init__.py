"""Input formats besides plain .txt articles: JSONL feeds and saved HTML pages.

``transforms.articles`` dispatches to these by file suffix; they return the same
``Article`` records and raise ``ArticleError`` (whole file) or return ``Rejection``
records (single JSONL lines) with a plain reason.
"""
