CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name varchar(100),
  age integer CHECK (age >= 0),
  created_at timestamp DEFAULT now()
);
CREATE INDEX users_created_at_idx ON users (created_at);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id),
  amount numeric(10,2) NOT NULL CHECK (amount > 0),
  status text DEFAULT 'new'
);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE age > 18;
CREATE SEQUENCE invoice_seq;
CREATE SCHEMA sales;
CREATE TABLE sales.regions (id int PRIMARY KEY, name text);
COMMENT ON TABLE users IS 'registered users';
COMMENT ON COLUMN users.email IS 'login address';
COMMENT ON SCHEMA sales IS 'sales data';
