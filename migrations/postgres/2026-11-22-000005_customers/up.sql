-- Customers, their tags, and the outbox of domain events.

CREATE TABLE customers (
    id                UUID PRIMARY KEY,
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    industry          TEXT,
    level             TEXT,
    category          TEXT,
    lifecycle_stage   TEXT NOT NULL,
    source            TEXT,
    -- NULL: the customer is in the shared pool.
    owner_id          UUID REFERENCES users (id),
    -- When the current owner took the customer, so a fresh claim is not recycled to the pool at once.
    owned_at          TIMESTAMP,
    phone             TEXT,
    email             TEXT,
    website           TEXT,
    -- JSON object {country, province, city, street, postcode}.
    address           TEXT NOT NULL,
    tax_id            TEXT,
    credit_rating     TEXT,
    -- JSON array; the customer_tags table below is what tag filters use.
    tags              TEXT NOT NULL,
    -- JSON object of custom field values.
    custom_fields     TEXT NOT NULL,
    external_id       TEXT,
    value_tier        TEXT,
    last_activity_at  TIMESTAMP,
    -- Lowercased name, email and tax id, and the phone's digits: what `q` searches.
    search_text       TEXT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    created_by        UUID REFERENCES users (id),
    updated_by        UUID REFERENCES users (id),
    deleted_at        TIMESTAMP
);
-- Keyset pagination: one index per sort over the live rows, the id as tie-breaker.
CREATE INDEX customers_name_idx ON customers (name, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_created_idx ON customers (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_updated_idx ON customers (updated_at, id) WHERE deleted_at IS NULL;
-- The `last_activity_at` sort: a customer never contacted counts from its creation.
CREATE INDEX customers_activity_idx ON customers ((COALESCE(last_activity_at, created_at)), id) WHERE deleted_at IS NULL;
-- Visibility (owner in a set of users, or the pool) and the owner filter.
CREATE INDEX customers_owner_idx ON customers (owner_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_level_idx ON customers (level) WHERE deleted_at IS NULL;
CREATE INDEX customers_category_idx ON customers (category) WHERE deleted_at IS NULL;
CREATE INDEX customers_stage_idx ON customers (lifecycle_stage) WHERE deleted_at IS NULL;
CREATE INDEX customers_source_idx ON customers (source) WHERE deleted_at IS NULL;
CREATE INDEX customers_tier_idx ON customers (value_tier) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX customers_external_id_key ON customers (external_id);
-- Substring search (Chinese included) through trigrams; pg_trgm is a trusted extension.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_search_idx ON customers USING gin (search_text gin_trgm_ops);

CREATE TABLE customer_tags (
    customer_id  UUID NOT NULL REFERENCES customers (id),
    tag          TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag_idx ON customer_tags (tag, customer_id);

-- Domain events, written in the transaction of the change that caused them, for webhook delivery.
CREATE TABLE outbox_events (
    id          UUID PRIMARY KEY,
    event_type  TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   UUID NOT NULL,
    -- JSON: the record as the API shows it after the change.
    data        TEXT NOT NULL,
    actor_id    UUID,
    request_id  TEXT,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX outbox_events_entity_idx ON outbox_events (entity, entity_id, id);
