-- API keys for integrators. Only a SHA-256 of the secret is kept; the secret is shown once.
CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    expires_at    TIMESTAMP,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT REFERENCES users (id)
);
CREATE UNIQUE INDEX api_keys_secret_hash_key ON api_keys (secret_hash);
CREATE INDEX api_keys_owner_idx ON api_keys (owner_id, created_at, id);
CREATE INDEX api_keys_created_idx ON api_keys (created_at, id);
