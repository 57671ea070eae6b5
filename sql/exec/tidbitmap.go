package exec

import (
	"math/bits"
	"slices"

	"github.com/tuskdb/tusk/internal/base"
)

// tidBitmap is a set of heap TIDs (PostgreSQL's tidbitmap.c): exact pages
// keep one bit per line pointer; beyond maxEntries the bitmap turns pages
// into lossy chunks (one bit per page of a chunk of pagesPerChunk pages)
// whose tuples must be rechecked against the scan's condition (X27).
type tidBitmap struct {
	pages      map[base.BlockNumber]*tbmPage
	chunks     map[base.BlockNumber]*tbmChunk // by first block of the chunk
	maxEntries int
	slab       []tbmPage // new exact pages come from here (X31)
}

// tbmSlabPages is how many pages one allocation of tidBitmap.slab holds.
const tbmSlabPages = 64

// newPage returns a zero page from the slab.
func (b *tidBitmap) newPage() *tbmPage {
	if len(b.slab) == 0 {
		b.slab = make([]tbmPage, tbmSlabPages)
	}
	p := &b.slab[0]
	b.slab = b.slab[1:]
	return p
}

// tbmWords covers MaxHeapTuplesPerPage (291) offsets, 1-based.
const tbmWords = 5

// pagesPerChunk is PostgreSQL's PAGES_PER_CHUNK (BLCKSZ / 32).
const pagesPerChunk = base.BlockSize / 32

// tbmEntryBytes is the memory charged per page or chunk entry (a
// PagetableEntry plus hash table overhead, as tbm_create sizes it).
const tbmEntryBytes = 64

type tbmPage struct {
	bits    [tbmWords]uint64
	recheck bool // exact TIDs, but their condition is not proven (an AND with a lossy page)
}

type tbmChunk struct {
	bits [pagesPerChunk / 64]uint64
}

func newTIDBitmap(workMem int64) *tidBitmap {
	n := int(workMem / tbmEntryBytes)
	if n < 16 {
		n = 16
	}
	return &tidBitmap{pages: map[base.BlockNumber]*tbmPage{}, chunks: map[base.BlockNumber]*tbmChunk{}, maxEntries: n}
}

func chunkOf(blk base.BlockNumber) (base.BlockNumber, int) {
	return blk - blk%pagesPerChunk, int(blk % pagesPerChunk)
}

func (b *tidBitmap) entries() int { return len(b.pages) + len(b.chunks) }

func (b *tidBitmap) isLossy(blk base.BlockNumber) bool {
	start, i := chunkOf(blk)
	c := b.chunks[start]
	return c != nil && c.bits[i/64]&(1<<(i%64)) != 0
}

func (b *tidBitmap) markLossy(blk base.BlockNumber) {
	delete(b.pages, blk)
	start, i := chunkOf(blk)
	c := b.chunks[start]
	if c == nil {
		c = &tbmChunk{}
		b.chunks[start] = c
	}
	c.bits[i/64] |= 1 << (i % 64)
}

// add puts one TID in the set (tbm_add_tuples).
func (b *tidBitmap) add(tid base.ItemPointer, recheck bool) {
	if b.isLossy(tid.Block) {
		return
	}
	p := b.pages[tid.Block]
	if p == nil {
		p = b.newPage()
		b.pages[tid.Block] = p
	}
	off := int(tid.Offset)
	if off >= 1 && off <= tbmWords*64 {
		p.bits[(off-1)/64] |= 1 << ((off - 1) % 64)
	} else {
		b.markLossy(tid.Block) // an offset out of range: keep the page whole
	}
	p.recheck = p.recheck || recheck
	b.limit()
}

// limit lossifies exact pages, in block order, until the bitmap is at
// half its budget (tbm_lossify); if only chunks are left it may exceed it.
func (b *tidBitmap) limit() {
	if b.entries() <= b.maxEntries {
		return
	}
	blks := make([]base.BlockNumber, 0, len(b.pages))
	for blk := range b.pages {
		blks = append(blks, blk)
	}
	slices.Sort(blks)
	for _, blk := range blks {
		if b.entries() <= b.maxEntries/2 {
			break
		}
		b.markLossy(blk)
	}
	if b.entries() > b.maxEntries {
		b.maxEntries = b.entries() * 2 // as PostgreSQL: avoid lossifying again at once
	}
}

// union adds other's TIDs (tbm_union).
func (b *tidBitmap) union(o *tidBitmap) {
	for start, c := range o.chunks {
		for i := 0; i < pagesPerChunk; i++ {
			if c.bits[i/64]&(1<<(i%64)) != 0 {
				b.markLossy(start + base.BlockNumber(i))
			}
		}
	}
	for blk, p := range o.pages {
		if b.isLossy(blk) {
			continue
		}
		q := b.pages[blk]
		if q == nil {
			q = &tbmPage{}
			b.pages[blk] = q
		}
		for w := range q.bits {
			q.bits[w] |= p.bits[w]
		}
		q.recheck = q.recheck || p.recheck
	}
	b.limit()
}

// intersect keeps only TIDs also in other (tbm_intersect): an exact page
// ANDed with a lossy one stays exact but must be rechecked; a lossy page
// ANDed with an exact one becomes that exact page, rechecked.
func (b *tidBitmap) intersect(o *tidBitmap) {
	for blk, p := range b.pages {
		if o.isLossy(blk) {
			p.recheck = true
			continue
		}
		q := o.pages[blk]
		if q == nil {
			delete(b.pages, blk)
			continue
		}
		empty := true
		for w := range p.bits {
			p.bits[w] &= q.bits[w]
			if p.bits[w] != 0 {
				empty = false
			}
		}
		p.recheck = p.recheck || q.recheck
		if empty {
			delete(b.pages, blk)
		}
	}
	for start, c := range b.chunks {
		for i := 0; i < pagesPerChunk; i++ {
			bit := uint64(1) << (i % 64)
			if c.bits[i/64]&bit == 0 {
				continue
			}
			blk := start + base.BlockNumber(i)
			if o.isLossy(blk) {
				continue
			}
			c.bits[i/64] &^= bit
			if q := o.pages[blk]; q != nil {
				np := *q
				np.recheck = true
				b.pages[blk] = &np
			}
		}
		empty := true
		for _, w := range c.bits {
			if w != 0 {
				empty = false
			}
		}
		if empty {
			delete(b.chunks, start)
		}
	}
}

// tbmBlock is one page of an iteration: its offsets (exact) or lossy.
type tbmBlock struct {
	blk     base.BlockNumber
	offsets []base.OffsetNumber // nil when lossy
	lossy   bool
	recheck bool
}

// blocks lists the bitmap's pages in block order (tbm_begin_iterate).
func (b *tidBitmap) blocks() []tbmBlock {
	out := make([]tbmBlock, 0, len(b.pages))
	// The exact pages' offsets share one array.
	n := 0
	for _, p := range b.pages {
		for _, word := range p.bits {
			n += bits.OnesCount64(word)
		}
	}
	all := make([]base.OffsetNumber, 0, n)
	for blk, p := range b.pages {
		start := len(all)
		for w, word := range p.bits {
			for word != 0 {
				i := bits.TrailingZeros64(word)
				word &^= 1 << i
				all = append(all, base.OffsetNumber(w*64+i+1))
			}
		}
		out = append(out, tbmBlock{blk: blk, recheck: p.recheck, offsets: all[start:len(all):len(all)]})
	}
	for start, c := range b.chunks {
		for i := 0; i < pagesPerChunk; i++ {
			if c.bits[i/64]&(1<<(i%64)) != 0 {
				out = append(out, tbmBlock{blk: start + base.BlockNumber(i), lossy: true, recheck: true})
			}
		}
	}
	slices.SortFunc(out, func(a, b tbmBlock) int {
		switch {
		case a.blk < b.blk:
			return -1
		case a.blk > b.blk:
			return 1
		}
		return 0
	})
	return out
}
