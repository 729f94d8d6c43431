-- Quotes and purchases: numbering, documents with their lines, payments and returns. Money and
-- quantities are fixed point (the value × 10 000) in BIGINT, exact on both databases.

-- Per-year sequences for human-readable numbers (`Q-2026-000123`). A creator increments its row
-- inside its own transaction, so a failed create burns no number.
CREATE TABLE counters (
    name   TEXT NOT NULL,
    year   INTEGER NOT NULL,
    value  BIGINT NOT NULL,
    PRIMARY KEY (name, year)
);

CREATE TABLE quotes (
    id                  UUID PRIMARY KEY,
    -- Shared by the revisions of one quote.
    number              TEXT NOT NULL,
    revision            INTEGER NOT NULL,
    customer_id         UUID NOT NULL REFERENCES customers (id),
    lead_id             UUID REFERENCES leads (id),
    contact_id          UUID REFERENCES contacts (id),
    -- Stored status; `expired` is computed when read from valid_until.
    status              TEXT NOT NULL,
    currency            TEXT NOT NULL,
    valid_until         DATE,
    terms               TEXT,
    subtotal_e4         BIGINT NOT NULL,
    discount_total_e4   BIGINT NOT NULL,
    tax_total_e4        BIGINT NOT NULL,
    total_e4            BIGINT NOT NULL,
    -- The largest line discount (percent × 10 000).
    max_discount_e4     BIGINT NOT NULL,
    -- Set on accept. No foreign key: purchases reference quotes, and the purchase row is made in
    -- the same transaction.
    purchase_id         UUID,
    owner_id            UUID NOT NULL REFERENCES users (id),
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    created_by          UUID REFERENCES users (id),
    updated_by          UUID REFERENCES users (id),
    deleted_at          TIMESTAMP
);
CREATE UNIQUE INDEX quotes_number_revision_idx ON quotes (number, revision);
-- The list's sorts and filters.
CREATE INDEX quotes_created_idx ON quotes (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_updated_idx ON quotes (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_status_idx ON quotes (status, valid_until) WHERE deleted_at IS NULL;
CREATE INDEX quotes_customer_idx ON quotes (customer_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_lead_idx ON quotes (lead_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_owner_idx ON quotes (owner_id, created_at, id) WHERE deleted_at IS NULL;
-- `q` is a prefix of the number.
CREATE INDEX quotes_number_idx ON quotes (number, id) WHERE deleted_at IS NULL;
CREATE INDEX quotes_number_pattern_idx ON quotes (number text_pattern_ops) WHERE deleted_at IS NULL;

CREATE TABLE quote_lines (
    id                UUID PRIMARY KEY,
    quote_id          UUID NOT NULL REFERENCES quotes (id),
    position          INTEGER NOT NULL,
    product_id        UUID REFERENCES products (id),
    description       TEXT NOT NULL,
    quantity_e4       BIGINT NOT NULL,
    unit_price_e4     BIGINT NOT NULL,
    discount_e4       BIGINT NOT NULL,
    tax_rate_e4       BIGINT NOT NULL,
    net_e4            BIGINT NOT NULL,
    tax_e4            BIGINT NOT NULL,
    total_e4          BIGINT NOT NULL
);
CREATE INDEX quote_lines_quote_idx ON quote_lines (quote_id, position);

CREATE TABLE purchases (
    id                  UUID PRIMARY KEY,
    number              TEXT NOT NULL,
    customer_id         UUID NOT NULL REFERENCES customers (id),
    quote_id            UUID REFERENCES quotes (id),
    status              TEXT NOT NULL,
    order_date          DATE NOT NULL,
    due_date            DATE,
    currency            TEXT NOT NULL,
    subtotal_e4         BIGINT NOT NULL,
    discount_total_e4   BIGINT NOT NULL,
    tax_total_e4        BIGINT NOT NULL,
    total_e4            BIGINT NOT NULL,
    paid_e4             BIGINT NOT NULL DEFAULT 0,
    refunded_e4         BIGINT NOT NULL DEFAULT 0,
    returned_e4         BIGINT NOT NULL DEFAULT 0,
    -- Kept with every payment, return and status change, for the 360's sums and overdue lists.
    balance_e4          BIGINT NOT NULL,
    owner_id            UUID NOT NULL REFERENCES users (id),
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    created_by          UUID REFERENCES users (id),
    updated_by          UUID REFERENCES users (id),
    deleted_at          TIMESTAMP
);
CREATE UNIQUE INDEX purchases_number_idx ON purchases (number);
-- A quote becomes at most one purchase, whatever races.
CREATE UNIQUE INDEX purchases_quote_idx ON purchases (quote_id);
CREATE INDEX purchases_created_idx ON purchases (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_updated_idx ON purchases (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_order_date_idx ON purchases (order_date, id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_status_idx ON purchases (status, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_customer_idx ON purchases (customer_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_owner_idx ON purchases (owner_id, created_at, id) WHERE deleted_at IS NULL;
-- Overdue balances (care and warnings).
CREATE INDEX purchases_due_idx ON purchases (due_date, id) WHERE deleted_at IS NULL AND balance_e4 > 0;
CREATE INDEX purchases_number_pattern_idx ON purchases (number text_pattern_ops) WHERE deleted_at IS NULL;

CREATE TABLE purchase_lines (
    id                UUID PRIMARY KEY,
    purchase_id       UUID NOT NULL REFERENCES purchases (id),
    position          INTEGER NOT NULL,
    product_id        UUID REFERENCES products (id),
    description       TEXT NOT NULL,
    quantity_e4       BIGINT NOT NULL,
    unit_price_e4     BIGINT NOT NULL,
    discount_e4       BIGINT NOT NULL,
    tax_rate_e4       BIGINT NOT NULL,
    net_e4            BIGINT NOT NULL,
    tax_e4            BIGINT NOT NULL,
    total_e4          BIGINT NOT NULL,
    -- Σ quantities returned so far.
    returned_e4       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX purchase_lines_purchase_idx ON purchase_lines (purchase_id, position);

CREATE TABLE purchase_payments (
    id            UUID PRIMARY KEY,
    purchase_id   UUID NOT NULL REFERENCES purchases (id),
    amount_e4     BIGINT NOT NULL,
    paid_on       DATE NOT NULL,
    method        TEXT NOT NULL,
    reference     TEXT,
    created_at    TIMESTAMP NOT NULL,
    created_by    UUID REFERENCES users (id)
);
CREATE INDEX purchase_payments_purchase_idx ON purchase_payments (purchase_id, created_at, id);

CREATE TABLE purchase_returns (
    id                 UUID PRIMARY KEY,
    purchase_id        UUID NOT NULL REFERENCES purchases (id),
    returned_value_e4  BIGINT NOT NULL,
    refund_e4          BIGINT NOT NULL,
    reason             TEXT,
    returned_on        DATE NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    created_by         UUID REFERENCES users (id)
);
CREATE INDEX purchase_returns_purchase_idx ON purchase_returns (purchase_id, created_at, id);

CREATE TABLE purchase_return_lines (
    id            UUID PRIMARY KEY,
    return_id     UUID NOT NULL REFERENCES purchase_returns (id),
    line_id       UUID NOT NULL REFERENCES purchase_lines (id),
    quantity_e4   BIGINT NOT NULL
);
CREATE INDEX purchase_return_lines_return_idx ON purchase_return_lines (return_id);
