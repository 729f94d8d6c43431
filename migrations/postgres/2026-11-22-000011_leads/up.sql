-- Leads (the sales pipeline) and the history of their stages.

CREATE TABLE leads (
    id                   UUID PRIMARY KEY,
    title                TEXT NOT NULL,
    -- NULL while the lead is a prospect; then it follows its owner's visibility.
    customer_id          UUID REFERENCES customers (id),
    prospect_company     TEXT,
    prospect_contact     TEXT,
    prospect_phone       TEXT,
    prospect_email       TEXT,
    source               TEXT,
    stage                TEXT NOT NULL,
    probability          INTEGER NOT NULL,
    -- Fixed point: the amount × 10 000, exact on both databases.
    amount_e4            BIGINT,
    currency             TEXT,
    expected_close_date  DATE,
    owner_id             UUID NOT NULL REFERENCES users (id),
    competitor           TEXT,
    next_step            TEXT,
    lost_reason          TEXT,
    -- When the current stage was entered (the board's "days in stage").
    stage_entered_at     TIMESTAMP NOT NULL,
    closed_at            TIMESTAMP,
    -- Lowercased title and prospect company, contact and email: what `q` searches.
    search_text          TEXT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    created_by           UUID REFERENCES users (id),
    updated_by           UUID REFERENCES users (id),
    deleted_at           TIMESTAMP
);
-- The board's columns and the list's stage filter, most recently changed first.
CREATE INDEX leads_stage_idx ON leads (stage, updated_at, id) WHERE deleted_at IS NULL;
-- A rep's (or a team's) leads, and prospects, which follow their owner.
CREATE INDEX leads_owner_idx ON leads (owner_id, updated_at, id) WHERE deleted_at IS NULL;
-- A customer's leads (the 360 view).
CREATE INDEX leads_customer_idx ON leads (customer_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX leads_created_idx ON leads (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX leads_updated_idx ON leads (updated_at, id) WHERE deleted_at IS NULL;
-- The forecast by expected close month.
CREATE INDEX leads_close_idx ON leads (expected_close_date, id) WHERE deleted_at IS NULL;
CREATE INDEX leads_title_idx ON leads (title, id) WHERE deleted_at IS NULL;
CREATE INDEX leads_search_idx ON leads USING gin (search_text gin_trgm_ops);

CREATE TABLE lead_stages (
    id          UUID PRIMARY KEY,
    lead_id     UUID NOT NULL REFERENCES leads (id),
    stage       TEXT NOT NULL,
    entered_at  TIMESTAMP NOT NULL,
    entered_by  UUID REFERENCES users (id)
);
CREATE INDEX lead_stages_lead_idx ON lead_stages (lead_id, entered_at, id);
