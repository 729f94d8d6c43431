-- Administrators' settings (one JSON document), and the keys that find duplicate customers.

CREATE TABLE settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    document    TEXT NOT NULL,
    version     BIGINT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    updated_by  TEXT REFERENCES users (id)
);

-- A customer's normalised name, phone, email and tax id, one row each: a new customer matching a
-- visible one on any of them is a possible duplicate.
CREATE TABLE customer_match_keys (
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    kind         TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (customer_id, kind, value)
);
CREATE INDEX customer_match_keys_value_idx ON customer_match_keys (kind, value, customer_id);
