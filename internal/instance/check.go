package instance

import (
	"strconv"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
)

// Check verifies the database on disk, like amcheck plus pg_checksums:
// after writing every dirty page, it reads every block of every relation
// file and verifies its header and checksum. It returns the first problem
// found, as a DataCorrupted error. Crash and fuzz tests call it last.
func (i *Instance) Check() error {
	if err := i.Checkpoint(false); err != nil {
		return err
	}
	names, err := i.FS.ReadDir(i.path("base"))
	if err != nil {
		return pgerr.Wrap(pgerr.IoError, err, "could not read directory %q: %v", i.path("base"), err)
	}
	page := make(bufmgr.Page, base.BlockSize)
	for _, n := range names {
		v, err := strconv.ParseUint(n, 10, 32)
		if err != nil {
			continue // other forks
		}
		node := base.RelFileNode{Rel: base.OID(v)}
		nb, err := i.Smgr.NBlocks(node, base.MainFork)
		if err != nil {
			return err
		}
		for b := base.BlockNumber(0); b < nb; b++ {
			tag := base.BufferTag{Node: node, Fork: base.MainFork, Block: b}
			if err := i.Smgr.Read(tag, page); err != nil {
				return err
			}
			if err := bufmgr.VerifyPage(page, b); err != nil {
				return err
			}
		}
	}
	return nil
}
