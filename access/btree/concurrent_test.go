package btree

import (
	"math/rand"
	"sync"
	"testing"

	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/vfs"
)

// TestConcurrentInsertScan runs inserters and scanners at once. Every scan
// must return strictly ordered entries and every entry whose insert had
// returned before the scan started (Lehman-Yao: a reader never misses a
// key moved right by a concurrent split). The checker passes afterwards.
func TestConcurrentInsertScan(t *testing.T) {
	for _, nbuf := range []int{48, 512} {
		t.Run("", func(t *testing.T) {
			e := newEnv(t, vfs.NewMem(), nbuf, true)
			desc := Desc{Name: "ix", Keys: []KeyCol{intCol("a"), textCol("t")}}
			ix, err := Create(e.pool, e.btlog(), testNode, desc)
			must(t, err)
			const inserters, perInserter, scanners = 4, 1000, 2
			var (
				mu   sync.Mutex
				done []row
				wg   sync.WaitGroup
				stop = make(chan struct{})
				errs = make(chan error, inserters+scanners)
			)
			seed := seedRand(t).Int63()
			for g := 0; g < inserters; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					rng := rand.New(rand.NewSource(seed + int64(g)))
					for i := 0; i < perInserter; i++ {
						var r row
						switch rng.Intn(3) {
						case 0: // ascending keys: the rightmost page splits
							r.vals = [][]byte{i8(int64(g*perInserter + i)), []byte("asc")}
						default:
							r.vals = [][]byte{i8(int64(rng.Intn(500))), []byte{byte('a' + rng.Intn(26)), byte(rng.Intn(256))}}
						}
						r.tid = tidOf(g*perInserter + i)
						if err := ix.Insert(ctx, nil, r.vals, r.tid); err != nil {
							errs <- err
							return
						}
						mu.Lock()
						done = append(done, r)
						mu.Unlock()
					}
				}(g)
			}
			var swg sync.WaitGroup
			for s := 0; s < scanners; s++ {
				swg.Add(1)
				go func(s int) {
					defer swg.Done()
					rng := rand.New(rand.NewSource(seed - int64(s)))
					for {
						select {
						case <-stop:
							return
						default:
						}
						mu.Lock()
						before := append([]row(nil), done...)
						mu.Unlock()
						opts := ScanOptions{Backward: rng.Intn(2) == 0}
						lo := int64(rng.Intn(400))
						if rng.Intn(2) == 0 {
							opts.Lower = &Bound{Vals: [][]byte{i8(lo)}, Inclusive: true}
							opts.Upper = &Bound{Vals: [][]byte{i8(lo + 100)}, Inclusive: false}
						}
						if err := checkScan(ix, opts, before); err != nil {
							errs <- err
							return
						}
					}
				}(s)
			}
			wg.Wait()
			close(stop)
			swg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			must(t, ix.Check())
			want := map[base.ItemPointer][][]byte{}
			for _, r := range done {
				want[r.tid] = r.vals
			}
			must(t, ix.CheckHeap(want))
			must(t, e.pool.Check())
		})
	}
}

type scanError string

func (e scanError) Error() string { return string(e) }

// checkScan scans and checks order and completeness against rows that
// were inserted before it started.
func checkScan(ix *Index, opts ScanOptions, before []row) error {
	s, err := ix.NewScan(opts)
	if err != nil {
		return err
	}
	seen := map[base.ItemPointer]bool{}
	var last *Entry
	for e := s.Next(); e != nil; e = s.Next() {
		if last != nil {
			c := modelCmp(&ix.desc, row{last.Vals, last.TID}, row{e.Vals, e.TID})
			if (!opts.Backward && c >= 0) || (opts.Backward && c <= 0) {
				return scanError("scan out of order")
			}
		}
		if seen[e.TID] {
			return scanError("scan returned an entry twice")
		}
		seen[e.TID] = true
		last = e
	}
	if err := s.Err(); err != nil {
		return err
	}
	for _, r := range before {
		in := true
		if b := opts.Lower; b != nil && ix.desc.cmpPrefix(r.vals, b.Vals) < 0 {
			in = false
		}
		if b := opts.Upper; b != nil && ix.desc.cmpPrefix(r.vals, b.Vals) >= 0 {
			in = false
		}
		if in && !seen[r.tid] {
			return scanError("scan missed an entry inserted before it started")
		}
	}
	return nil
}
