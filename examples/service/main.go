// Command service is a small HTTP JSON service that embeds Tusk: a to-do
// list kept in a PostgreSQL-compatible database inside the process. Copy it
// as the skeleton of your own service.
//
//	go run ./examples/service                      # data in ./service-data
//	go run ./examples/service -d memory: -addr :9090
//
//	curl -X POST localhost:8080/todos -d '{"title":"write docs"}'
//	curl localhost:8080/todos
//	curl -X PATCH localhost:8080/todos/1 -d '{"done":true}'
//	curl -X POST localhost:8080/todos/batch -d '[{"title":"a"},{"title":"b"}]'
//
// What it shows: opening the database from a flag, creating the schema at
// start, parameterized queries ($1, $2: never build SQL from input),
// a transaction for a multi-statement operation, the request's context on
// every call (a client that goes away cancels its query), mapping
// PostgreSQL's SQLSTATE codes to HTTP statuses, and a graceful shutdown
// that closes the database (a clean checkpoint) on SIGINT/SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tuskdb/tusk"
)

// schema is run at every start; IF NOT EXISTS makes it idempotent.
const schema = `
CREATE TABLE IF NOT EXISTS todos (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title      text NOT NULL UNIQUE CHECK (title <> ''),
	done       boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS todos_done_idx ON todos (done);`

func main() {
	dir := flag.String("d", "./service-data", "data directory (memory: for an in-memory database)")
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()

	// The whole database lives in this process: Open recovers it after a
	// crash, or creates it on first use.
	db, err := tusk.Open(*dir)
	if err != nil {
		log.Fatalf("open %s: %v", *dir, err)
	}
	if err := createSchema(context.Background(), db); err != nil {
		db.Close()
		log.Fatalf("schema: %v", err)
	}

	srv := &http.Server{
		Addr:              *addr,
		Handler:           newServer(db).routes(),
		ReadHeaderTimeout: 5 * time.Second,
	}

	// Stop on Ctrl-C or SIGTERM: finish in-flight requests, then close the
	// database (Close rolls back open transactions and checkpoints).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		log.Printf("listening on %s (data: %s)", *addr, *dir)
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("listen: %v", err)
			stop()
		}
	}()
	<-ctx.Done()

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("shutdown: %v", err)
	}
	if err := db.Close(); err != nil {
		log.Fatalf("close database: %v", err)
	}
	log.Print("stopped")
}

// createSchema creates the tables the service needs.
func createSchema(ctx context.Context, db *tusk.DB) error {
	_, err := db.Exec(ctx, schema)
	return err
}
