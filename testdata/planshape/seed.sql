-- The seed article's users/orders schema with idx_users_created.
CREATE TABLE users (id int PRIMARY KEY, name text, created_at timestamp);
INSERT INTO users SELECT g, 'user' || (g % 1000), timestamp '2023-01-01' + (g % 730) * interval '1 day' FROM generate_series(1, 5000) g;
CREATE INDEX idx_users_created ON users (created_at);
CREATE TABLE orders (id int PRIMARY KEY, user_id int, amount int, status text);
INSERT INTO orders SELECT g, (g * 37) % 5000 + 1, g % 500, CASE WHEN g % 20 = 0 THEN 'open' ELSE 'done' END FROM generate_series(1, 50000) g;
CREATE INDEX orders_user ON orders (user_id);
ANALYZE users;
ANALYZE orders;
