package instance

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/bufmgr"
	"github.com/tuskdb/tusk/catalog"
	"github.com/tuskdb/tusk/internal/base"
	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/mvcc"
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

// CheckCatalog verifies the catalog as a new snapshot sees it
// (catalog.Check: CK1, CK2) and the relation files against it (CK3):
// every table, index and sequence has its main fork file, and, when no
// other transaction is running, no file in base/ lacks a relation and
// the B-tree cache holds only existing indexes. The result lists the
// user indexes, for bt_index_check (the caller's, since opening a B-tree
// needs the session's key descriptors).
func (i *Instance) CheckCatalog() (*catalog.CheckResult, error) {
	x := i.Xacts.Begin(mvcc.XactOptions{ReadOnly: true})
	defer x.Abort()
	snap := i.Xacts.GetSnapshot(x)
	res, err := i.Catalog.Check(snap)
	if err != nil {
		return res, err
	}
	var problems []string
	for node, name := range res.Nodes {
		ok, err := i.Smgr.Exists(base.RelFileNode{Rel: node}, base.MainFork)
		if err != nil {
			return res, err
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("relation %q: file %d is missing", name, node))
		}
	}
	if quiescent := len(snap.Xip) == 0; quiescent {
		orphans, err := i.orphanFiles(res.Nodes)
		if err != nil {
			return res, err
		}
		for _, n := range orphans {
			problems = append(problems, fmt.Sprintf("file %d belongs to no relation", n))
		}
		i.idxMu.Lock()
		for node := range i.indexes {
			if _, ok := res.Nodes[node.Rel]; !ok {
				problems = append(problems, fmt.Sprintf("B-tree cache holds file %d, of no relation", node.Rel))
			}
		}
		i.idxMu.Unlock()
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return res, pgerr.New(pgerr.DataCorrupted, "relation files disagree with the catalog: %s", strings.Join(problems, "; "))
	}
	return res, nil
}

// orphanFiles lists the relfilenodes that have files in base/ (any fork)
// but are not in nodes.
func (i *Instance) orphanFiles(nodes map[base.OID]string) ([]base.OID, error) {
	names, err := i.FS.ReadDir(i.path("base"))
	if err != nil {
		return nil, pgerr.Wrap(pgerr.IoError, err, "could not read directory %q: %v", i.path("base"), err)
	}
	seen := map[base.OID]bool{}
	var out []base.OID
	for _, n := range names {
		v, err := strconv.ParseUint(trimFork(n), 10, 32)
		if err != nil {
			continue
		}
		o := base.OID(v)
		if _, ok := nodes[o]; !ok && !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out, nil
}

// removeOrphanFiles runs at the end of crash recovery, before any
// session (I5): it removes the files of relations no committed pg_class
// row names. Tusk's commit and abort records do not list the files to
// remove as PostgreSQL's do, so such files are left by a crash between
// a transaction's end and its unlinks, by transactions that were running
// at the crash (PostgreSQL leaves those), and by replay, which makes the
// files of dropped relations again from their WAL. The OID counter was
// already moved past them (C4).
func (i *Instance) removeOrphanFiles() error {
	x := i.Xacts.Begin(mvcc.XactOptions{ReadOnly: true})
	defer x.Abort()
	res, err := i.Catalog.Check(i.Xacts.GetSnapshot(x))
	if res == nil {
		return err // could not read the catalog
	}
	if err != nil {
		// An inconsistent catalog may name files wrongly: keep them all.
		i.opts.Logf("WARNING: %v; relation files left in place", err)
		return nil
	}
	orphans, err := i.orphanFiles(res.Nodes)
	if err != nil {
		return err
	}
	for _, o := range orphans {
		node := base.RelFileNode{Rel: o}
		i.Pool.DropRelation(node)
		if err := i.Smgr.Unlink(node); err != nil {
			return err
		}
	}
	return nil
}
