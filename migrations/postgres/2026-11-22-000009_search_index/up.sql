-- PostgreSQL searches customers through the pg_trgm index made with the table (migration 5);
-- this migration exists so that both backends keep the same history. SQLite adds its FTS5 index here.
SELECT 1;
