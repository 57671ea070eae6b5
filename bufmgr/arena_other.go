//go:build !linux

package bufmgr

func adviseHugePages([]byte) {}
