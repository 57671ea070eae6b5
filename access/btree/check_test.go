package btree

import (
	"encoding/binary"
	"testing"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/vfs"
)

// buildTree makes a three-level index of int keys.
func buildTree(t *testing.T) (*env, *Index) {
	t.Helper()
	e := newEnv(t, vfs.NewMem(), 512, false)
	ix, err := Create(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{textCol("t")}})
	must(t, err)
	for i := 0; i < 6000; i++ {
		k := make([]byte, 100)
		binary.BigEndian.PutUint32(k, uint32(i*7919%6000))
		must(t, ix.Insert(ctx, nil, [][]byte{k}, tidOf(i)))
	}
	must(t, ix.Check())
	if h, _ := ix.Height(); h < 3 {
		t.Fatalf("height %d, want 3", h)
	}
	return e, ix
}

// findPage returns a page of the given level with at least 4 items, one
// that is neither leftmost nor rightmost if there is one.
func findPage(t *testing.T, e *env, level uint32) base.BlockNumber {
	t.Helper()
	n, err := e.smgr.NBlocks(testNode, base.MainFork)
	must(t, err)
	found := base.InvalidBlock
	for b := base.BlockNumber(1); b < n; b++ {
		p := readPageCopy(t, e.pool, b)
		if o, ok := getOpaque(p); ok && o.level == level && p.MaxOffset() >= 5 {
			if !o.leftmost() && !o.rightmost() {
				return b
			}
			found = b
		}
	}
	if found == base.InvalidBlock {
		t.Fatalf("no page at level %d", level)
	}
	return found
}

// modify changes a page in the pool.
func modify(t *testing.T, e *env, blk base.BlockNumber, fn func(p bufmgr.Page)) {
	t.Helper()
	b, err := e.pool.ReadBuffer(base.BufferTag{Node: testNode, Fork: base.MainFork, Block: blk})
	must(t, err)
	b.Lock()
	fn(b.Page())
	b.MarkDirty()
	b.Unlock()
	e.pool.Release(b)
}

func swapItems(p bufmgr.Page, a, b base.OffsetNumber) {
	pa, pb := bufmgr.PageHeaderSize+int(a-1)*4, bufmgr.PageHeaderSize+int(b-1)*4
	x := binary.LittleEndian.Uint32(p[pa:])
	binary.LittleEndian.PutUint32(p[pa:], binary.LittleEndian.Uint32(p[pb:]))
	binary.LittleEndian.PutUint32(p[pb:], x)
}

// TestCheckDetects corrupts a valid tree in different ways; Check must
// report each as IndexCorrupted.
func TestCheckDetects(t *testing.T) {
	cases := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"leaf items out of order", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 0), func(p bufmgr.Page) { swapItems(p, 3, 4) })
		}},
		{"internal items out of order", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 1), func(p bufmgr.Page) { swapItems(p, 3, 4) })
		}},
		{"high key swapped with an item", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 0), func(p bufmgr.Page) { swapItems(p, 1, 2) })
		}},
		{"item above the high key", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 0), func(p bufmgr.Page) {
				it := p.Item(p.MaxOffset())
				for i := itupHeaderSize + 3; i < len(it); i++ {
					it[i] = 0xFF
				}
			})
		}},
		{"bad left-link", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 0), func(p bufmgr.Page) { setPrev(p, 1) })
		}},
		{"bad downlink", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 1), func(p bufmgr.Page) {
				copy(p.Item(3)[:4], p.Item(4)[:4]) // two downlinks to one child
			})
		}},
		{"bad level", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 0), func(p bufmgr.Page) {
				binary.LittleEndian.PutUint32(p[base.BlockSize-opaqueSize+8:], 1)
			})
		}},
		{"stray incomplete-split flag", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 0), func(p bufmgr.Page) {
				o, _ := getOpaque(p)
				setFlags(p, o.flags|btpIncompleteSplit)
			})
		}},
		{"unreachable page", func(t *testing.T, e *env) {
			b, err := e.pool.NewPage(testNode, base.MainFork)
			must(t, err)
			b.Lock()
			must(t, fillPage(b.Page(), opaque{flags: btpLeaf}, nil))
			b.MarkDirty()
			b.Unlock()
			e.pool.Release(b)
		}},
		{"garbage tuple", func(t *testing.T, e *env) {
			modify(t, e, findPage(t, e, 0), func(p bufmgr.Page) {
				it := p.Item(3)
				it[itupHeaderSize] = 0xFF // attribute count
			})
		}},
		{"bad metapage", func(t *testing.T, e *env) {
			b, err := e.pool.ReadBuffer(base.BufferTag{Node: testNode, Fork: base.MainFork, Block: 0})
			must(t, err)
			b.Lock()
			b.Page()[bufmgr.PageHeaderSize] ^= 1
			b.Unlock()
			e.pool.Release(b)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, ix := buildTree(t)
			c.fn(t, e)
			err := ix.Check()
			if pgerr.CodeOf(err) != pgerr.IndexCorrupted {
				t.Fatalf("Check returned %v, want IndexCorrupted", err)
			}
			t.Log(err)
		})
	}
}

func TestCheckHeap(t *testing.T) {
	e := newEnv(t, vfs.NewMem(), 64, false)
	ix, err := Create(e.pool, nil, testNode, Desc{Name: "ix", Keys: []KeyCol{intCol("a")}, NInclude: 1})
	must(t, err)
	want := map[base.ItemPointer][][]byte{}
	for i := 0; i < 100; i++ {
		v := [][]byte{i8(int64(i)), []byte("x")}
		must(t, ix.Insert(ctx, nil, v, tidOf(i)))
		want[tidOf(i)] = v
	}
	must(t, ix.CheckHeap(want))
	missing := map[base.ItemPointer][][]byte{}
	for k, v := range want {
		missing[k] = v
	}
	missing[tidOf(1000)] = [][]byte{i8(1), nil}
	if err := ix.CheckHeap(missing); pgerr.CodeOf(err) != pgerr.IndexCorrupted {
		t.Fatalf("heap tuple without entry: %v", err)
	}
	delete(missing, tidOf(1000))
	delete(missing, tidOf(5))
	if err := ix.CheckHeap(missing); pgerr.CodeOf(err) != pgerr.IndexCorrupted {
		t.Fatalf("entry without heap tuple: %v", err)
	}
	missing[tidOf(5)] = [][]byte{i8(6), []byte("x")}
	if err := ix.CheckHeap(missing); pgerr.CodeOf(err) != pgerr.IndexCorrupted {
		t.Fatalf("entry with a different key: %v", err)
	}
	missing[tidOf(5)] = [][]byte{i8(5), []byte("y")}
	if err := ix.CheckHeap(missing); pgerr.CodeOf(err) != pgerr.IndexCorrupted {
		t.Fatalf("entry with a different INCLUDE value: %v", err)
	}
}
