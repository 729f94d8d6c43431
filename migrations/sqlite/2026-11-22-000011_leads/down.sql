DROP TABLE lead_stages;
DROP TABLE leads;
