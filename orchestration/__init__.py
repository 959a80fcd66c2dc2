"""Dagster wrappers around ``transforms`` (Python assets) and ``dbt_project`` (dbt assets).

Kept thin on purpose: the logic lives in ``transforms/`` and the dbt models, so both can
be used and tested without Dagster.
"""
