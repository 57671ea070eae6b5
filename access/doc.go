// Package access groups Tusk's access methods: the ways a relation's pages
// are laid out and searched. Each lives in its own sub-package:
//
//   - access/tuple: the format of a row's payload (null bitmap and
//     attribute values), shared by every access method and the catalog.
//   - access/heap: the MVCC heap, PostgreSQL's heapam.
//   - access/btree: B-tree indexes (the index issue).
//
// Access methods sit between the catalog and the storage services they
// use (bufmgr, mvcc, wal); they import nothing above them.
package access
