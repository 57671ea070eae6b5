// Package pgerr is Tusk's one error type: a PostgreSQL error report carrying
// a SQLSTATE code, severity, message, detail, hint and cursor position, like
// pgx's PgError. The public tusk.Error is this type.
//
// Rules:
//
//	E1: Storage layers mark corruption (DataCorrupted, XX001) and I/O
//	    failures (IoError, 58030); the SQL layer attaches the SQLSTATE of
//	    what the user did. Never classify an error by its message text.
//	E2: Callers test with errors.As(err, &*pgerr.Error) or pgerr.CodeOf(err);
//	    an error that carries no SQLSTATE reports InternalError (XX000).
//	E3: The code table is generated from PostgreSQL's errcodes.txt
//	    (go generate ./internal/pgerr); do not edit codes_gen.go by hand.
package pgerr

//go:generate sh -c "go run ./gen /usr/share/postgresql/15/errcodes.txt > codes_gen.go && gofmt -w codes_gen.go"
