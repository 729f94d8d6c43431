DROP TABLE idempotency_keys;
DROP TABLE audit_events;
DROP TABLE teams;
DROP INDEX users_team_idx;
DROP INDEX users_email_id_idx;
DROP INDEX users_created_id_idx;
DROP INDEX users_name_id_idx;
ALTER TABLE users DROP COLUMN pool_cap;
ALTER TABLE users DROP COLUMN max_discount_e4;
