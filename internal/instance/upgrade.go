package instance

import (
	"context"

	"github.com/tuskdb/tusk/mvcc"
)

// upgradeCatalog gives a database made by an older build the system
// catalogs this build has (catalog.EnsureSystemTables), in a transaction
// of its own, before any session starts.
func (i *Instance) upgradeCatalog() error {
	x := i.Xacts.Begin(mvcc.XactOptions{SynchronousCommit: true})
	changed, err := i.Catalog.EnsureSystemTables(context.Background(), x, i.Xacts.GetSnapshot(x))
	if err != nil || !changed {
		x.Abort()
		for _, node := range i.Catalog.XactDone(x, false) {
			i.Heap.Forget(node)
			i.Pool.DropRelation(node)
			_ = i.Smgr.Unlink(node)
		}
		return err
	}
	i.Catalog.PreCommit(x)
	if err := x.Commit(); err != nil {
		return err
	}
	i.Catalog.XactDone(x, true)
	return nil
}
