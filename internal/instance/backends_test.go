package instance

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tuskdb/tusk/vfs"
)

// BK1-BK3: pids are unique among live backends and reused only after
// their backend left; the WAL writer is registered; Cancel reaches only a
// running statement; Terminate marks, cancels and calls the owner's hook;
// Done closes when the backend leaves.
func TestBackendTable(t *testing.T) {
	i := open(t, vfs.NewMem())
	defer i.Close()
	r := i.Backends()
	list := r.List()
	require.Len(t, list, 1)
	require.Equal(t, WALWriterBackend, list[0].Type)
	require.Equal(t, "WalWriterMain", list[0].WaitEvent)
	require.Empty(t, list[0].State)

	a := r.Register(ClientBackend)
	b := r.Register(ClientBackend)
	require.NotEqual(t, a.PID, b.PID)
	require.Greater(t, a.PID, int32(0))
	require.Same(t, a, r.Lookup(a.PID))
	require.Equal(t, StateIdle, a.Status().State)

	var cause error
	a.Cancel() // idle: nothing to cancel
	a.StartStatement("SELECT 1", nil, true, func(err error) { cause = err })
	st := a.Status()
	require.Equal(t, StateActive, st.State)
	require.Equal(t, "SELECT 1", st.Query)
	require.False(t, st.XactStart.IsZero())
	a.Cancel()
	require.Equal(t, ErrCanceled, cause)
	a.Idle(StateIdle, nil, 0)
	require.True(t, a.Status().XactStart.IsZero())

	hooked := false
	b.SetOnTerminate(func() { hooked = true; b.Unregister() })
	b.Terminate()
	require.True(t, hooked)
	require.True(t, b.Terminated())
	<-b.Done()
	require.Nil(t, r.Lookup(b.PID))
	c := r.Register(ClientBackend)
	require.NotEqual(t, a.PID, c.PID)
	require.Len(t, r.List(), 3)
	a.Unregister()
	a.Unregister() // twice is harmless
	c.Unregister()
	require.NoError(t, i.CheckNoPins())
}
