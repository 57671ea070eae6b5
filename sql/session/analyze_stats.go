package session

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/cockroachdb/apd/v3"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/sql/types"
)

// ANALYZE's sampling and per-column statistics, after PostgreSQL's
// analyze.c (acquire_sample_rows, compute_scalar_stats,
// compute_distinct_stats, compute_trivial_stats, analyze_mcv_list) and
// sampling.c (BlockSampler, reservoir_get_next_S). Invariants AZ1...AZ4
// in README.md.

// AnalyzeRandSeed gives the seed of each ANALYZE's random source; tests
// set it to make samples deterministic. Nil seeds from the runtime's
// random source (PostgreSQL's pg_global_prng_state).
var AnalyzeRandSeed func() uint64

func newAnalyzeRand() *rand.Rand {
	var seed uint64
	if AnalyzeRandSeed != nil {
		seed = AnalyzeRandSeed()
	} else {
		seed = rand.Uint64()
	}
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// randomFract is sampler_random_fract: uniform in (0, 1).
func randomFract(r *rand.Rand) float64 {
	for {
		if v := r.Float64(); v != 0 {
			return v
		}
	}
}

// blockSampler is Knuth's Algorithm S over the blocks 0..N-1, choosing n
// of them in order (BlockSampler).
type blockSampler struct {
	N, n, t, m int64
	r          *rand.Rand
}

func (bs *blockSampler) hasMore() bool { return bs.t < bs.N && bs.m < bs.n }

func (bs *blockSampler) next() int64 {
	K := bs.N - bs.t
	k := bs.n - bs.m
	if k >= K {
		bs.m++
		bs.t++
		return bs.t - 1
	}
	V := randomFract(bs.r)
	p := 1.0 - float64(k)/float64(K)
	for V < p {
		bs.t++
		K--
		p *= 1.0 - float64(k)/float64(K)
	}
	bs.m++
	bs.t++
	return bs.t - 1
}

// reservoir is Vitter's reservoir sampling state (ReservoirStateData).
type reservoir struct {
	W float64
	r *rand.Rand
}

func newReservoir(r *rand.Rand, n int) *reservoir {
	return &reservoir{W: math.Exp(-math.Log(randomFract(r)) / float64(n)), r: r}
}

// nextS is reservoir_get_next_S: how many records to skip before the next
// one that enters the reservoir, after t records were seen; Algorithm X
// while t <= 22n, then Algorithm Z.
func (rs *reservoir) nextS(t float64, n int) float64 {
	fn := float64(n)
	var S float64
	if t <= 22.0*fn {
		V := randomFract(rs.r)
		S = 0
		t++
		quot := (t - fn) / t
		for quot > V {
			S++
			t++
			quot *= (t - fn) / t
		}
		return S
	}
	W := rs.W
	term := t - fn + 1
	for {
		U := randomFract(rs.r)
		X := t * (W - 1.0)
		S = math.Floor(X)
		tmp := (t + 1) / term
		lhs := math.Exp(math.Log(((U*tmp*tmp)*(term+S))/(t+X)) / fn)
		rhs := (((t + X) / (term + S)) * term) / t
		if lhs <= rhs {
			W = rhs / lhs
			break
		}
		y := (((U * (t + 1)) / term) * (t + S + 1)) / (t + X)
		var denom, numerLim float64
		if fn < S {
			denom = t
			numerLim = term + S
		} else {
			denom = t - fn + S
			numerLim = t + 1
		}
		for numer := t + S; numer >= numerLim; numer-- {
			y *= numer / denom
			denom--
		}
		W = math.Exp(-math.Log(randomFract(rs.r)) / fn)
		if math.Exp(math.Log(y)/fn) <= (t+X)/t {
			break
		}
	}
	rs.W = W
	return S
}

// sampleTuple is one sampled row: its position and payload.
type sampleTuple struct {
	tid     base.ItemPointer
	payload []byte
}

// sampleSource reads blocks of the relation being analyzed.
type sampleSource interface {
	// block calls fn with each live tuple of block blk (payload valid
	// during the call only), and counts the dead ones.
	block(blk int64, fn func(tid base.ItemPointer, payload []byte)) (int, error)
}

// acquireSample is acquire_sample_rows: a two-stage sample of up to
// targrows live rows of a relation of nblocks blocks, sorted by position,
// and the estimated numbers of live and dead rows (AZ1).
func acquireSample(src sampleSource, nblocks int64, targrows int, r *rand.Rand) ([]sampleTuple, float64, float64, error) {
	bs := &blockSampler{N: nblocks, n: int64(targrows), r: r}
	rs := newReservoir(r, targrows)
	rows := make([]sampleTuple, 0, min(int64(targrows), nblocks*64+1))
	var liverows, deadrows, samplerows float64
	rowstoskip := -1.0
	replaced := false
	visit := func(tid base.ItemPointer, payload []byte) {
		liverows++
		if len(rows) < targrows {
			rows = append(rows, sampleTuple{tid, append([]byte(nil), payload...)})
		} else {
			if rowstoskip < 0 {
				rowstoskip = rs.nextS(samplerows, targrows)
			}
			if rowstoskip <= 0 {
				k := int(float64(targrows) * randomFract(r))
				rows[k] = sampleTuple{tid, append([]byte(nil), payload...)}
				replaced = true
			}
			rowstoskip--
		}
		samplerows++
	}
	for bs.hasMore() {
		dead, err := src.block(bs.next(), visit)
		if err != nil {
			return nil, 0, 0, err
		}
		deadrows += float64(dead)
	}
	if replaced {
		sort.Slice(rows, func(i, j int) bool { return rows[i].tid.Less(rows[j].tid) })
	}
	total, totalDead := 0.0, 0.0
	if bs.m > 0 {
		total = math.Floor(liverows/float64(bs.m)*float64(nblocks) + 0.5)
		totalDead = math.Floor(deadrows/float64(bs.m)*float64(nblocks) + 0.5)
	}
	return rows, total, totalDead, nil
}

// widthThreshold is WIDTH_THRESHOLD: wider values are left out of the
// MCV/histogram computation (counted as distinct).
const widthThreshold = 1024

// colAnalyzer is what compute_*_stats need of a column.
type colAnalyzer struct {
	attnum  int16
	typ     *types.T
	target  int      // attstattarget (default_statistics_target)
	eqOp    base.OID // 0: no equality (compute_trivial_stats)
	ltOp    base.OID // 0: no ordering (compute_distinct_stats)
	coll    base.OID
	values  []types.Datum // the column in the sample, sample order
	varlena bool
	failed  bool // a value did not decode (catalog columns only)
	// unpacked values were computed (index expressions), not read from
	// a heap tuple: their varlena header is 4 bytes (AZ3).
	unpacked bool
}

// varlenaSize is the size PostgreSQL's heap gives a value of a varlena
// type (VARSIZE_ANY of the stored datum: a 1-byte header up to 126 bytes
// of data, else 4), which is what stawidth averages (AZ3).
func varlenaSize(t *types.T, d types.Datum) int {
	var n int
	switch v := d.(type) {
	case string:
		n = len(v)
	case []byte:
		n = len(v)
	case *apd.Decimal:
		n = numericSize(v)
	case *types.Array:
		n = arraySize(v)
	default:
		n = len(types.Encode(t, d))
	}
	if n <= 126 {
		return n + 1
	}
	return n + 4
}

// numericSize is the data size of PostgreSQL's numeric: a 2-byte header
// (short form) or 4, and 2 bytes per base-10000 digit between the first
// and last nonzero ones.
func numericSize(d *apd.Decimal) int {
	if d.Form != apd.Finite || d.Coeff.Sign() == 0 {
		return 2
	}
	s := d.Coeff.String()
	trail := 0
	for trail < len(s)-1 && s[len(s)-1-trail] == '0' {
		trail++
	}
	hi := int64(len(s)-1) + int64(d.Exponent)
	lo := int64(d.Exponent) + int64(trail)
	fdiv := func(a int64) int64 {
		if a >= 0 {
			return a / 4
		}
		return -((-a + 3) / 4)
	}
	weight := fdiv(hi)
	ndig := int(weight - fdiv(lo) + 1)
	hdr := 2
	if types.NumericDScale(d) > 63 || weight < -64 || weight > 63 {
		hdr = 4
	}
	return hdr + 2*ndig
}

// arraySize is the data size (after the 4-byte header) of PostgreSQL's
// array: a header of 16+8*ndims bytes and the null bitmap, maxaligned,
// then each element aligned to its type's alignment (varlena elements
// with 4-byte headers, as construct_md_array leaves them).
func arraySize(a *types.Array) int {
	hdr := 16 + 8*len(a.Dims)
	for _, e := range a.Elems {
		if e == nil {
			hdr += (len(a.Elems) + 7) / 8
			break
		}
	}
	align := 1
	switch a.Elem.Align {
	case 's':
		align = 2
	case 'i':
		align = 4
	case 'd':
		align = 8
	}
	n := (hdr + 7) &^ 7
	for _, e := range a.Elems {
		if e == nil {
			continue
		}
		if a.Elem.Len > 0 {
			n += int(a.Elem.Len)
		} else {
			n += 4 + varlenaSize(a.Elem, e) - 1
			if w := varlenaSize(a.Elem, e); w > 127 {
				n -= 3
			}
		}
		n = (n + align - 1) / align * align
	}
	return n - 4
}

// compute fills the statistics of one column from the sample
// (std_typanalyze's choice of compute function); ok is false when the
// sample has no rows.
func (ca *colAnalyzer) compute(totalrows float64) (catalog.StatRow, bool) {
	switch {
	case ca.eqOp != 0 && ca.ltOp != 0:
		row, ok := ca.scalarStats(totalrows)
		if ok && ca.typ.IsArray() {
			ca.arrayElemStats(&row)
		}
		return row, ok
	case ca.eqOp != 0:
		return ca.distinctStats(totalrows)
	}
	return ca.trivialStats()
}

// scan counts NULLs and widths, and returns the values that are not NULL
// and not too wide.
func (ca *colAnalyzer) scan() (nullCnt, nonnullCnt, toowide int, totalWidth float64, vals []types.Datum) {
	for _, v := range ca.values {
		if v == nil {
			nullCnt++
			continue
		}
		nonnullCnt++
		if ca.varlena {
			w := varlenaSize(ca.typ, v)
			if ca.unpacked && w <= 127 {
				w += 3
			}
			totalWidth += float64(w)
			if w > widthThreshold {
				toowide++
				continue
			}
		}
		vals = append(vals, v)
	}
	return
}

func (ca *colAnalyzer) base(nullCnt, nonnullCnt int, totalWidth float64) catalog.StatRow {
	samplerows := len(ca.values)
	// stanullfrac and stadistinct are float4 in VacAttrStats, and later
	// steps compute with the rounded values (AZ2).
	row := catalog.StatRow{Attnum: ca.attnum, NullFrac: f4(float64(nullCnt) / float64(samplerows))}
	if ca.varlena {
		if nonnullCnt > 0 {
			row.Width = int32(totalWidth / float64(nonnullCnt))
		}
	} else {
		row.Width = int32(ca.typ.Len)
	}
	return row
}

func f4(v float64) float64 { return float64(float32(v)) }

// haasStokes is the Haas-Stokes Duj1 estimator of the number of distinct
// values, as compute_*_stats apply it: n sampled non-null values, d
// distinct among them, f1 seen exactly once, N non-null rows in the table.
func haasStokes(n, N float64, f1, d int) float64 {
	est := 0.0
	if N > 0 {
		est = (n * float64(d)) / ((n - float64(f1)) + float64(f1)*n/N)
	}
	if est < float64(d) {
		est = float64(d)
	}
	if est > N {
		est = N
	}
	return math.Floor(est + 0.5)
}

// analyzeMCVList is analyze_mcv_list: how many of the candidate MCVs
// (counts descending) are significantly more common than the rest.
func analyzeMCVList(counts []int, stadistinct, stanullfrac float64, samplerows int, totalrows float64) int {
	num := len(counts)
	if float64(samplerows) == totalrows || totalrows <= 1.0 {
		return num
	}
	ndistinctTable := stadistinct
	if ndistinctTable < 0 {
		ndistinctTable = -ndistinctTable * totalrows
	}
	sumcount := 0.0
	for i := 0; i < num-1; i++ {
		sumcount += float64(counts[i])
	}
	for num > 0 {
		selec := 1.0 - sumcount/float64(samplerows) - stanullfrac
		selec = math.Max(0, math.Min(1, selec))
		if other := ndistinctTable - float64(num-1); other > 1 {
			selec /= other
		}
		N, n := totalrows, float64(samplerows)
		K := N * float64(counts[num-1]) / n
		variance := n * K * (N - K) * (N - n) / (N * N * (N - 1))
		stddev := math.Sqrt(variance)
		if float64(counts[num-1]) > selec*float64(samplerows)+2*stddev+0.5 {
			break
		}
		num--
		if num == 0 {
			break
		}
		sumcount -= float64(counts[num-1])
	}
	return num
}

func (ca *colAnalyzer) trivialStats() (catalog.StatRow, bool) {
	nullCnt, nonnull, _, width, _ := ca.scan()
	if nullCnt+nonnull == 0 {
		return catalog.StatRow{}, false
	}
	row := ca.base(nullCnt, nonnull, width)
	row.Distinct = 0
	return row, true
}

func (ca *colAnalyzer) mcvSlot(vals []types.Datum, counts []int, samplerows int) catalog.StatSlot {
	freqs := make([]float64, len(counts))
	for i, c := range counts {
		freqs[i] = float64(c) / float64(samplerows)
	}
	return catalog.StatSlot{Kind: catalog.StatKindMCV, Op: ca.eqOp, Coll: ca.coll, Numbers: freqs, Values: vals, ValType: ca.typ}
}

func (ca *colAnalyzer) scaleDistinct(row *catalog.StatRow, totalrows float64) {
	if row.Distinct > 0.1*totalrows {
		row.Distinct = f4(-(row.Distinct / totalrows))
	}
}

// distinctStats is compute_distinct_stats: for types with "=" but no
// ordering.
func (ca *colAnalyzer) distinctStats(totalrows float64) (catalog.StatRow, bool) {
	samplerows := len(ca.values)
	numMCV := ca.target
	trackMax := 2 * numMCV
	type item struct {
		v     types.Datum
		count int
	}
	var track []item
	nullCnt, nonnull, toowide, width, vals := ca.scan()
	for _, v := range vals {
		match := -1
		firstcount1 := len(track)
		for j := range track {
			if types.Equal(ca.typ, v, track[j].v) {
				match = j
				break
			}
			if j < firstcount1 && track[j].count == 1 {
				firstcount1 = j
			}
		}
		if match >= 0 {
			j := match
			track[j].count++
			for j > 0 && track[j].count > track[j-1].count {
				track[j], track[j-1] = track[j-1], track[j]
				j--
			}
			continue
		}
		if len(track) < trackMax {
			track = append(track, item{})
		}
		for j := len(track) - 1; j > firstcount1; j-- {
			track[j] = track[j-1]
		}
		if firstcount1 < len(track) {
			track[firstcount1] = item{v, 1}
		}
	}
	if nonnull == 0 {
		if nullCnt == 0 {
			return catalog.StatRow{}, false
		}
		row := ca.base(nullCnt, nonnull, width)
		row.NullFrac = 1
		return row, true
	}
	row := ca.base(nullCnt, nonnull, width)
	nmultiple, summultiple := 0, 0
	for nmultiple < len(track) && track[nmultiple].count > 1 {
		summultiple += track[nmultiple].count
		nmultiple++
	}
	switch {
	case nmultiple == 0:
		row.Distinct = f4(-1.0 * (1.0 - row.NullFrac))
	case len(track) < trackMax && toowide == 0 && nmultiple == len(track):
		row.Distinct = float64(len(track))
	default:
		f1 := nonnull - summultiple
		row.Distinct = f4(haasStokes(float64(samplerows-nullCnt), totalrows*(1.0-row.NullFrac), f1, f1+nmultiple))
	}
	ca.scaleDistinct(&row, totalrows)
	if len(track) < trackMax && toowide == 0 && row.Distinct > 0 && len(track) <= numMCV {
		numMCV = len(track)
	} else {
		numMCV = min(numMCV, len(track))
		if numMCV > 0 {
			counts := make([]int, numMCV)
			for i := range counts {
				counts[i] = track[i].count
			}
			numMCV = analyzeMCVList(counts, row.Distinct, row.NullFrac, samplerows, totalrows)
		}
	}
	if numMCV > 0 {
		mv := make([]types.Datum, numMCV)
		counts := make([]int, numMCV)
		for i := range mv {
			mv[i], counts[i] = track[i].v, track[i].count
		}
		row.Slots = append(row.Slots, ca.mcvSlot(mv, counts, samplerows))
	}
	return row, true
}

// scalarStats is compute_scalar_stats: for types with an ordering.
func (ca *colAnalyzer) scalarStats(totalrows float64) (catalog.StatRow, bool) {
	samplerows := len(ca.values)
	numMCV, numBins := ca.target, ca.target
	nullCnt, nonnull, toowide, width, vals := ca.scan()
	if len(vals) == 0 {
		if nonnull > 0 { // all too wide
			row := ca.base(nullCnt, nonnull, width)
			row.Distinct = f4(-1.0 * (1.0 - row.NullFrac))
			return row, true
		}
		if nullCnt > 0 {
			row := ca.base(nullCnt, nonnull, width)
			row.NullFrac = 1
			return row, true
		}
		return catalog.StatRow{}, false
	}
	// Sort by value, ties by sample position (tupno).
	type scalarItem struct {
		v     types.Datum
		tupno int
	}
	items := make([]scalarItem, len(vals))
	for i, v := range vals {
		items[i] = scalarItem{v, i}
	}
	typ := ca.typ
	sort.Slice(items, func(i, j int) bool {
		if c := types.Compare(typ, items[i].v, items[j].v); c != 0 {
			return c < 0
		}
		return items[i].tupno < items[j].tupno
	})
	type mcvItem struct{ count, first int }
	var track []mcvItem
	ndistinct, nmultiple, dups := 0, 0, 0
	corrXYSum := 0.0
	n := len(items)
	for i := range items {
		corrXYSum += float64(i) * float64(items[i].tupno)
		dups++
		if i == n-1 || types.Compare(typ, items[i].v, items[i+1].v) != 0 {
			ndistinct++
			if dups > 1 {
				nmultiple++
				if len(track) < numMCV || dups > track[len(track)-1].count {
					if len(track) < numMCV {
						track = append(track, mcvItem{})
					}
					j := len(track) - 1
					for ; j > 0; j-- {
						if dups <= track[j-1].count {
							break
						}
						track[j] = track[j-1]
					}
					track[j] = mcvItem{dups, i + 1 - dups}
				}
			}
			dups = 0
		}
	}
	row := ca.base(nullCnt, nonnull, width)
	switch {
	case nmultiple == 0:
		row.Distinct = f4(-1.0 * (1.0 - row.NullFrac))
	case toowide == 0 && nmultiple == ndistinct:
		row.Distinct = float64(ndistinct)
	default:
		f1 := ndistinct - nmultiple + toowide
		row.Distinct = f4(haasStokes(float64(samplerows-nullCnt), totalrows*(1.0-row.NullFrac), f1, f1+nmultiple))
	}
	ca.scaleDistinct(&row, totalrows)

	if len(track) == ndistinct && toowide == 0 && row.Distinct > 0 && len(track) <= numMCV {
		numMCV = len(track)
	} else {
		numMCV = min(numMCV, len(track))
		if numMCV > 0 {
			counts := make([]int, numMCV)
			for i := range counts {
				counts[i] = track[i].count
			}
			numMCV = analyzeMCVList(counts, row.Distinct, row.NullFrac, samplerows, totalrows)
		}
	}
	track = track[:numMCV]
	if numMCV > 0 {
		mv := make([]types.Datum, numMCV)
		counts := make([]int, numMCV)
		for i, t := range track {
			mv[i], counts[i] = items[t.first].v, t.count
		}
		row.Slots = append(row.Slots, ca.mcvSlot(mv, counts, samplerows))
	}

	numHist := ndistinct - numMCV
	if numHist > numBins {
		numHist = numBins + 1
	}
	if numHist >= 2 {
		// Take the MCVs out of the sorted values, then pick evenly spaced
		// bounds, the first and the last included.
		byPos := append([]mcvItem(nil), track...)
		sort.Slice(byPos, func(i, j int) bool { return byPos[i].first < byPos[j].first })
		rest := make([]types.Datum, 0, n)
		src, j := 0, 0
		for src < n {
			if j < len(byPos) && src >= byPos[j].first {
				src = byPos[j].first + byPos[j].count
				j++
				continue
			}
			end := n
			if j < len(byPos) {
				end = byPos[j].first
			}
			for ; src < end; src++ {
				rest = append(rest, items[src].v)
			}
		}
		nvals := len(rest)
		hist := make([]types.Datum, numHist)
		delta := (nvals - 1) / (numHist - 1)
		deltafrac := (nvals - 1) % (numHist - 1)
		pos, posfrac := 0, 0
		for i := range hist {
			hist[i] = rest[pos]
			pos += delta
			posfrac += deltafrac
			if posfrac >= numHist-1 {
				pos++
				posfrac -= numHist - 1
			}
		}
		row.Slots = append(row.Slots, catalog.StatSlot{Kind: catalog.StatKindHistogram, Op: ca.ltOp, Coll: ca.coll, Values: hist, ValType: ca.typ})
	}

	if n > 1 {
		fn := float64(n)
		xsum := (fn - 1) * fn / 2.0
		x2sum := (fn - 1) * fn * (2*fn - 1) / 6.0
		corr := (fn*corrXYSum - xsum*xsum) / (fn*x2sum - xsum*xsum)
		row.Slots = append(row.Slots, catalog.StatSlot{Kind: catalog.StatKindCorrelation, Op: ca.ltOp, Coll: ca.coll, Numbers: []float64{corr}})
	}
	return row, true
}

// arrayWidthThreshold is ARRAY_WIDTH_THRESHOLD: larger arrays are left
// out of the element statistics.
const arrayWidthThreshold = 0x1000

// arrayElemStats is compute_array_stats' addition to an array column's
// scalar statistics: the most common elements (MCELEM, found with the
// Lossy Counting algorithm) and the histogram of distinct-element counts
// per array (DECHIST), PostgreSQL's array_typanalyze.
func (ca *colAnalyzer) arrayElemStats(row *catalog.StatRow) {
	elem := ca.typ.Elem
	eq, _ := statOperators(elem)
	if eq == 0 {
		return
	}
	numMCElem := ca.target * 10
	bucketWidth := numMCElem * 1000 / 7
	type trackItem struct {
		key           types.Datum
		frequency     int64
		delta         int64
		lastContainer int
	}
	tab := map[uint64][]*trackItem{}
	lookup := func(v types.Datum) (*trackItem, bool) {
		h := types.Hash(elem, v)
		for _, it := range tab[h] {
			if types.Equal(elem, it.key, v) {
				return it, true
			}
		}
		it := &trackItem{key: v}
		tab[h] = append(tab[h], it)
		return it, false
	}
	prune := func(b int64) {
		for h, list := range tab {
			kept := list[:0]
			for _, it := range list {
				if it.frequency+it.delta > b {
					kept = append(kept, it)
				}
			}
			if len(kept) == 0 {
				delete(tab, h)
			} else {
				tab[h] = kept
			}
		}
	}
	counts := map[int]int64{} // distinct elements per array -> arrays
	bCurrent := int64(1)
	var elementNo int64
	analyzed, nullElemCnt := 0, 0
	for arrayNo, v := range ca.values {
		a, ok := v.(*types.Array)
		if !ok {
			continue
		}
		if arraySize(a)+4 > arrayWidthThreshold {
			continue
		}
		analyzed++
		prev := elementNo
		nullPresent := false
		for _, e := range a.Elems {
			if e == nil {
				nullPresent = true
				continue
			}
			it, found := lookup(e)
			if found {
				if it.lastContainer == arrayNo {
					continue
				}
				it.frequency++
				it.lastContainer = arrayNo
			} else {
				it.frequency, it.delta, it.lastContainer = 1, bCurrent-1, arrayNo
			}
			elementNo++
			if elementNo%int64(bucketWidth) == 0 {
				prune(bCurrent)
				bCurrent++
			}
		}
		if nullPresent {
			nullElemCnt++
		}
		counts[int(elementNo-prev)]++
	}
	if analyzed == 0 || len(row.Slots) > catalog.StatSlots-2 {
		return
	}
	nonnull := float64(analyzed)
	cutoff := 9 * elementNo / int64(bucketWidth)
	var sortTable []*trackItem
	minfreq, maxfreq := elementNo, int64(0)
	for _, list := range tab {
		for _, it := range list {
			if it.frequency > cutoff {
				sortTable = append(sortTable, it)
				minfreq = min(minfreq, it.frequency)
				maxfreq = max(maxfreq, it.frequency)
			}
		}
	}
	if numMCElem < len(sortTable) {
		sort.SliceStable(sortTable, func(i, j int) bool { return sortTable[i].frequency > sortTable[j].frequency })
		minfreq = sortTable[numMCElem-1].frequency
		sortTable = sortTable[:numMCElem]
	}
	if len(sortTable) > 0 {
		sort.Slice(sortTable, func(i, j int) bool { return types.Compare(elem, sortTable[i].key, sortTable[j].key) < 0 })
		vals := make([]types.Datum, len(sortTable))
		freqs := make([]float64, 0, len(sortTable)+3)
		for i, it := range sortTable {
			vals[i] = it.key
			freqs = append(freqs, float64(it.frequency)/nonnull)
		}
		freqs = append(freqs, float64(minfreq)/nonnull, float64(maxfreq)/nonnull, float64(nullElemCnt)/nonnull)
		coll := base.OID(0)
		if elem.Category == 'S' {
			coll = 100
		}
		row.Slots = append(row.Slots, catalog.StatSlot{Kind: catalog.StatKindMCElem, Op: eq, Coll: coll, Numbers: freqs, Values: vals, ValType: elem})
	}
	if len(counts) > 0 {
		numHist := max(ca.target, 2)
		type decItem struct {
			count     int
			frequency int64
		}
		var sorted []decItem
		for c, f := range counts {
			sorted = append(sorted, decItem{c, f})
		}
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].count < sorted[j].count })
		hist := make([]float64, numHist+1)
		hist[numHist] = float64(elementNo) / nonnull
		delta := int64(analyzed - 1)
		j := 0
		frac := sorted[0].frequency * int64(numHist-1)
		for i := 0; i < numHist; i++ {
			for frac <= 0 {
				j++
				frac += sorted[j].frequency * int64(numHist-1)
			}
			hist[i] = float64(sorted[j].count)
			frac -= delta
		}
		coll := base.OID(0)
		if elem.Category == 'S' {
			coll = 100
		}
		row.Slots = append(row.Slots, catalog.StatSlot{Kind: catalog.StatKindDECHist, Op: eq, Coll: coll, Numbers: hist})
	}
}
