-- Statistics taken while every job is new; then a bulk load of done jobs.
CREATE TABLE jobs (id int PRIMARY KEY, state text, payload text);
INSERT INTO jobs SELECT g, 'new', 'payload' || g FROM generate_series(1, 1000) g;
CREATE INDEX jobs_state ON jobs (state);
ANALYZE jobs;
INSERT INTO jobs SELECT g, 'done', 'payload' || g FROM generate_series(1001, 101000) g;
