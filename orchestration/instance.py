"""The local Dagster instance folder ($DAGSTER_HOME) used by `make dev` and `make run`."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "dagster.yaml"
_GENERATED_MARK = "# Dagster instance settings for this project."


def prepare_dagster_home(home: Path) -> Path:
    """Create ``home`` and write its dagster.yaml from orchestration/dagster.yaml.

    A dagster.yaml that did not come from the template (someone's own instance) is left
    alone; a generated one is refreshed so template edits take effect.
    """
    home = home.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    template = TEMPLATE.read_text(encoding="utf-8")
    current = config.read_text(encoding="utf-8") if config.exists() else None
    if current is None or (current.startswith(_GENERATED_MARK) and current != template):
        config.write_text(template, encoding="utf-8")
    return home
