-- Sign-in attempts, for throttling guessing per account and per address. Rows older than a day
-- are deleted as new ones arrive.
CREATE TABLE login_attempts (
    id          UUID PRIMARY KEY,
    email       TEXT NOT NULL,
    address     TEXT NOT NULL,
    succeeded   BOOLEAN NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, created_at);
CREATE INDEX login_attempts_address_idx ON login_attempts (address, created_at);
CREATE INDEX login_attempts_created_idx ON login_attempts (created_at);
