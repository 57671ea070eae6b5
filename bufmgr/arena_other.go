//go:build !linux

package bufmgr

func adviseHugePages([]byte) {}

func newChunk(size int) []byte { return make([]byte, size) }
