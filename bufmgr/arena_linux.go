//go:build linux

package bufmgr

import "syscall"

// adviseHugePages asks the kernel to back the buffer arena with
// transparent huge pages where it is configured to on request
// ("madvise"): a point lookup touches a few random pages of a large pool,
// and with 4 KB pages each touch is a TLB miss. It is advice only; an
// error (an old kernel, THP off) changes nothing.
func adviseHugePages(arena []byte) {
	const hugePage = 2 << 20
	if len(arena) < 2*hugePage {
		return
	}
	_ = syscall.Madvise(arena, 14 /* MADV_HUGEPAGE */)
}
