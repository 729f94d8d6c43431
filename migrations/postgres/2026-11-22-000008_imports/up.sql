-- CSV imports: the job, its progress and its per-row report. The file itself waits on the disk of
-- the instance that received it until the job is done.
CREATE TABLE imports (
    id              UUID PRIMARY KEY,
    resource        TEXT NOT NULL,
    dry_run         BOOLEAN NOT NULL,
    status          TEXT NOT NULL,
    phase           TEXT NOT NULL,
    processed_rows  BIGINT NOT NULL,
    created_rows    BIGINT NOT NULL,
    updated_rows    BIGINT NOT NULL,
    error_count     BIGINT NOT NULL,
    -- JSON array of the first row errors (row, column, code, detail).
    errors          TEXT NOT NULL,
    message         TEXT,
    created_by      UUID NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP
);
CREATE INDEX imports_created_by_idx ON imports (created_by, created_at, id);
