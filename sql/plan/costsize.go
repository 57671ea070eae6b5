package plan

import (
	"math"

	"github.com/tuskdb/tusk/sql/analyze"
)

// Cost formulas, after PostgreSQL's costsize.c and btcostestimate.

const (
	blockSize          = 8192
	pageHeaderSize     = 24
	heapTupleOverhead  = 28 // MAXALIGN(SizeofHeapTupleHeader) + sizeof(ItemIdData)
	heapTupleHdr       = 24 // MAXALIGN(SizeofHeapTupleHeader)
	defaultFillFactor  = 100
	indexTupleOverhead = 16 // IndexTupleData + ItemIdData, aligned
)

func maxAlign(n float64) float64 { return math.Ceil(n/8) * 8 }

// qualCost is cost_qual_eval: per-tuple cost of evaluating the clauses.
func (o *optimizer) qualCost(cs []analyze.Expr) (startup, perTuple float64) {
	for _, c := range cs {
		analyze.Walk(c, func(x analyze.Expr) bool {
			switch v := x.(type) {
			case *analyze.OpExpr, *analyze.FuncExpr, *analyze.NullIfExpr:
				perTuple += o.s.CPUOperatorCost
			case *analyze.Cast:
				if !binaryCompatible(v.Arg.Type(), v.T) {
					perTuple += o.s.CPUOperatorCost
				}
			case *analyze.ScalarArrayOpExpr:
				n := len(v.Elems)
				if v.Array != nil {
					n = 10
				}
				perTuple += o.s.CPUOperatorCost * float64(n) * 0.5
				// its operands are walked below; the operator itself counted here
				return true
			case *analyze.SubLink:
				perTuple += 10 * o.s.CPUOperatorCost
				return false
			}
			return true
		})
	}
	return startup, perTuple
}

// indexPagesFetched is index_pages_fetched (Mackert and Lohman).
func (o *optimizer) indexPagesFetched(tuplesFetched, pages, indexPages float64) float64 {
	T := pages
	if T <= 1 {
		T = 1
	}
	total := o.totalPages + indexPages
	if total < 1 {
		total = 1
	}
	b := o.s.EffectiveCacheSize * T / total
	if b <= 1 {
		b = 1
	} else {
		b = math.Ceil(b)
	}
	var pf float64
	if T <= b {
		pf = (2 * T * tuplesFetched) / (2*T + tuplesFetched)
		if pf >= T {
			pf = T
		} else {
			pf = math.Ceil(pf)
		}
	} else {
		lim := (2 * T * b) / (2*T - b)
		if tuplesFetched <= lim {
			pf = (2 * T * tuplesFetched) / (2*T + tuplesFetched)
		} else {
			pf = b + (tuplesFetched-lim)*(T-b)/T
		}
		pf = math.Ceil(pf)
	}
	return pf
}

// relationByteSize is relation_byte_size.
func relationByteSize(tuples float64, width int) float64 {
	return tuples * (maxAlign(float64(width)) + heapTupleHdr)
}

func pageSize(tuples float64, width int) float64 {
	return math.Ceil(relationByteSize(tuples, width) / blockSize)
}

// sortCost is cost_sort: startup and total over an input of the given
// cost; limit > 0 bounds the output (top-N heap sort).
func (o *optimizer) sortCost(inStartup, inTotal, tuples float64, width int, limit float64) (float64, float64) {
	_ = inStartup
	startup := inTotal
	run := 0.0
	if !o.s.EnableSort {
		startup += disableCost
	}
	inBytes := relationByteSize(tuples, width)
	memBytes := o.s.WorkMem * 1024
	if tuples < 2 {
		tuples = 2
	}
	cmp := 2 * o.s.CPUOperatorCost
	outTuples, outBytes := tuples, inBytes
	if limit > 0 && limit < tuples {
		outTuples = limit
		outBytes = relationByteSize(outTuples, width)
	}
	switch {
	case outBytes > memBytes:
		npages := math.Ceil(inBytes / blockSize)
		nruns := inBytes / memBytes
		mergeOrder := math.Floor((memBytes - 8192) / (8192*32 + 8192))
		if mergeOrder < 6 {
			mergeOrder = 6
		}
		if mergeOrder > 500 {
			mergeOrder = 500
		}
		startup += cmp * tuples * math.Log2(tuples)
		logRuns := 1.0
		if nruns > mergeOrder {
			logRuns = math.Ceil(math.Log(nruns) / math.Log(mergeOrder))
		}
		acc := 2 * npages * logRuns
		startup += acc * (o.s.SeqPageCost*0.75 + o.s.RandomPageCost*0.25)
	case tuples > 2*outTuples || inBytes > memBytes:
		startup += cmp * tuples * math.Log2(2*outTuples)
	default:
		startup += cmp * tuples * math.Log2(tuples)
	}
	run += o.s.CPUOperatorCost * tuples
	return startup, startup + run
}

// materialCost is cost_material.
func (o *optimizer) materialCost(inStartup, inTotal, tuples float64, width int) (float64, float64) {
	startup := inStartup
	run := inTotal - inStartup
	run += 2 * o.s.CPUOperatorCost * tuples
	nbytes := relationByteSize(tuples, width)
	if nbytes > o.s.WorkMem*1024 {
		run += o.s.SeqPageCost * math.Ceil(nbytes/blockSize)
	}
	return startup, startup + run
}

// limitCost applies LIMIT count / OFFSET offset (-1: absent) to an input.
func limitCost(startup, total, rows, count, offset float64) (float64, float64, float64) {
	if offset > 0 && rows > 0 {
		off := offset
		if off > rows {
			off = rows
		}
		startup += (total - startup) * off / rows
		rows -= off
		if rows < 1 {
			rows = 1
		}
	}
	if count >= 0 {
		n := count
		if n < 1 {
			n = 1
		}
		if rows > n {
			if rows > 0 {
				total = startup + (total-startup)*n/rows
			}
			rows = n
		}
	}
	return startup, total, clampRows(rows)
}

// hashTableSize is ExecChooseHashTableSize: buckets and batches.
func (o *optimizer) hashTableSize(tuples float64, width int) (nbuckets, nbatch float64) {
	tupsize := 16 + 16 + maxAlign(float64(width))
	innerBytes := tuples * tupsize
	hashBytes := o.s.WorkMem * 1024 * o.s.HashMemMultiplier
	maxPointers := hashBytes / 8
	mp2 := math.Pow(2, math.Floor(math.Log2(maxPointers)))
	if mp2 != maxPointers {
		maxPointers = mp2 / 2
	} else {
		maxPointers = mp2
	}
	db := math.Ceil(tuples)
	if db > maxPointers {
		db = maxPointers
	}
	if db < 1024 {
		db = 1024
	}
	nbuckets = math.Pow(2, math.Ceil(math.Log2(db)))
	nbatch = 1
	if innerBytes+nbuckets*8 > hashBytes {
		bucketBytes := hashBytes * 8 / (tupsize + 8) // space per bucket pointer
		_ = bucketBytes
		lbuckets := math.Pow(2, math.Floor(math.Log2(hashBytes/(tupsize+8))))
		if lbuckets > maxPointers {
			lbuckets = maxPointers
		}
		nbuckets = lbuckets
		bb := nbuckets * 8
		dbatch := math.Ceil(innerBytes / (hashBytes - bb))
		if dbatch < 2 {
			dbatch = 2
		}
		nbatch = math.Pow(2, math.Ceil(math.Log2(dbatch)))
	}
	return nbuckets, nbatch
}
