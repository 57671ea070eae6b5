package plan

import (
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/sql/types"
)

// Env is what the cost-based planner knows of the database besides the
// query: the indexes of a relation, column statistics, relation sizes and
// the planner settings. The session builds it per statement (planenv.go);
// a nil Env plans as if every relation were never analyzed and had no
// index.
type Env struct {
	// Indexes returns the usable indexes of a table (nil: none).
	Indexes func(rel *catalog.Relation) []*IndexRef
	// Stats returns a column's statistics (pg_statistic), nil when the
	// column was never analyzed.
	Stats func(rel *catalog.Relation, attnum int16) *ColStats
	// Class returns a relation's pg_class size fields: relpages,
	// reltuples (-1: never vacuumed or analyzed) and relallvisible.
	Class func(rel *catalog.Relation) (pages float64, tuples float64, allVisible float64)
	// NBlocks returns the relation's current size in blocks (smgr).
	NBlocks func(rel *catalog.Relation) float64
	// TreeHeight returns a B-tree's height (levels above the leaves);
	// nil or -1: estimated from its size.
	TreeHeight func(ix *IndexRef) int
	// Params are the values of $1, $2... of the execution being planned
	// (a custom plan, PostgreSQL's plancache): selectivity estimates use
	// them like constants, but the plan still reads $n when it runs, so
	// it returns right rows for any values. Nil: a generic plan.
	Params []types.Datum

	S Settings
	// Exec lists the plan nodes the executor runs; the planner never
	// produces the others (see doc.go P5).
	Exec ExecSupport
}

// ExecSupport says which of the newer plan nodes the executor can run.
type ExecSupport struct {
	IndexScan     bool
	IndexOnlyScan bool
	BitmapScan    bool
	MergeJoin     bool
	Memoize       bool
	// ParamScan: a NestLoop.Lateral whose inner side is a parameterized
	// IndexScan (ScanKey.Arg reading the outer row).
	ParamScan bool
}

// ColStats is one column's statistics (catalog.ColumnStats, decoded
// pg_statistic), as the planner reads them.
type ColStats struct {
	NullFrac       float64
	AvgWidth       int32
	NDistinct      float64 // >0 count, <0 minus a fraction of rows, 0 unknown
	MCVals         []types.Datum
	MCFreqs        []float64
	Histogram      []types.Datum
	Correlation    float64
	HasCorrelation bool
}

// Settings are the planner's configuration parameters (PostgreSQL's GUCs
// of the same names).
type Settings struct {
	SeqPageCost        float64
	RandomPageCost     float64
	CPUTupleCost       float64
	CPUIndexTupleCost  float64
	CPUOperatorCost    float64
	EffectiveCacheSize float64 // in 8 kB pages
	WorkMem            float64 // in kB
	HashMemMultiplier  float64

	EnableSeqScan       bool
	EnableIndexScan     bool
	EnableIndexOnlyScan bool
	EnableBitmapScan    bool
	EnableHashJoin      bool
	EnableMergeJoin     bool
	EnableNestLoop      bool
	EnableSort          bool
	EnableHashAgg       bool
	EnableMaterial      bool
	EnableMemoize       bool

	MaxParallelWorkersPerGather int
	DefaultStatisticsTarget     int
}

// DefaultSettings are PostgreSQL 15's defaults.
func DefaultSettings() Settings {
	return Settings{
		SeqPageCost: 1, RandomPageCost: 4, CPUTupleCost: 0.01, CPUIndexTupleCost: 0.005, CPUOperatorCost: 0.0025,
		EffectiveCacheSize: 524288, WorkMem: 4096, HashMemMultiplier: 2,
		EnableSeqScan: true, EnableIndexScan: true, EnableIndexOnlyScan: true, EnableBitmapScan: true,
		EnableHashJoin: true, EnableMergeJoin: true, EnableNestLoop: true, EnableSort: true, EnableHashAgg: true,
		EnableMaterial: true, EnableMemoize: true,
		MaxParallelWorkersPerGather: 2, DefaultStatisticsTarget: 100,
	}
}

// disableCost is added to the cost of a path an enable_* setting turns
// off, as PostgreSQL's disable_cost.
const disableCost = 1.0e10

func (e *Env) settings() *Settings { return &e.S }
