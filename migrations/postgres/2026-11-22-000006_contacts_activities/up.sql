-- Contacts (people at a customer) and activities (the customer's timeline and a rep's tasks).

CREATE TABLE contacts (
    id                 UUID PRIMARY KEY,
    customer_id        UUID NOT NULL REFERENCES customers (id),
    name               TEXT NOT NULL,
    title              TEXT,
    department         TEXT,
    phone              TEXT,
    mobile             TEXT,
    email              TEXT,
    birthday           DATE,
    preferred_channel  TEXT,
    -- JSON object {email, phone, sms} of booleans.
    do_not_contact     TEXT NOT NULL,
    is_primary         BOOLEAN NOT NULL,
    notes              TEXT,
    custom_fields      TEXT NOT NULL,
    -- Lowercased name and email, and the digits of both phones: what `q` searches.
    search_text        TEXT NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    created_by         UUID REFERENCES users (id),
    updated_by         UUID REFERENCES users (id),
    deleted_at         TIMESTAMP
);
CREATE INDEX contacts_customer_idx ON contacts (customer_id, name, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_name_idx ON contacts (name, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_created_idx ON contacts (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_updated_idx ON contacts (updated_at, id) WHERE deleted_at IS NULL;
-- Birthdays in the next N days (care reminders).
CREATE INDEX contacts_birthday_idx ON contacts (birthday) WHERE deleted_at IS NULL;

CREATE TABLE activities (
    id            UUID PRIMARY KEY,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT,
    customer_id   UUID NOT NULL REFERENCES customers (id),
    contact_id    UUID REFERENCES contacts (id),
    -- Links to leads, quotes, purchases and complaints; their tables come with those resources.
    lead_id       UUID,
    quote_id      UUID,
    purchase_id   UUID,
    complaint_id  UUID,
    owner_id      UUID NOT NULL REFERENCES users (id),
    due_at        TIMESTAMP,
    -- When it happened (a call, a visit) or was completed (a task); NULL for an open task.
    done_at       TIMESTAMP,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    created_by    UUID REFERENCES users (id),
    updated_by    UUID REFERENCES users (id),
    deleted_at    TIMESTAMP
);
-- A customer's timeline, newest first.
CREATE INDEX activities_customer_idx ON activities (customer_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_contact_idx ON activities (contact_id) WHERE deleted_at IS NULL;
-- A rep's day: their open tasks by due time.
CREATE INDEX activities_owner_due_idx ON activities (owner_id, done_at, due_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_created_idx ON activities (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activities_due_idx ON activities ((COALESCE(due_at, created_at)), id) WHERE deleted_at IS NULL;
