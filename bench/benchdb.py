"""The database a benchmark runs on: the PostgreSQL database DATABASE_URL names, dropped and created again
(give each benchmark a database of its own, never `test`), or else SQLite in a new temporary folder."""

from __future__ import annotations

import os
import tempfile


def prepare_database(name: str) -> str:
    """Make the database empty and point DATABASE_URL at it; returns where it is, to print."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, db = url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
            conn.execute(f'CREATE DATABASE "{db}"')
        return f"PostgreSQL ({db})"
    folder = tempfile.mkdtemp(prefix=f"tdkt-bench-{name}-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    return f"SQLite ({folder}/bench.sqlite3)"
