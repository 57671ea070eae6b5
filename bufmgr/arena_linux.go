//go:build linux

package bufmgr

import (
	"syscall"
	"unsafe"
)

// adviseHugePages asks the kernel to back the buffer arena with
// transparent huge pages where it is configured to on request
// ("madvise"): a point lookup touches a few random pages of a large pool,
// and with 4 KB pages each touch is a TLB miss. It is advice only; an
// error (an old kernel, THP off) changes nothing.
func adviseHugePages(arena []byte) {
	if len(arena) < hugePage {
		return
	}
	_ = syscall.Madvise(arena, 14 /* MADV_HUGEPAGE */)
}

const hugePage = 2 << 20

// newChunk allocates size bytes of page memory. A chunk of whole huge
// pages starts on a huge-page boundary (Go aligns large objects to 8 KB
// only; the slack before it is never touched when the memory is fresh),
// so all of it can be backed by huge pages; which ones a chunk gets
// otherwise depended on where it landed, and point lookups varied by 10 %
// from one process to the next.
func newChunk(size int) []byte {
	if size < hugePage || size%hugePage != 0 {
		return make([]byte, size)
	}
	buf := make([]byte, size+hugePage)
	off := (hugePage - int(uintptr(unsafe.Pointer(&buf[0]))%hugePage)) % hugePage
	chunk := buf[off : off+size : off+size]
	adviseHugePages(chunk)
	return chunk
}
