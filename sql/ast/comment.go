package ast

// CommentStmt is COMMENT ON object IS 'text' | NULL (Tusk parses TABLE,
// VIEW, INDEX, SEQUENCE, SCHEMA and COLUMN objects).
type CommentStmt struct {
	Pos  int
	Kind ObjectType
	// Object is the object's name, qualified as written: [schema.]name,
	// or [schema.]table.column for a COLUMN.
	Object []string
	// Comment is the new comment; nil (IS NULL) removes it.
	Comment *string
}

func (*CommentStmt) stmtNode()       {}
func (n *CommentStmt) Position() int { return n.Pos }

func (p *printer) commentStmt(s *CommentStmt) {
	p.w("COMMENT ON ", s.Kind.String(), " ")
	for i, n := range s.Object {
		if i > 0 {
			p.w(".")
		}
		p.ident(n)
	}
	p.w(" IS ")
	if s.Comment == nil {
		p.w("NULL")
	} else {
		p.w(QuoteString(*s.Comment))
	}
}
