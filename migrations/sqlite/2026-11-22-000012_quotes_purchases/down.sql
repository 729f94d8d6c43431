DROP TABLE purchase_return_lines;
DROP TABLE purchase_returns;
DROP TABLE purchase_payments;
DROP TABLE purchase_lines;
DROP TABLE purchases;
DROP TABLE quote_lines;
DROP TABLE quotes;
DROP TABLE counters;
