-- Teams, user limits, the audit log and idempotency keys.

-- Percentages are exact: stored as the value × 10 000 (so 12.5 % is 125000).
ALTER TABLE users ADD COLUMN max_discount_e4 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN pool_cap INTEGER;
-- Keyset pagination of the user list: one index per sort, the id as tie-breaker.
CREATE INDEX users_name_id_idx ON users (name, id);
CREATE INDEX users_created_id_idx ON users (created_at, id);
CREATE INDEX users_email_id_idx ON users (email, id);
CREATE INDEX users_team_idx ON users (team_id);

CREATE TABLE teams (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_id   UUID REFERENCES teams (id),
    manager_id  UUID REFERENCES users (id),
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    created_by  UUID REFERENCES users (id),
    updated_by  UUID REFERENCES users (id),
    deleted_at  TIMESTAMP
);
CREATE INDEX teams_parent_idx ON teams (parent_id);
CREATE INDEX teams_manager_idx ON teams (manager_id);
CREATE INDEX teams_name_id_idx ON teams (name, id);
CREATE INDEX teams_created_id_idx ON teams (created_at, id);

-- One row per change of a user-editable record, written in the change's transaction.
CREATE TABLE audit_events (
    id          UUID PRIMARY KEY,
    entity      TEXT NOT NULL,
    entity_id   UUID NOT NULL,
    action      TEXT NOT NULL,
    actor_id    UUID,
    api_key_id  UUID,
    request_id  TEXT,
    changes     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id);

-- A POST's response kept under its Idempotency-Key for 24 hours, per caller.
CREATE TABLE idempotency_keys (
    owner_id        UUID NOT NULL,
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    response_status INTEGER,
    response_body   TEXT,
    location        TEXT,
    etag            TEXT,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (owner_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
