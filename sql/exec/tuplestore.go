package exec

// tupleStore holds rows for reading again (PostgreSQL's tuplestore): the
// first rows in memory up to work_mem, the rest appended to a temporary
// file (X10). Rows can be added while readers read; a reader sees every
// row added before it reaches the end.
type tupleStore struct {
	ec       *Context
	mem      []*Row
	memBytes int64
	file     *tempFile
	n        int
	stats    *Stats // optional: where to report memory and disk
}

func newTupleStore(ec *Context, stats *Stats) *tupleStore {
	return &tupleStore{ec: ec, stats: stats}
}

func (s *tupleStore) add(r *Row) error {
	s.n++
	if s.file == nil {
		if s.memBytes < s.ec.workMem() || !s.ec.canSpill() {
			s.mem = append(s.mem, r)
			s.memBytes += rowSize(r)
			if s.stats != nil {
				s.stats.noteMemory(s.memBytes)
			}
			return nil
		}
		f, err := s.ec.newTempFile()
		if err != nil {
			return err
		}
		s.file = f
	}
	if err := s.file.appendRow(r); err != nil {
		return err
	}
	if s.stats != nil {
		s.stats.noteDisk(s.file.bytes())
	}
	return nil
}

func (s *tupleStore) len() int { return s.n }

// close frees the rows and removes the file.
func (s *tupleStore) close() {
	if s == nil {
		return
	}
	s.file.close()
	s.file = nil
	s.mem = nil
	s.memBytes = 0
	s.n = 0
}

// storeReader reads a tupleStore from its first row.
type storeReader struct {
	s  *tupleStore
	i  int
	fr *tempReader
}

func (s *tupleStore) reader() *storeReader { return &storeReader{s: s} }

// next returns the next row, or nil when the reader has seen every row
// added so far.
func (r *storeReader) next() (*Row, error) {
	if r.i < len(r.s.mem) {
		row := r.s.mem[r.i]
		r.i++
		return row, nil
	}
	if r.s.file == nil || r.i >= r.s.n {
		return nil, nil
	}
	if r.fr == nil {
		r.fr = r.s.file.reader()
	}
	row, err := r.fr.nextRow()
	if err != nil {
		return nil, err
	}
	if row == nil {
		return nil, errCorruptTemp("missing rows")
	}
	r.i++
	return row, nil
}

func (r *storeReader) rewind() {
	r.i = 0
	r.fr = nil
}
