package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"strconv"
	"time"

	"github.com/tuskdb/tusk"
)

// Todo is the JSON shape of a row of todos.
type Todo struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Done      bool      `json:"done"`
	CreatedAt time.Time `json:"created_at"`
}

// server holds what the handlers share: only the database, which is safe
// for concurrent use (each call runs on a session from a pool).
type server struct {
	db *tusk.DB
}

func newServer(db *tusk.DB) *server { return &server{db: db} }

// routes uses the method and wildcard patterns of net/http's ServeMux.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /todos", s.listTodos)
	mux.HandleFunc("POST /todos", s.createTodo)
	mux.HandleFunc("POST /todos/batch", s.createTodos)
	mux.HandleFunc("GET /todos/{id}", s.getTodo)
	mux.HandleFunc("PATCH /todos/{id}", s.updateTodo)
	mux.HandleFunc("DELETE /todos/{id}", s.deleteTodo)
	return mux
}

// Every query takes its inputs as parameters ($1, $2), never spliced into
// the SQL text. Tusk's sessions cache the plan of a repeated statement, so
// a parameterized query is also a prepared one.
const todoColumns = `id, title, done, created_at`

func (s *server) listTodos(w http.ResponseWriter, r *http.Request) {
	// An optional filter, still a parameter: ?done=true. NULL means "any".
	var done any
	if v := r.URL.Query().Get("done"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			httpError(w, http.StatusBadRequest, "done must be true or false")
			return
		}
		done = b
	}
	rows, err := s.db.Query(r.Context(),
		`SELECT `+todoColumns+` FROM todos WHERE $1::boolean IS NULL OR done = $1 ORDER BY id`, done)
	if err != nil {
		dbError(w, err)
		return
	}
	todos := []Todo{}
	for rows.Next() {
		var t Todo
		if err := rows.Scan(&t.ID, &t.Title, &t.Done, &t.CreatedAt); err != nil {
			rows.Close()
			dbError(w, err)
			return
		}
		todos = append(todos, t)
	}
	// Close reports an error that ended the iteration early.
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		dbError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, todos)
}

func (s *server) getTodo(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var t Todo
	err := s.db.QueryRow(r.Context(), `SELECT `+todoColumns+` FROM todos WHERE id = $1`, id).
		Scan(&t.ID, &t.Title, &t.Done, &t.CreatedAt)
	if err != nil {
		dbError(w, err) // tusk.ErrNoRows becomes 404
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *server) createTodo(w http.ResponseWriter, r *http.Request) {
	var in struct{ Title string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		httpError(w, http.StatusBadRequest, "body must be {\"title\": ...}")
		return
	}
	t, err := insertTodo(r.Context(), s.db.QueryRow, in.Title)
	if err != nil {
		dbError(w, err) // a duplicate title is SQLSTATE 23505: 409
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

// createTodos inserts a list of todos all or nothing: in one transaction,
// so one bad title (a duplicate, an empty one) leaves the table unchanged.
func (s *server) createTodos(w http.ResponseWriter, r *http.Request) {
	var in []struct{ Title string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		httpError(w, http.StatusBadRequest, "body must be [{\"title\": ...}, ...]")
		return
	}
	tx, err := s.db.Begin(r.Context(), tusk.TxOptions{})
	if err != nil {
		dbError(w, err)
		return
	}
	// Rollback after Commit is a no-op, so defer it for every early return.
	defer tx.Rollback()
	out := make([]Todo, 0, len(in))
	for _, item := range in {
		t, err := insertTodo(r.Context(), tx.QueryRow, item.Title)
		if err != nil {
			dbError(w, err)
			return
		}
		out = append(out, t)
	}
	if err := tx.Commit(); err != nil {
		dbError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// insertTodo runs on the DB or on a transaction: both have QueryRow.
func insertTodo(ctx context.Context, queryRow func(context.Context, string, ...any) *tusk.Row, title string) (Todo, error) {
	var t Todo
	err := queryRow(ctx, `INSERT INTO todos (title) VALUES ($1) RETURNING `+todoColumns, title).
		Scan(&t.ID, &t.Title, &t.Done, &t.CreatedAt)
	return t, err
}

func (s *server) updateTodo(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var in struct{ Done bool }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		httpError(w, http.StatusBadRequest, "body must be {\"done\": true|false}")
		return
	}
	var t Todo
	err := s.db.QueryRow(r.Context(), `UPDATE todos SET done = $2 WHERE id = $1 RETURNING `+todoColumns, id, in.Done).
		Scan(&t.ID, &t.Title, &t.Done, &t.CreatedAt)
	if err != nil {
		dbError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *server) deleteTodo(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	res, err := s.db.Exec(r.Context(), `DELETE FROM todos WHERE id = $1`, id)
	if err != nil {
		dbError(w, err)
		return
	}
	if res.RowsAffected == 0 {
		httpError(w, http.StatusNotFound, "todo not found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pathID parses the {id} wildcard of the route.
func pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		httpError(w, http.StatusBadRequest, "id must be an integer")
		return 0, false
	}
	return id, true
}

// dbError maps a database error to an HTTP status by its SQLSTATE, the
// same codes PostgreSQL reports (tusk.Error.Code).
func dbError(w http.ResponseWriter, err error) {
	if errors.Is(err, tusk.ErrNoRows) {
		httpError(w, http.StatusNotFound, "todo not found")
		return
	}
	var e *tusk.Error
	if errors.As(err, &e) {
		switch e.Code {
		case "23505": // unique_violation
			httpError(w, http.StatusConflict, e.Message)
			return
		case "23502", "23514", "22001", "22P02": // not null, check, too long, bad input
			httpError(w, http.StatusBadRequest, e.Message)
			return
		case "57014": // query_canceled: the client went away
			httpError(w, 499, e.Message)
			return
		}
	}
	log.Printf("database error: %v", err)
	httpError(w, http.StatusInternalServerError, "internal error")
}

func httpError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("write response: %v", err)
	}
}
