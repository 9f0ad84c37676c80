"""The store's schema, as numbered migrations. Each runs once, inside a transaction, and is
recorded in ``schema_migrations``; a database whose schema is newer than this orgmodel knows
is refused. The SQL is kept portable (types, keys, ``CHECK``) but for the append-only
triggers, which are SQLite's syntax (a PostgreSQL back end writes its own)."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "directives, batches and settings, append-only", [
        """CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('import', 'commit', 'correct')),
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source TEXT NOT NULL,
            note TEXT
        )""",
        """CREATE TABLE directives (
            id INTEGER PRIMARY KEY,
            batch INTEGER NOT NULL REFERENCES batches (id),
            date TEXT NOT NULL,
            op TEXT NOT NULL,
            doc TEXT,
            body TEXT NOT NULL,
            origin_file TEXT,
            origin_line INTEGER,
            origin_sheet TEXT,
            origin_column TEXT,
            reverses INTEGER REFERENCES directives (id),
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        )""",
        "CREATE INDEX directives_doc ON directives (doc)",
        "CREATE INDEX directives_date ON directives (date)",
        "CREATE UNIQUE INDEX directives_reverses ON directives (reverses)",
        """CREATE TABLE settings (
            id INTEGER PRIMARY KEY,
            batch INTEGER NOT NULL REFERENCES batches (id),
            name TEXT NOT NULL,
            value TEXT NOT NULL
        )""",
        *[f"""CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table}
              BEGIN SELECT RAISE(ABORT, '台账记录只能追加,不能修改或删除;更正请用 orgmodel correct'); END"""
          for table in ("directives", "batches", "settings") for action in ("update", "delete")],
    ]),
]

MIGRATIONS.append(
    (2, "signatures of batches by the recording clerks' keys (registered as records)", [
        """CREATE TABLE signatures (
            batch INTEGER PRIMARY KEY REFERENCES batches (id),
            signer INTEGER NOT NULL,
            signature TEXT NOT NULL
        )""",
        "CREATE INDEX directives_keys ON directives (op) WHERE op = '登记公钥'",
        *[f"""CREATE TRIGGER signatures_no_{action} BEFORE {action.upper()} ON signatures
              BEGIN SELECT RAISE(ABORT, '台账记录只能追加,不能修改或删除;更正请用 orgmodel correct'); END"""
          for action in ("update", "delete")],
    ]))

SCHEMA_VERSION = MIGRATIONS[-1][0]

MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""
