package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
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

// The canonical form is what ids and state hold: it must parse back to the
// same location whatever characters the path has.
func TestCanonicalURLRoundTrips(t *testing.T) {
	for _, in := range []string{
		"file:///tmp/100%25.json", "file:///tmp/a%3Fb.json", "file:///tmp/a%23b.json",
		"file:///tmp/with%20space/n.json", "file:///tmp/line%0Abreak.json", "file:///tmp/caf%C3%A9.json", "file://localhost/tmp/x/../y.json",
		"gs://sm-discovery/100%25/n.json", "gs://sm-discovery/a%3Fb%23c.json", "gs://sm-discovery/a%20b.json",
	} {
		loc, err := store.ParseURL(in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", in, err)
			continue
		}
		again, err := store.ParseURL(loc.String())
		if err != nil || again != loc {
			t.Errorf("%q: canonical %q parses to %+v, %v; want %+v", in, loc.String(), again, err, loc)
		}
		if again.String() != loc.String() {
			t.Errorf("%q: canonical form not stable: %q then %q", in, loc.String(), again.String())
		}
	}
}

// A document reached through a symbolic link is the file the link points to:
// it is replaced in its own directory under its own lock, and the link stays.
func TestFileThroughSymlinkWritesTheTarget(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "real", "networks.json")
	if err := os.WriteFile(target, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(filepath.Join("real", "networks.json"), link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.json")
	if err := os.Symlink(filepath.Join(dir, "real", "new.json"), dangling); err != nil {
		t.Fatal(err)
	}
	for path, wantTarget := range map[string]string{link: target, dangling: filepath.Join(dir, "real", "new.json")} {
		loc, _ := store.ParseURL("file://" + path)
		sy := store.NewSyncer(store.NewFile(loc), store.SyncerConfig{Backoff: fast})
		if err := sy.Mutate(context.Background(), addLine("new")); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symbolic link: %v %v", path, st.Mode(), err)
		}
		if got, _ := os.ReadFile(wantTarget); !bytes.HasSuffix(got, []byte("new\n")) {
			t.Errorf("the target %s was not written: %q", wantTarget, got)
		}
		if _, err := os.Stat(filepath.Join(dir, "."+filepath.Base(path)+".lock")); err == nil {
			t.Errorf("%s was locked beside the link, not beside its target", path)
		}
		if _, err := os.Stat(filepath.Join(dir, "real", "."+filepath.Base(wantTarget)+".lock")); err != nil {
			t.Errorf("no lock beside the target %s: %v", wantTarget, err)
		}
	}
}

// A missing bucket is an error, not a missing document: otherwise a typo or a
// deleted bucket makes every entry look removed.
func TestGCSMissingBucketIsAnError(t *testing.T) {
	gcs := fakegcs.Start(t, "sm-test")
	client, err := store.NewGCSClient(context.Background(), store.GCSConfig{Endpoint: gcs.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	missing, _ := store.ParseURL("gs://sm-no-such-bucket/networks.json")
	data, v, err := store.NewGCS(client, missing, "").Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), `the bucket "sm-no-such-bucket" does not exist`) {
		t.Errorf("read from a missing bucket: %q %v %v, want an error naming the bucket", data, v, err)
	}
	absent, _ := store.ParseURL("gs://sm-test/networks.json")
	if data, v, err := store.NewGCS(client, absent, "").Read(context.Background()); err != nil || v.Exists || data != nil {
		t.Errorf("read of an absent object in a bucket that exists: %q %v %v, want no document", data, v, err)
	}
}
