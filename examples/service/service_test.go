package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/tuskdb/tusk"
)

// newTestServer serves the handlers over a fresh in-memory database.
func newTestServer(t *testing.T) (*httptest.Server, *tusk.DB) {
	t.Helper()
	db, err := tusk.Open("") // in memory, a few milliseconds
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := createSchema(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	// The schema is idempotent: a restart runs it again.
	if err := createSchema(context.Background(), db); err != nil {
		t.Fatalf("second createSchema: %v", err)
	}
	srv := httptest.NewServer(newServer(db).routes())
	t.Cleanup(srv.Close)
	return srv, db
}

// do sends a request and decodes a JSON response into out (if not nil).
func do(t *testing.T, srv *httptest.Server, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	// net/http's own replies (405, say) are plain text.
	if out != nil && resp.Header.Get("Content-Type") == "application/json" {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

func TestCreateGetList(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)

	var a, b Todo
	if code := do(t, srv, "POST", "/todos", `{"title":"write docs"}`, &a); code != http.StatusCreated {
		t.Fatalf("create: status %d", code)
	}
	if a.ID == 0 || a.Title != "write docs" || a.Done || a.CreatedAt.IsZero() {
		t.Fatalf("created %+v", a)
	}
	do(t, srv, "POST", "/todos", `{"title":"ship it"}`, &b)

	var got Todo
	if code := do(t, srv, "GET", "/todos/"+itoa(a.ID), "", &got); code != http.StatusOK || got.Title != "write docs" {
		t.Fatalf("get: status %d, %+v", code, got)
	}

	var updated Todo
	if code := do(t, srv, "PATCH", "/todos/"+itoa(b.ID), `{"done":true}`, &updated); code != http.StatusOK || !updated.Done {
		t.Fatalf("patch: status %d, %+v", code, updated)
	}

	var all, done []Todo
	do(t, srv, "GET", "/todos", "", &all)
	if len(all) != 2 || all[0].ID != a.ID || all[1].ID != b.ID {
		t.Fatalf("list: %+v", all)
	}
	do(t, srv, "GET", "/todos?done=true", "", &done)
	if len(done) != 1 || done[0].Title != "ship it" {
		t.Fatalf("list done: %+v", done)
	}

	if code := do(t, srv, "DELETE", "/todos/"+itoa(a.ID), "", nil); code != http.StatusNoContent {
		t.Fatalf("delete: status %d", code)
	}
	if code := do(t, srv, "DELETE", "/todos/"+itoa(a.ID), "", nil); code != http.StatusNotFound {
		t.Fatalf("second delete: status %d", code)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	do(t, srv, "POST", "/todos", `{"title":"once"}`, nil)

	tests := []struct {
		name, method, path, body string
		want                     int
	}{
		{"duplicate title is 23505", "POST", "/todos", `{"title":"once"}`, http.StatusConflict},
		{"empty title fails the CHECK", "POST", "/todos", `{"title":""}`, http.StatusBadRequest},
		{"missing row", "GET", "/todos/999", "", http.StatusNotFound},
		{"update of a missing row", "PATCH", "/todos/999", `{"done":true}`, http.StatusNotFound},
		{"bad id", "GET", "/todos/abc", "", http.StatusBadRequest},
		{"bad filter", "GET", "/todos?done=maybe", "", http.StatusBadRequest},
		{"wrong method", "PUT", "/todos/1", "", http.StatusMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body map[string]string
			code := do(t, srv, tc.method, tc.path, tc.body, &body)
			if code != tc.want {
				t.Fatalf("status %d, want %d (%v)", code, tc.want, body)
			}
			if tc.want != http.StatusMethodNotAllowed && body["error"] == "" {
				t.Fatalf("no error message: %v", body)
			}
		})
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)

	var created []Todo
	if code := do(t, srv, "POST", "/todos/batch", `[{"title":"a"},{"title":"b"}]`, &created); code != http.StatusCreated || len(created) != 2 {
		t.Fatalf("batch: status %d, %+v", code, created)
	}

	// "c" is new, the second "a" is a duplicate: the whole batch fails and
	// the transaction is rolled back, so "c" is not there either.
	var body map[string]string
	if code := do(t, srv, "POST", "/todos/batch", `[{"title":"c"},{"title":"a"}]`, &body); code != http.StatusConflict {
		t.Fatalf("conflicting batch: status %d, %v", code, body)
	}
	var n int64
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM todos WHERE title = 'c'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("rolled-back batch left %d rows", n)
	}
	var all []Todo
	do(t, srv, "GET", "/todos", "", &all)
	if len(all) != 2 {
		t.Fatalf("after the failed batch: %+v", all)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
