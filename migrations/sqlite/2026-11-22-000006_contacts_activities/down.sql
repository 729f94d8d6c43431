DROP TABLE activities;
DROP TABLE contacts;
