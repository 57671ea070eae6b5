package unittest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/tuskdb/tusk"
)

// newTestDB opens a fresh in-memory database with the schema loaded; it is
// closed when the test ends. Each test gets its own, so tests can run in
// parallel and never see each other's rows.
func newTestDB(t testing.TB) *tusk.DB {
	t.Helper()
	db, err := tusk.Open("") // "" (or "memory:") is a new in-memory database
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if _, err := db.Exec(context.Background(), Schema); err != nil {
		t.Fatalf("schema: %v", err)
	}
	return db
}

func TestCreateAndFind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	users := Users{DB: newTestDB(t)}

	ada, err := users.Create(ctx, "Ada@Example.com", "Ada")
	if err != nil {
		t.Fatal(err)
	}
	if ada.ID == 0 || ada.Email != "ada@example.com" || ada.CreatedAt.IsZero() {
		t.Fatalf("created %+v", ada)
	}
	got, err := users.ByEmail(ctx, "ADA@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got != ada {
		t.Fatalf("ByEmail = %+v, want %+v", got, ada)
	}
	if err := users.Rename(ctx, ada.ID, "Ada Lovelace"); err != nil {
		t.Fatal(err)
	}
	if got, _ := users.ByEmail(ctx, "ada@example.com"); got.Name != "Ada Lovelace" {
		t.Fatalf("after Rename: %+v", got)
	}
	if err := users.Rename(ctx, ada.ID+1, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Rename of a missing user: %v", err)
	}
}

// TestCreateErrors is table-driven: each case runs against the same
// database, which already holds one user.
func TestCreateErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	users := Users{DB: newTestDB(t)}
	if _, err := users.Create(ctx, "taken@example.com", "First"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, email string
		wantErr     error  // a sentinel of this package, or nil
		wantCode    string // else the SQLSTATE PostgreSQL reports
	}{
		{name: "new address", email: "new@example.com"},
		{name: "duplicate", email: "taken@example.com", wantErr: ErrDuplicateEmail},
		{name: "duplicate in another case", email: "TAKEN@example.com", wantErr: ErrDuplicateEmail},
		{name: "no @ fails the CHECK", email: "nobody", wantCode: "23514"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := users.Create(ctx, tc.email, "Someone")
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case tc.wantCode != "":
				if code := tusk.ErrorCode(err); code != tc.wantCode {
					t.Fatalf("SQLSTATE = %q (%v), want %s", code, err, tc.wantCode)
				}
			case err != nil:
				t.Fatalf("unexpected error: %v", err)
			}
		})
	}
}

func TestNewest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	users := Users{DB: newTestDB(t)}
	for i := range 5 {
		if _, err := users.Create(ctx, fmt.Sprintf("u%d@example.com", i), fmt.Sprint("user ", i)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := users.Newest(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Email != "u4@example.com" || got[1].Email != "u3@example.com" {
		t.Fatalf("Newest(2) = %+v", got)
	}
	if _, err := users.ByEmail(ctx, "missing@example.com"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ByEmail of a missing user: %v", err)
	}
}

// TestQueriesUseIndexes pins down how the repository's queries run: with
// a realistic amount of data and fresh statistics, the lookups must use
// their indexes. A schema change that drops an index fails this test
// instead of slowing production down.
func TestQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newTestDB(t)
	if _, err := db.Exec(ctx, `
		INSERT INTO users (email, name, created_at)
		SELECT 'user' || i || '@example.com', 'user ' || i, now() - i * interval '1 minute'
		FROM generate_series(1, 5000) AS i;
		ANALYZE users`); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, query string
		args        []any
		index       string
	}{
		{"ByEmail", `SELECT id, email, name, created_at FROM users WHERE email = lower($1)`, []any{"user42@example.com"}, "users_email_key"},
		{"Newest", `SELECT id, email, name, created_at FROM users ORDER BY created_at DESC LIMIT $1`, []any{10}, "users_created_idx"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := db.Explain(ctx, tc.query, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !plan.Uses(tc.index) {
				t.Fatalf("plan does not use %s:\n%s", tc.index, plan)
			}
			if seq := plan.Find("Seq Scan"); len(seq) > 0 {
				t.Fatalf("plan has a Seq Scan:\n%s", plan)
			}
		})
	}
}

// TestDatabaseSQL shows the same pattern for code written against
// database/sql: the "tusk" driver, one in-memory database per DSN.
func TestDatabaseSQL(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("tusk", "memory:?application_name="+t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, Schema); err != nil {
		t.Fatal(err)
	}

	// A transaction through database/sql: the insert is gone after Rollback.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, name) VALUES ($1, $2)`, "tx@example.com", "Tx"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO users (email, name) VALUES ($1, $2)`, "sql@example.com", "SQL"); err != nil {
		t.Fatal(err)
	}
	var emails []string
	rows, err := db.QueryContext(ctx, `SELECT email FROM users ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		emails = append(emails, e)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(emails) != 1 || emails[0] != "sql@example.com" {
		t.Fatalf("emails = %v", emails)
	}

	// Errors keep their SQLSTATE through database/sql.
	_, err = db.ExecContext(ctx, `INSERT INTO users (email, name) VALUES ($1, $2)`, "sql@example.com", "again")
	var te *tusk.Error
	if !errors.As(err, &te) || te.Code != "23505" {
		t.Fatalf("duplicate insert: %v", err)
	}
}
