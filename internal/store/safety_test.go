package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
)

// hooked wraps a store and lets a test decide, per write (numbered from 1),
// what happens: onWrite runs before the write with its number and data and
// returns the error to fail with (nil lets it through); landed, when it
// returns true for that number, lets the write land before failing it.
type hooked struct {
	store.Store
	mu      sync.Mutex
	n       int
	onWrite func(ctx context.Context, n int, data []byte) error
	landed  func(n int) bool
}

func (h *hooked) Write(ctx context.Context, data []byte, expect store.Version) (store.Version, error) {
	h.mu.Lock()
	h.n++
	n := h.n
	h.mu.Unlock()
	fail := h.onWrite(ctx, n, data)
	if fail == nil {
		return h.Store.Write(ctx, data, expect)
	}
	if h.landed != nil && h.landed(n) {
		if _, err := h.Store.Write(ctx, data, expect); err != nil {
			return store.Version{}, err
		}
	}
	return store.Version{}, fail
}

func rateLimited(after time.Duration) error {
	return &store.TransientError{Err: errors.New("429 rate limited"), Rejected: true, RetryAfter: after}
}

// A change that joins a coalesced round late is bound by its own context
// only: the end of the first caller's operation must not cancel its write.
func TestSyncerLateJoinerOutlivesFirstCaller(t *testing.T) {
	inner := fileStore(t)
	ctxA, cancelA := context.WithCancel(context.Background())
	defer cancelA()
	bJoined := make(chan bool, 1)
	h := &hooked{Store: inner}
	h.onWrite = func(_ context.Context, n int, data []byte) error {
		switch n {
		case 1:
			// Long enough a pause for B to queue and join the retry.
			return rateLimited(200 * time.Millisecond)
		case 2:
			bJoined <- bytes.Contains(data, []byte("b\n"))
			cancelA() // A's operation ends (its timeout, or its own failure)
			return rateLimited(time.Millisecond)
		}
		return nil
	}
	sy := store.NewSyncer(h, store.SyncerConfig{Coalesce: true, Backoff: fast})
	errA := make(chan error, 1)
	go func() { errA <- sy.Mutate(ctxA, addLine("a")) }()
	// B arrives while A's first write is being retried.
	for h.count() < 1 {
		time.Sleep(time.Millisecond)
	}
	ctxB, cancelB := context.WithTimeout(context.Background(), time.Minute)
	defer cancelB()
	errB := make(chan error, 1)
	go func() { errB <- sy.Mutate(ctxB, addLine("b")) }()
	if !<-bJoined {
		t.Fatal("B did not join A's retry; the test did not set up what it means to")
	}
	if err := <-errB; err != nil {
		t.Fatalf("B failed although its own context was live: %v", err)
	}
	if err := <-errA; !errors.Is(err, context.Canceled) {
		t.Errorf("A: %v, want its own cancellation", err)
	}
	data, _, _ := inner.Read(context.Background())
	if string(data) != "b\n" {
		t.Errorf("document %q, want B's line only", data)
	}
}

func (h *hooked) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// A caller whose context ends while its write is under way may have had
// its change written: the error must say so.
func TestSyncerWriteCutShortIsUncertain(t *testing.T) {
	for _, coalesce := range []bool{false, true} {
		inner := fileStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		h := &hooked{Store: inner}
		h.onWrite = func(wctx context.Context, _ int, _ []byte) error {
			cancel() // the caller gives up while the request is in flight
			<-wctx.Done()
			return wctx.Err()
		}
		sy := store.NewSyncer(h, store.SyncerConfig{Coalesce: coalesce, Backoff: fast})
		err := sy.Mutate(ctx, addLine("a"))
		var unc *store.UncertainError
		if !errors.As(err, &unc) || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "may have landed") {
			t.Errorf("coalesce=%v: %v, want an UncertainError wrapping the cancellation", coalesce, err)
		}
		cancel()
	}
}

// A write that landed but whose response was lost still gets its AfterWrite
// step (the CDN purge) when the retry finds the document already as wanted.
func TestSyncerPurgesAfterLandedWriteWithLostResponse(t *testing.T) {
	for _, coalesce := range []bool{false, true} {
		inner := fileStore(t)
		h := &hooked{Store: inner, landed: func(n int) bool { return n == 1 }}
		h.onWrite = func(_ context.Context, n int, _ []byte) error {
			if n == 1 {
				return &store.TransientError{Err: errors.New("connection reset after the upload")}
			}
			return nil
		}
		var purges atomic.Int64
		sy := store.NewSyncer(h, store.SyncerConfig{Coalesce: coalesce, Backoff: fast, AfterWrite: func(context.Context) error {
			purges.Add(1)
			return nil
		}})
		if err := sy.Mutate(context.Background(), addLine("mine")); err != nil {
			t.Fatal(err)
		}
		data, _, _ := inner.Read(context.Background())
		if string(data) != "mine\n" || purges.Load() != 1 {
			t.Errorf("coalesce=%v: document %q, purges %d; want \"mine\\n\" and 1 purge", coalesce, data, purges.Load())
		}
	}
}

// A slow AfterWrite step (a CDN purge with retries) must not hold the changes
// queued behind it: the next write goes ahead while it runs.
func TestSyncerSlowAfterWriteHoldsNoQueuedChange(t *testing.T) {
	inner := fileStore(t)
	release := make(chan struct{})
	var calls atomic.Int64
	sy := store.NewSyncer(inner, store.SyncerConfig{Coalesce: true, Backoff: fast, AfterWrite: func(ctx context.Context) error {
		if calls.Add(1) == 1 {
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}})
	errA := make(chan error, 1)
	go func() { errA <- sy.Mutate(context.Background(), addLine("a")) }()
	for calls.Load() < 1 {
		time.Sleep(time.Millisecond)
	}
	// A's purge is under way and will not end until B is done.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sy.Mutate(ctx, addLine("b")); err != nil {
		t.Fatalf("B waited for A's purge: %v", err)
	}
	close(release)
	if err := <-errA; err != nil {
		t.Fatal(err)
	}
	data, _, _ := inner.Read(context.Background())
	if got := lines(data); len(got) != 2 {
		t.Errorf("document %q", data)
	}
}

// The provider must never write a document it cannot read back.
func TestSyncerRefusesDocumentOverTheReadLimit(t *testing.T) {
	inner := fileStore(t)
	sy := store.NewSyncer(inner, store.SyncerConfig{Coalesce: true, Backoff: fast})
	if err := sy.Mutate(context.Background(), addLine("small")); err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("x", store.MaxDocumentSize)
	err := sy.Mutate(context.Background(), addLine(huge))
	if err == nil || !strings.Contains(err.Error(), "more than the 8388608 bytes") {
		t.Fatalf("error %v, want a refusal naming the limit", err)
	}
	data, _, err := inner.Read(context.Background())
	if err != nil || string(data) != "small\n" {
		t.Errorf("document after the refusal: %d bytes, %v", len(data), err)
	}
}

// Removing something from an absent document writes nothing.
func TestSyncerUnchangedAbsentDocumentIsNotCreated(t *testing.T) {
	inner := fileStore(t)
	sy := store.NewSyncer(inner, store.SyncerConfig{Backoff: fast})
	keepAbsent := func(cur []byte, exists, _ bool) ([]byte, error) { return cur, nil }
	if err := sy.Mutate(context.Background(), keepAbsent); err != nil {
		t.Fatal(err)
	}
	if _, v, _ := inner.Read(context.Background()); v.Exists || sy.Stats().Writes != 0 {
		t.Errorf("an absent document was created: %v, %d writes", v, sy.Stats().Writes)
	}
}
