DROP TABLE complaint_comments;
DROP TABLE complaints;
