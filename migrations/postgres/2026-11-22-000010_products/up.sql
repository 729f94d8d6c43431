-- The product catalog that quotes and purchases draw their lines from.

CREATE TABLE products (
    id             UUID PRIMARY KEY,
    -- As entered (trimmed); sku_key is the lowercased form that makes it unique.
    sku            TEXT NOT NULL,
    sku_key        TEXT NOT NULL,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL,
    -- ISO 4217 code of both prices.
    currency       TEXT NOT NULL,
    -- Money as fixed point × 10⁴ (19.90 is 199000), the same on both backends.
    list_price_e4  BIGINT NOT NULL,
    cost_e4        BIGINT,
    active         BOOLEAN NOT NULL,
    -- Lowercased SKU and name: what `q` searches.
    search_text    TEXT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    created_by     UUID REFERENCES users (id),
    updated_by     UUID REFERENCES users (id),
    deleted_at     TIMESTAMP
);
-- One live product per SKU, whatever its case; a deleted product's SKU may be reused.
CREATE UNIQUE INDEX products_sku_key ON products (sku_key) WHERE deleted_at IS NULL;
-- Keyset pagination: one index per sort over the live rows, the id as tie-breaker.
CREATE INDEX products_sku_idx ON products (sku_key, id) WHERE deleted_at IS NULL;
CREATE INDEX products_name_idx ON products (name, id) WHERE deleted_at IS NULL;
CREATE INDEX products_created_idx ON products (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_updated_idx ON products (updated_at, id) WHERE deleted_at IS NULL;
-- The `active` and `currency` filters, in the default order.
CREATE INDEX products_active_idx ON products (active, name, id) WHERE deleted_at IS NULL;
CREATE INDEX products_currency_idx ON products (currency, name, id) WHERE deleted_at IS NULL;
-- Substring search (Chinese included) through trigrams; pg_trgm was created with customers.
CREATE INDEX products_search_idx ON products USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
