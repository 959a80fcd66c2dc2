"""Dagster resources: the warehouse connection, the inbox folder and the extractor.

Each one falls back to its environment variable (see ``settings``) when a run starts,
so the Definitions load without any variable set and pick up changes per run.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from dagster import ConfigurableResource
from dagster_duckdb import DuckDBResource
from pydantic import Field, PrivateAttr

from orchestration import settings
from transforms.articles import Article
from transforms.records import ArticleExtraction

if TYPE_CHECKING:
    from transforms.parallel import Batch, K


class ContactsWarehouse(DuckDBResource):
    """DuckDBResource whose database defaults to $CONTACTS_WAREHOUSE (read at run time).

    Plain ``DuckDBResource(database=EnvVar(...))`` fails when the variable is unset; the
    pipeline should instead fall back to <repo>/warehouse/contacts.duckdb.
    """

    database: str = Field(
        default="",
        description="DuckDB file; empty means $CONTACTS_WAREHOUSE, else <repo>/warehouse/contacts.duckdb.",
    )

    def path(self) -> Path:
        return Path(self.database).expanduser().resolve() if self.database else settings.warehouse_path()

    lock_timeout_seconds: float = Field(
        default=30.0,
        description="How long to wait for another process (e.g. a DuckDB CLI) to release the file.",
    )

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        config = {"custom_user_agent": "dagster", **self.connection_config}
        deadline = time.monotonic() + self.lock_timeout_seconds
        delay = 0.2
        while True:
            try:
                con = duckdb.connect(str(path), config=config)
                break
            except duckdb.IOException:
                # DuckDB admits one writing process; Dagster's pool serializes our own
                # writers, but an interactive session may still hold the file for a while.
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        try:
            yield con
        finally:
            con.close()


class InboxResource(ConfigurableResource):
    """The folder the articles are read from."""

    folder: str = Field(
        default="",
        description="Folder of article .txt files; empty means $CONTACTS_INBOX, else data/samples/articles.",
    )

    def path(self) -> Path:
        return Path(self.folder).expanduser().resolve() if self.folder else settings.inbox_dir()


class ExtractorResource(ConfigurableResource):
    """The spaCy contact extractor of ``transforms.extract``, built once per run."""

    spacy_base: str = Field(
        default="",
        description="spaCy pipeline to build on; empty means $CONTACTS_SPACY_BASE, else blank German.",
    )
    workers: int = Field(
        default=0,
        description="Extracting processes; 0 means $CONTACTS_WORKERS, else one per CPU; 1 = in-process.",
    )
    _nlp: Any = PrivateAttr(default=None)
    _sharded: Any = PrivateAttr(default=None)

    def base(self) -> str | None:
        return self.spacy_base or settings.spacy_base()

    def _pipeline(self) -> Any:
        if self._nlp is None:
            # Imported here so loading the Definitions neither pays for spaCy nor needs it.
            from transforms.extract import build_pipeline

            self._nlp = build_pipeline(self.base())
        return self._nlp

    def version(self) -> str:
        from transforms.extract import extractor_version

        return extractor_version(self._pipeline())

    def _run_extractor(self) -> Any:
        # Once a run has enough articles, they are sharded over worker processes that
        # are kept for the run's later batches (transforms/parallel.py).
        from transforms.parallel import RunExtractor

        if self._sharded is None:
            self._sharded = RunExtractor(self._pipeline(), self.base(), self.workers or None)
        return self._sharded

    def extract(self, articles: Sequence[Article]) -> list[ArticleExtraction]:
        return self._run_extractor().extract(articles)

    def _is_spacy(self) -> bool:
        # False for a subclass or patch with its own extract (the tests' fake extractors).
        cls = type(self)
        return cls.extract is _SPACY_EXTRACT and cls.extract_batches is _SPACY_EXTRACT_BATCHES

    def extract_batches(self, batches: Iterable[tuple[K, Sequence[Article]]]) -> Iterator[Batch[K]]:
        """``(key, articles)`` in, ``(key, articles, records)`` out: the next batch is read
        and extracted by the worker processes while the caller writes the current one."""
        if not self._is_spacy():
            return ((key, articles, self.extract(articles)) for key, articles in batches)
        return self._run_extractor().extract_batches(batches)

    def extract_frame_batches(
        self, batches: Iterable[tuple[K, Sequence[Article]]], version: str
    ) -> Iterator[Batch[K]]:
        """As ``extract_batches``, with the raw-table frames (``extraction_frames(records,
        version)``) in place of the records, built by the processes that extracted them."""
        if not self._is_spacy():
            from transforms.records import extraction_frames

            return ((k, a, extraction_frames(r, version)) for k, a, r in self.extract_batches(batches))
        return self._run_extractor().extract_batches(batches, frames_version=version)

    def teardown_after_execution(self, context: Any) -> None:
        if self._sharded is not None:
            self._sharded.close()
            self._sharded = None


# The spaCy implementations, to tell them from the fakes that tests put in their place.
_SPACY_EXTRACT = ExtractorResource.extract
_SPACY_EXTRACT_BATCHES = ExtractorResource.extract_batches
