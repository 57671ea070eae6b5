package exec

import (
	"github.com/tuskdb/tusk/access/heap"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/internal/pgstat"
	"github.com/tuskdb/tusk/sql/plan"
)

// Bitmap scans (X27): BitmapIndexScan, BitmapAnd and BitmapOr build TID
// bitmaps (tidbitmap.go) under work_mem; BitmapHeapScan reads their pages
// in block order, rechecking RecheckQual on lossy pages.

// bitmapNode is a running BitmapIndexScan, BitmapAnd or BitmapOr
// (MultiExecProcNode): it yields one bitmap per (re)scan.
type bitmapNode interface {
	bitmap() (*tidBitmap, error)
}

func (ec *Context) buildBitmap(n plan.Node) (bitmapNode, error) {
	switch p := n.(type) {
	case *plan.BitmapIndexScan:
		cur, err := newIndexCursor(ec, p.Index, p.Keys, false, nil)
		if err != nil {
			return nil, err
		}
		return &bitmapIndexScan{ec: ec, p: p, cur: cur, stats: ec.statsFor(p)}, nil
	case *plan.BitmapAnd, *plan.BitmapOr:
		var inputs []plan.Node
		and := false
		if a, ok := p.(*plan.BitmapAnd); ok {
			inputs, and = a.Inputs, true
		} else {
			inputs = p.(*plan.BitmapOr).Inputs
		}
		if len(inputs) == 0 {
			return nil, pgerr.New(pgerr.InternalError, "%T without inputs", n)
		}
		b := &bitmapCombine{ec: ec, and: and, stats: ec.statsFor(n)}
		for _, in := range inputs {
			c, err := ec.buildBitmap(in)
			if err != nil {
				return nil, err
			}
			b.inputs = append(b.inputs, c)
		}
		return b, nil
	}
	return nil, pgerr.New(pgerr.InternalError, "plan node %T does not produce a bitmap", n)
}

// bitmapIndexScan mirrors nodeBitmapIndexscan.
type bitmapIndexScan struct {
	ec    *Context
	p     *plan.BitmapIndexScan
	cur   *indexCursor
	stats *Stats
}

func (b *bitmapIndexScan) bitmap() (*tidBitmap, error) {
	if b.ec.Instrument {
		b.stats.Loops++
	}
	tbm := newTIDBitmap(b.ec.workMem())
	if err := b.cur.start(); err != nil {
		return nil, err
	}
	for {
		e, err := b.cur.next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		tbm.add(e.TID, false)
		if b.ec.Instrument {
			b.stats.Rows++
		}
	}
	return tbm, nil
}

// bitmapCombine mirrors nodeBitmapAnd / nodeBitmapOr.
type bitmapCombine struct {
	ec     *Context
	and    bool
	inputs []bitmapNode
	stats  *Stats
}

func (b *bitmapCombine) bitmap() (*tidBitmap, error) {
	if b.ec.Instrument {
		b.stats.Loops++
	}
	var out *tidBitmap
	for _, in := range b.inputs {
		m, err := in.bitmap()
		if err != nil {
			return nil, err
		}
		switch {
		case out == nil:
			out = m
		case b.and:
			out.intersect(m)
		default:
			out.union(m)
		}
		if b.and && out.entries() == 0 {
			break // an empty AND stays empty
		}
	}
	return out, nil
}

// bitmapHeapScan mirrors nodeBitmapHeapscan.
type bitmapHeapScan struct {
	ec      *Context
	p       *plan.BitmapHeapScan
	src     bitmapNode
	stats   *Stats
	blocks  []tbmBlock
	bi      int
	batch   []heap.Tuple
	recheck bool
	pos     int
	started bool
	st      *pgstat.Rel // the table's idx_tup_fetch (XP1)
	dec     scanDecoder
}

func (ec *Context) buildBitmapHeapScan(p *plan.BitmapHeapScan) (Iter, error) {
	src, err := ec.buildBitmap(p.Bitmap)
	if err != nil {
		return nil, err
	}
	s := &bitmapHeapScan{ec: ec, p: p, src: src, stats: ec.statsFor(p), st: ec.RelStats(p.Rel.OID)}
	ec.newScanDecoder(&s.dec, p, p.Cols, p.EmitCTID)
	return s, nil
}

func (s *bitmapHeapScan) Next() (*Row, error) {
	if !s.started {
		s.started = true
		tbm, err := s.src.bitmap()
		if err != nil {
			return nil, err
		}
		s.blocks, s.bi, s.batch, s.pos = tbm.blocks(), 0, nil, 0
	}
	for {
		for s.pos >= len(s.batch) {
			if s.bi >= len(s.blocks) {
				return nil, nil
			}
			if err := s.readBlock(&s.blocks[s.bi]); err != nil {
				return nil, err
			}
			s.bi++
		}
		t := &s.batch[s.pos]
		s.pos++
		s.st.TuplesFetched++ // pgstat_count_heap_fetch on the table
		if err := s.ec.tick(); err != nil {
			return nil, err
		}
		row, err := s.dec.decode(t.Payload)
		if err != nil {
			return nil, err
		}
		vals := row.Vals[:len(s.p.Cols)]
		if s.recheck {
			ok, err := s.ec.Qual(s.p.RecheckQual, vals)
			if err != nil {
				return nil, err
			}
			if !ok {
				s.stats.RowsRemovedByRecheck++
				continue
			}
		}
		ok, err := s.ec.Qual(s.p.Qual, vals)
		if err != nil {
			return nil, err
		}
		if !ok {
			s.stats.RowsRemovedByFilter++
			continue
		}
		if s.p.EmitCTID {
			row.Vals[len(s.p.Cols)] = t.Header.Self
		}
		row.TID = t.Header.Self
		s.dec.keep()
		return row, nil
	}
}

// readBlock loads the visible tuples of one bitmap page.
func (s *bitmapHeapScan) readBlock(b *tbmBlock) error {
	s.batch, s.pos, s.recheck = s.batch[:0], 0, b.recheck
	node := s.p.Rel.Node
	if b.lossy {
		s.stats.LossyBlocks++
		ts, err := s.ec.Heap.ReadPageUsage(node, s.ec.Snap, b.blk, s.ec.BufUsage)
		if err != nil {
			return err
		}
		s.batch = ts
		return nil
	}
	s.stats.ExactBlocks++
	// The tuples are fetched into the batch's entries, reusing their
	// payload arrays: a payload is only read by the scanDecoder, which
	// copies what it keeps.
	for _, off := range b.offsets {
		n := len(s.batch)
		if n < cap(s.batch) {
			s.batch = s.batch[:n+1]
		} else {
			s.batch = append(s.batch, heap.Tuple{})
		}
		vis, err := s.ec.Heap.FetchInto(node, s.ec.Snap, base.ItemPointer{Block: b.blk, Offset: off}, s.ec.BufUsage, &s.batch[n], false)
		if err != nil {
			s.batch = s.batch[:n]
			return err
		}
		if !vis {
			s.batch = s.batch[:n]
		}
	}
	return nil
}

// Rescan builds the bitmap again (X7).
func (s *bitmapHeapScan) Rescan() error {
	s.started = false
	return nil
}

// RescanParams rebuilds the bitmap with the current outer row (X26).
func (s *bitmapHeapScan) RescanParams() error { return s.Rescan() }

func (s *bitmapHeapScan) Close() {}
