DROP TABLE customer_match_keys;
DROP TABLE settings;
