-- Substring search over customers through an FTS5 trigram index (Chinese included). Customers'
-- ids are text, and FTS5 keys rows by integer, so customer_search gives each customer a stable
-- integer key (an INTEGER PRIMARY KEY survives VACUUM, an implicit rowid does not).
CREATE TABLE customer_search (
    rowid        INTEGER PRIMARY KEY,
    customer_id  TEXT NOT NULL UNIQUE REFERENCES customers (id)
);
CREATE VIRTUAL TABLE customers_fts USING fts5(search_text, tokenize = 'trigram');

INSERT INTO customer_search (customer_id) SELECT id FROM customers;
INSERT INTO customers_fts (rowid, search_text)
    SELECT s.rowid, c.search_text FROM customer_search s JOIN customers c ON c.id = s.customer_id;

CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search (customer_id) VALUES (new.id);
    INSERT INTO customers_fts (rowid, search_text)
        VALUES ((SELECT rowid FROM customer_search WHERE customer_id = new.id), new.search_text);
END;

CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text ON customers BEGIN
    DELETE FROM customers_fts WHERE rowid = (SELECT rowid FROM customer_search WHERE customer_id = new.id);
    INSERT INTO customers_fts (rowid, search_text)
        VALUES ((SELECT rowid FROM customer_search WHERE customer_id = new.id), new.search_text);
END;

CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customers_fts WHERE rowid = (SELECT rowid FROM customer_search WHERE customer_id = old.id);
    DELETE FROM customer_search WHERE customer_id = old.id;
END;
