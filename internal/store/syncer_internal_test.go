package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// gatedStore holds its first write until gate is closed.
type gatedStore struct {
	Store
	once    sync.Once
	started chan struct{}
	gate    chan struct{}
}

func (g *gatedStore) Write(ctx context.Context, data []byte, expect Version) (Version, error) {
	first := false
	g.once.Do(func() { first = true })
	if first {
		close(g.started)
		<-g.gate
	}
	return g.Store.Write(ctx, data, expect)
}

func appendLine(line string) Change {
	return func(cur []byte, _, _ bool) ([]byte, error) {
		return append(append([]byte{}, cur...), line+"\n"...), nil
	}
}

// A caller that gives up after its change was applied to the document being
// written (its neighbours keep the write alive) may have its change written:
// it must be told so, never a plain "canceled".
func TestSyncerGivingUpWhileCarriedIsUncertain(t *testing.T) {
	loc, _ := ParseURL("file://" + filepath.Join(t.TempDir(), "networks.json"))
	g := &gatedStore{Store: NewFile(loc), started: make(chan struct{}), gate: make(chan struct{})}
	sy := NewSyncer(g, SyncerConfig{Coalesce: true, Backoff: Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}})
	errC := make(chan error, 1)
	go func() { errC <- sy.Mutate(context.Background(), appendLine("c")) }()
	<-g.started // C's write holds the drainer: A and B queue for the next round

	ctxA, cancelA := context.WithCancel(context.Background())
	defer cancelA()
	inChange, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	errA, errB := make(chan error, 1), make(chan error, 1)
	go func() {
		errA <- sy.Mutate(ctxA, func(cur []byte, _, _ bool) ([]byte, error) {
			once.Do(func() { close(inChange) })
			<-release
			return append(append([]byte{}, cur...), "a\n"...), nil
		})
	}()
	go func() { errB <- sy.Mutate(context.Background(), appendLine("b")) }()
	for {
		sy.mu.Lock()
		n := len(sy.pending)
		sy.mu.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(g.gate)
	<-inChange
	cancelA() // A gives up while its change is being applied
	err := <-errA
	close(release)
	var unc *UncertainError
	if !errors.As(err, &unc) || !errors.Is(err, context.Canceled) {
		t.Errorf("A: %v, want an UncertainError", err)
	}
	if err := <-errB; err != nil {
		t.Fatal(err)
	}
	if err := <-errC; err != nil {
		t.Fatal(err)
	}
	data, _, _ := g.Read(context.Background())
	if !strings.Contains(string(data), "a\n") {
		t.Errorf("document %q: the test meant A's change to land", data)
	}
}
