-- Incident history and the diagnosis queue (SQLite).
-- Times are Unix milliseconds; JSON values are stored as TEXT.

CREATE TABLE payloads (
    id          INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    body        TEXT    NOT NULL
);

CREATE INDEX payloads_received_at ON payloads (received_at);

CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT    NOT NULL,
    starts_at     TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('firing', 'resolved')),
    state         TEXT    NOT NULL
                  CHECK (state IN ('queued', 'running', 'done', 'failed', 'skipped')),
    labels        TEXT    NOT NULL,
    annotations   TEXT    NOT NULL,
    alert         TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    seen          INTEGER NOT NULL DEFAULT 1,
    resolved_at   INTEGER,
    ends_at       TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    worker        TEXT,
    lease_until   INTEGER,
    started_at    INTEGER,
    finished_at   INTEGER,
    problem_id    TEXT,
    problem_title TEXT,
    score         REAL,
    summary       TEXT,
    error         TEXT,
    report        TEXT,
    first_payload INTEGER REFERENCES payloads (id) ON DELETE SET NULL,
    last_payload  INTEGER REFERENCES payloads (id) ON DELETE SET NULL,
    UNIQUE (fingerprint, starts_at)
);

-- The claim: queued (and running, for expired leases), oldest first.
CREATE INDEX incidents_claim ON incidents (state, created_at);
-- Listing, newest first.
CREATE INDEX incidents_created_at ON incidents (created_at DESC);
-- Listing by matched problem.
CREATE INDEX incidents_problem ON incidents (problem_id, created_at DESC);
-- Purging payloads sets these to NULL.
CREATE INDEX incidents_first_payload ON incidents (first_payload);
CREATE INDEX incidents_last_payload ON incidents (last_payload);
