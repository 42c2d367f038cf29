"""Benchmarks run on PostgreSQL: create the database named by DATABASE_URL when it does not exist yet."""

from __future__ import annotations

import os
import sys

import psycopg
from psycopg import sql

from itg.env import env_database


def ensure_database() -> None:
    """So that `DATABASE_URL=postgres://…/itg_bench python bench/….py` works on a fresh server."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://user@host:5432/itg_bench")
    db = env_database("DATABASE_URL", "")
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"] or None,
              "password": db["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}  # fmt: skip
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"created database {db['NAME']}")
