"""Environment variables of the pipeline, with their defaults.

Read when called (at run time), never at import, so a changed environment takes effect
on the next run without reloading the code location.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEFAULT_INBOX = REPO_ROOT / "data" / "samples" / "articles"
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "contacts.duckdb"
DEFAULT_DAGSTER_HOME = REPO_ROOT / ".dagster_home"

INBOX_ENV = "CONTACTS_INBOX"
WAREHOUSE_ENV = "CONTACTS_WAREHOUSE"
SPACY_BASE_ENV = "CONTACTS_SPACY_BASE"


def _env(name: str) -> str | None:
    # An empty value counts as unset, so `CONTACTS_X= make run` falls back to the default.
    value = os.environ.get(name, "").strip()
    return value or None


def inbox_dir() -> Path:
    """Folder with the article .txt files: $CONTACTS_INBOX or the bundled samples."""
    return Path(_env(INBOX_ENV) or DEFAULT_INBOX).expanduser().resolve()


def warehouse_path() -> Path:
    """The DuckDB file: $CONTACTS_WAREHOUSE or <repo>/warehouse/contacts.duckdb."""
    return Path(_env(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser().resolve()


def spacy_base() -> str | None:
    """Name or path of a spaCy pipeline to build on; None means a blank German pipeline."""
    return _env(SPACY_BASE_ENV)


EXTRACTION_BATCH_ENV = "CONTACTS_EXTRACTION_BATCH"
# A batch costs about 0.2-0.5 s besides extraction (two connections, the read, the
# transaction, the checkpoint on close; bench/, docs/scaling.md): at 100 articles that
# doubled a 100k-article run. 2000 articles are a few seconds of extraction on two cores.
DEFAULT_EXTRACTION_BATCH = 2000


def extraction_batch_size() -> int:
    """Articles extracted (and committed, and logged as progress) per batch."""
    value = _env(EXTRACTION_BATCH_ENV)
    if value is None:
        return DEFAULT_EXTRACTION_BATCH
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{EXTRACTION_BATCH_ENV} must be a positive whole number, got {value!r}")
    return int(value)


INBOX_RESCAN_ENV = "CONTACTS_INBOX_RESCAN"


def inbox_rescan() -> bool:
    """Read every inbox file, even those whose size and modification time are unchanged."""
    return (_env(INBOX_RESCAN_ENV) or "").lower() in ("1", "true", "yes")
