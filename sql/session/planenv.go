package session

import (
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/mvcc"
	"github.com/tuskdb/tusk/sql/plan"
)

// The planner's environment (plan.Env): indexes, statistics, relation
// sizes and the cost settings of this session.

func init() {
	for _, n := range []string{"cpu_tuple_cost", "cpu_index_tuple_cost", "cpu_operator_cost"} {
		def(&setting{name: n, def: map[string]string{"cpu_tuple_cost": "0.01", "cpu_index_tuple_cost": "0.005", "cpu_operator_cost": "0.0025"}[n], check: floatSetting})
	}
	def(&setting{name: "effective_cache_size", def: "4GB"})
	def(&setting{name: "enable_memoize", def: "on", check: boolSetting})
	def(&setting{name: "hash_mem_multiplier", def: "2", check: floatSetting})
	def(&setting{name: "join_collapse_limit", def: "8"})
	def(&setting{name: "from_collapse_limit", def: "8"})
}

func floatSetting(v string) (string, error) {
	if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
		return "", nil
	}
	return strings.TrimSpace(v), nil
}

// planExec says which newer plan nodes the executor runs (STATUS.md of
// the executor's helper); the planner produces no others.
var planExec = plan.ExecSupport{IndexScan: true, IndexOnlyScan: true, ParamScan: true, BitmapScan: true, MergeJoin: true, Memoize: true}

func (s *Session) setting(name string) string {
	v, _ := s.Settings.Get(name)
	return v
}

func (s *Session) boolSetting(name string) bool {
	return strings.EqualFold(s.setting(name), "on")
}

func (s *Session) floatSetting(name string, def float64) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s.setting(name)), 64)
	if err != nil {
		return def
	}
	return f
}

// planSettings reads the planner's settings.
func (s *Session) planSettings() plan.Settings {
	st := plan.DefaultSettings()
	st.SeqPageCost = s.floatSetting("seq_page_cost", st.SeqPageCost)
	st.RandomPageCost = s.floatSetting("random_page_cost", st.RandomPageCost)
	st.CPUTupleCost = s.floatSetting("cpu_tuple_cost", st.CPUTupleCost)
	st.CPUIndexTupleCost = s.floatSetting("cpu_index_tuple_cost", st.CPUIndexTupleCost)
	st.CPUOperatorCost = s.floatSetting("cpu_operator_cost", st.CPUOperatorCost)
	st.HashMemMultiplier = s.floatSetting("hash_mem_multiplier", st.HashMemMultiplier)
	st.WorkMem = float64(s.workMem()) / 1024
	if v := strings.TrimSpace(s.setting("effective_cache_size")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			st.EffectiveCacheSize = float64(n) // in 8 kB pages
		} else if b, err := ParseMemory(v); err == nil && b > 0 {
			st.EffectiveCacheSize = float64(b / base.BlockSize)
		}
	}
	st.EnableSeqScan = s.boolSetting("enable_seqscan")
	st.EnableIndexScan = s.boolSetting("enable_indexscan")
	st.EnableIndexOnlyScan = s.boolSetting("enable_indexonlyscan")
	st.EnableBitmapScan = s.boolSetting("enable_bitmapscan")
	st.EnableHashJoin = s.boolSetting("enable_hashjoin")
	st.EnableMergeJoin = s.boolSetting("enable_mergejoin")
	st.EnableNestLoop = s.boolSetting("enable_nestloop")
	st.EnableSort = s.boolSetting("enable_sort")
	st.EnableHashAgg = s.boolSetting("enable_hashagg")
	st.EnableMaterial = s.boolSetting("enable_material")
	st.EnableMemoize = s.boolSetting("enable_memoize")
	if n, err := strconv.Atoi(strings.TrimSpace(s.setting("max_parallel_workers_per_gather"))); err == nil {
		st.MaxParallelWorkersPerGather = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s.setting("default_statistics_target"))); err == nil {
		st.DefaultStatisticsTarget = n
	}
	return st
}

// planEnv builds the planner's environment for a statement.
func (s *Session) planEnv(snap *mvcc.Snapshot) *plan.Env {
	env := &plan.Env{S: s.planSettings(), Exec: planExec}
	env.Indexes = func(rel *catalog.Relation) []*plan.IndexRef {
		ixs, err := s.indexesOf(snap, rel.OID)
		if err != nil {
			return nil
		}
		var out []*plan.IndexRef
		for _, ix := range ixs {
			if ix.Exprs != "" || ix.Pred != "" || ix.Rel == nil || ix.Rel.Name == "" {
				continue
			}
			bt, _, err := s.openIndex(rel, ix)
			if err != nil {
				continue
			}
			out = append(out, &plan.IndexRef{Rel: ix.Rel, Info: ix, Tree: bt})
		}
		return out
	}
	env.Stats = func(rel *catalog.Relation, attnum int16) *plan.ColStats {
		cs, err := s.inst.Catalog.ColumnStatsX(s.xact, snap, rel.OID, attnum)
		if err != nil || cs == nil {
			return nil
		}
		return &plan.ColStats{NullFrac: cs.NullFrac, AvgWidth: cs.AvgWidth, NDistinct: cs.NDistinct, MCVals: cs.MCVals,
			MCFreqs: cs.MCFreqs, Histogram: cs.Histogram, Correlation: cs.Correlation, HasCorrelation: cs.HasCorrelation}
	}
	env.Class = func(rel *catalog.Relation) (float64, float64, float64) {
		return float64(rel.Pages), rel.Tuples, float64(rel.AllVisible)
	}
	env.NBlocks = func(rel *catalog.Relation) float64 {
		n, err := s.inst.Pool.Smgr().NBlocks(rel.Node, base.MainFork)
		if err != nil {
			return -1
		}
		return float64(n)
	}
	return env
}
