package bufmgr

// PinnedBuffers returns the ids of the buffers some goroutine has pinned.
// At quiescence (no statement running, no background work) it is empty:
// every pin was released (B1). Tests use it to show that a crashed or
// cancelled backend left no pin behind.
func (p *Pool) PinnedBuffers() []int {
	var ids []int
	for i := range p.bufs {
		b := &p.bufs[i]
		b.hdr.Lock()
		rc := b.refcount
		b.hdr.Unlock()
		if rc != 0 {
			ids = append(ids, i)
		}
	}
	return ids
}
