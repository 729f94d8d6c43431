DROP TABLE outbox_events;
DROP TABLE customer_tags;
DROP TABLE customers;
