-- Complaints (投诉) with their service-level deadlines and escalations, and their comments.
-- Complaints are never deleted: a record of how a customer was served stays, as its audit does.

CREATE TABLE complaints (
    id                      UUID PRIMARY KEY,
    number                  TEXT NOT NULL,
    customer_id             UUID NOT NULL REFERENCES customers (id),
    contact_id              UUID REFERENCES contacts (id),
    purchase_id             UUID REFERENCES purchases (id),
    channel                 TEXT NOT NULL,
    category                TEXT NOT NULL,
    priority                TEXT NOT NULL,
    subject                 TEXT NOT NULL,
    description             TEXT,
    status                  TEXT NOT NULL,
    -- NULL: in the service queue.
    assignee_id             UUID REFERENCES users (id),
    -- When the deadlines of the current round started: creation, or the last reopening.
    sla_started_at          TIMESTAMP NOT NULL,
    first_response_due_at   TIMESTAMP NOT NULL,
    resolution_due_at       TIMESTAMP NOT NULL,
    -- The next deadline while active (first response, then resolution); after resolution the
    -- resolution deadline, so the column is never NULL and the queue's sort keeps to one index.
    due_at                  TIMESTAMP NOT NULL,
    first_responded_at      TIMESTAMP,
    resolved_at             TIMESTAMP,
    closed_at               TIMESTAMP,
    -- Which deadlines of the current round were missed; set by the escalation job or by a late
    -- response or resolution.
    response_breached       BOOLEAN NOT NULL DEFAULT FALSE,
    resolution_breached     BOOLEAN NOT NULL DEFAULT FALSE,
    escalation_level        INTEGER NOT NULL DEFAULT 0,
    escalated_to_id         UUID REFERENCES users (id),
    resolution              TEXT,
    satisfaction            INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    satisfaction_comment    TEXT,
    reopen_count            INTEGER NOT NULL DEFAULT 0,
    version                 BIGINT NOT NULL DEFAULT 1,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    created_by              UUID REFERENCES users (id),
    updated_by              UUID REFERENCES users (id)
);
CREATE UNIQUE INDEX complaints_number_idx ON complaints (number);
-- The list's sorts; the queue (status, assignee) and the customer's open complaints by deadline.
CREATE INDEX complaints_due_idx ON complaints (due_at, id);
CREATE INDEX complaints_created_idx ON complaints (created_at, id);
CREATE INDEX complaints_updated_idx ON complaints (updated_at, id);
CREATE INDEX complaints_number_sort_idx ON complaints (number, id);
CREATE INDEX complaints_number_pattern_idx ON complaints (number text_pattern_ops);
CREATE INDEX complaints_status_idx ON complaints (status, due_at, id);
CREATE INDEX complaints_assignee_idx ON complaints (assignee_id, status, due_at);
CREATE INDEX complaints_customer_idx ON complaints (customer_id, status, due_at);
CREATE INDEX complaints_escalated_idx ON complaints (escalated_to_id);
-- The escalation job: active complaints whose next unmet deadline has passed.
CREATE INDEX complaints_response_watch_idx ON complaints (first_response_due_at)
    WHERE first_responded_at IS NULL AND response_breached = FALSE;
CREATE INDEX complaints_resolution_watch_idx ON complaints (resolution_due_at)
    WHERE resolved_at IS NULL AND resolution_breached = FALSE;

CREATE TABLE complaint_comments (
    id              UUID PRIMARY KEY,
    complaint_id    UUID NOT NULL REFERENCES complaints (id),
    body            TEXT NOT NULL,
    author_id       UUID REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX complaint_comments_complaint_idx ON complaint_comments (complaint_id, created_at, id);
