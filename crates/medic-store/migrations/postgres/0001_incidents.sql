-- Incident history and the diagnosis queue (PostgreSQL).
-- Times are Unix milliseconds from the database's clock, so that servers
-- sharing the database agree on leases. JSON values are stored as TEXT:
-- jsonb refuses "\u0000", and one such label must not make a webhook fail.

CREATE FUNCTION medic_now_ms() RETURNS bigint
    LANGUAGE sql VOLATILE
    AS $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;

CREATE TABLE payloads (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at bigint NOT NULL,
    body        text   NOT NULL
);

CREATE INDEX payloads_received_at ON payloads (received_at);

CREATE TABLE incidents (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint   text   NOT NULL,
    starts_at     text   NOT NULL,
    name          text   NOT NULL,
    status        text   NOT NULL CHECK (status IN ('firing', 'resolved')),
    state         text   NOT NULL
                  CHECK (state IN ('queued', 'running', 'done', 'failed', 'skipped')),
    labels        text   NOT NULL,
    annotations   text   NOT NULL,
    alert         text   NOT NULL,
    created_at    bigint NOT NULL,
    last_seen     bigint NOT NULL,
    seen          bigint NOT NULL DEFAULT 1,
    resolved_at   bigint,
    ends_at       text,
    attempts      bigint NOT NULL DEFAULT 0,
    worker        text,
    lease_until   bigint,
    started_at    bigint,
    finished_at   bigint,
    problem_id    text,
    problem_title text,
    score         double precision,
    summary       text,
    error         text,
    report        text,
    first_payload bigint REFERENCES payloads (id) ON DELETE SET NULL,
    last_payload  bigint REFERENCES payloads (id) ON DELETE SET NULL,
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
