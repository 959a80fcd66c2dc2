"""Saved HTML pages: main text, title, URL and publication date extracted by trafilatura.

No hand-written parsing: trafilatura separates the article from navigation, teasers and
footers, and its htmldate finds the publication date (meta tags first, then the page).
A page in which it finds no article text of some length (an index page, a cookie wall,
an error page) is rejected.
"""

from __future__ import annotations

import logging

from transforms.articles import Article, ArticleError, decode_text, make_article, normalize_text
from transforms.temporal import PublicationDate, parse_publication_marker

# Shorter main text means trafilatura found navigation crumbs, not an article; even a
# short news item has a few sentences.
MIN_ARTICLE_CHARS = 200

# trafilatura logs every page without a main text at WARNING; the rejection already says so.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def _published(value: str | None) -> PublicationDate | None:
    if not value:
        return None
    try:
        return parse_publication_marker(value)
    except ValueError:
        # A date htmldate could not pin down is no date, not a reason to lose the article.
        return None


def parse_html(doc_id: str, data: bytes, source_path: str) -> Article:
    """One saved page as an article; raises ArticleError with the reason."""
    import trafilatura

    if not data.strip():
        raise ArticleError("empty file")
    # Decoded here like every other input (byte-order marks, UTF-8, else Windows-1252), so
    # the rejection reasons are the same for all formats.
    page, encoding = decode_text(data)
    document = trafilatura.bare_extraction(
        page,
        with_metadata=True,
        # Precision over recall: index pages and teaser lists must yield no text rather
        # than a made-up "article" of headlines.
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    text = normalize_text(document.text or "").strip() if document is not None else ""
    if len(text) < MIN_ARTICLE_CHARS:
        raise ArticleError(
            f"no article found in the HTML page: {len(text)} characters of main text "
            f"(at least {MIN_ARTICLE_CHARS} expected)"
        )
    title = normalize_text(document.title).strip() if document.title else None
    url = document.url.strip() if document.url else None
    return make_article(
        doc_id,
        text,
        _published(document.date),
        source_path,
        title=title or None,
        source_url=url or None,
        encoding=encoding,
    )
