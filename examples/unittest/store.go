package unittest

import (
	"context"
	"errors"
	"time"

	"github.com/tuskdb/tusk"
)

// Schema is the DDL the application runs at start (and tests per database).
const Schema = `
CREATE TABLE users (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email      text NOT NULL UNIQUE CHECK (email LIKE '%@%'),
	name       text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_created_idx ON users (created_at);`

// User is a row of users.
type User struct {
	ID        int64
	Email     string
	Name      string
	CreatedAt time.Time
}

// ErrNotFound is returned when no user matches.
var ErrNotFound = errors.New("user not found")

// ErrDuplicateEmail is returned by Create for an email already taken.
var ErrDuplicateEmail = errors.New("email already registered")

// Users is the repository of users.
type Users struct {
	DB *tusk.DB
}

// Create inserts a user (email lowercased) and returns it with its id and
// creation time.
func (u Users) Create(ctx context.Context, email, name string) (User, error) {
	usr := User{Email: email, Name: name}
	err := u.DB.QueryRow(ctx,
		`INSERT INTO users (email, name) VALUES (lower($1), $2) RETURNING id, email, created_at`, email, name).
		Scan(&usr.ID, &usr.Email, &usr.CreatedAt)
	if tusk.ErrorCode(err) == "23505" { // unique_violation
		return User{}, ErrDuplicateEmail
	}
	return usr, err
}

// ByEmail finds a user by email, case-insensitively.
func (u Users) ByEmail(ctx context.Context, email string) (User, error) {
	var usr User
	err := u.DB.QueryRow(ctx,
		`SELECT id, email, name, created_at FROM users WHERE email = lower($1)`, email).
		Scan(&usr.ID, &usr.Email, &usr.Name, &usr.CreatedAt)
	if errors.Is(err, tusk.ErrNoRows) {
		return User{}, ErrNotFound
	}
	return usr, err
}

// Newest returns the n most recently created users, newest first.
func (u Users) Newest(ctx context.Context, n int) ([]User, error) {
	rows, err := u.DB.Query(ctx,
		`SELECT id, email, name, created_at FROM users ORDER BY created_at DESC LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	var out []User
	for rows.Next() {
		var usr User
		if err := rows.Scan(&usr.ID, &usr.Email, &usr.Name, &usr.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, usr)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// Rename changes a user's name.
func (u Users) Rename(ctx context.Context, id int64, name string) error {
	res, err := u.DB.Exec(ctx, `UPDATE users SET name = $2 WHERE id = $1`, id, name)
	if err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
