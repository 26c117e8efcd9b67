package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/gcsfault"
)

func TestParseURL(t *testing.T) {
	good := map[string]string{
		"gs://sm-discovery/networks.json":       "gs://sm-discovery/networks.json",
		"gs://sm.discovery_1/a/b/networks.json": "gs://sm.discovery_1/a/b/networks.json",
		"file:///tmp/x/networks.json":           "file:///tmp/x/networks.json",
		"file:///tmp/x/../y/networks.json":      "file:///tmp/y/networks.json",
	}
	for in, want := range good {
		loc, err := store.ParseURL(in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", in, err)
			continue
		}
		if loc.String() != want {
			t.Errorf("ParseURL(%q) = %q, want %q", in, loc, want)
		}
	}
	bad := []string{
		"", "https://storage.googleapis.com/b/o", "gs://bucket", "gs://bucket/", "gs:///object",
		"gs://Bad_Bucket/o", "gs://b/o", "gs://bucket/dir/", "gs://bucket/o?x=1", "gs://bucket/o#118",
		"file://relative/path", "file:relative", "file:///tmp/dir/", "s3://b/o",
	}
	for _, in := range bad {
		if _, err := store.ParseURL(in); err == nil {
			t.Errorf("ParseURL(%q) accepted", in)
		} else if !strings.Contains(err.Error(), "expected gs://BUCKET/OBJECT or file:///ABSOLUTE/PATH") && !strings.Contains(err.Error(), "bucket name") {
			t.Errorf("ParseURL(%q) error does not say what is expected: %v", in, err)
		}
	}
}

// stores returns one of each store kind, empty.
func stores(t *testing.T) map[string]store.Store {
	t.Helper()
	gcs := fakegcs.Start(t, "sm-test")
	client, err := store.NewGCSClient(context.Background(), store.GCSConfig{Endpoint: gcs.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	gloc, _ := store.ParseURL("gs://sm-test/networks.json")
	floc, _ := store.ParseURL("file://" + filepath.Join(t.TempDir(), "networks.json"))
	return map[string]store.Store{
		"gcs":  store.NewGCS(client, gloc, ""),
		"file": store.NewFile(floc),
	}
}

func TestCompareAndSwap(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			data, v, err := s.Read(ctx)
			if err != nil || data != nil || v.Exists {
				t.Fatalf("absent document: %q %v %v", data, v, err)
			}
			v1, err := s.Write(ctx, []byte("[]\n"), store.Version{})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if _, err := s.Write(ctx, []byte("[1]\n"), store.Version{}); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("create over an existing document: %v, want ErrConflict", err)
			}
			v2, err := s.Write(ctx, []byte("[2]\n"), v1)
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			if v2 == v1 {
				t.Fatalf("version did not change: %v", v2)
			}
			if _, err := s.Write(ctx, []byte("[3]\n"), v1); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("stale write: %v, want ErrConflict", err)
			}
			data, v, err = s.Read(ctx)
			if err != nil || string(data) != "[2]\n" || v != v2 {
				t.Fatalf("read back %q %v %v, want [2] at %v", data, v, err, v2)
			}
		})
	}
}

func TestGCSObjectMetadata(t *testing.T) {
	gcs := fakegcs.Start(t, "sm-test")
	client, err := store.NewGCSClient(context.Background(), store.GCSConfig{Endpoint: gcs.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := store.ParseURL("gs://sm-test/nets/networks.json")
	s := store.NewGCS(client, loc, "public, max-age=30")
	if _, err := s.Write(context.Background(), []byte("[]\n"), store.Version{}); err != nil {
		t.Fatal(err)
	}
	obj, err := gcs.GetObject("sm-test", "nets/networks.json")
	if err != nil {
		t.Fatal(err)
	}
	if obj.ContentType != "application/json" || obj.CacheControl != "public, max-age=30" {
		t.Errorf("Content-Type %q, Cache-Control %q", obj.ContentType, obj.CacheControl)
	}
}

func TestFileWriteKeepsModeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "networks.json")
	if err := os.WriteFile(path, []byte("[]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	loc, _ := store.ParseURL("file://" + path)
	s := store.NewFile(loc)
	_, v, err := s.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(context.Background(), []byte("[1]\n"), v); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode after write: %v %v", st.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
	missing, _ := store.ParseURL("file://" + filepath.Join(dir, "no", "such", "networks.json"))
	if _, err := store.NewFile(missing).Write(context.Background(), []byte("[]"), store.Version{}); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("write into a missing directory: %v", err)
	}
}

// addLine is a Change that appends a line once.
func addLine(line string) store.Change {
	return func(cur []byte, exists, _ bool) ([]byte, error) {
		for _, l := range strings.Split(string(cur), "\n") {
			if l == line {
				return cur, nil
			}
		}
		return append(append([]byte{}, cur...), line+"\n"...), nil
	}
}

func lines(b []byte) []string {
	out := strings.Fields(string(b))
	sort.Strings(out)
	return out
}

// TestConcurrentSyncersLoseNothing runs independent Syncers (as separate
// processes would be) against one document.
func TestConcurrentSyncersLoseNothing(t *testing.T) {
	for _, name := range []string{"gcs", "file"} {
		for _, coalesce := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/coalesce=%v", name, coalesce), func(t *testing.T) {
				s := stores(t)[name]
				const writers, each = 4, 5
				var wg sync.WaitGroup
				errs := make(chan error, writers*each)
				for w := range writers {
					sy := store.NewSyncer(s, store.SyncerConfig{Coalesce: coalesce, Backoff: store.Backoff{Initial: time.Millisecond, Max: 20 * time.Millisecond}})
					for i := range each {
						wg.Add(1)
						go func() {
							defer wg.Done()
							ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
							defer cancel()
							errs <- sy.Mutate(ctx, addLine(fmt.Sprintf("w%d-%d", w, i)))
						}()
					}
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					if err != nil {
						t.Error(err)
					}
				}
				data, _, _ := s.Read(context.Background())
				if got := lines(data); len(got) != writers*each {
					t.Errorf("document has %d lines, want %d: %v", len(got), writers*each, got)
				}
			})
		}
	}
}

// scripted wraps a store and fails chosen calls.
type scripted struct {
	store.Store
	mu         sync.Mutex
	writeFails []error // consumed in order; nil entries let the write through
	landThen   bool    // the next failure happens after the write landed
	reads      atomic.Int64
	readDelay  time.Duration
}

func (s *scripted) Read(ctx context.Context) ([]byte, store.Version, error) {
	s.reads.Add(1)
	time.Sleep(s.readDelay)
	return s.Store.Read(ctx)
}

func (s *scripted) Write(ctx context.Context, data []byte, expect store.Version) (store.Version, error) {
	s.mu.Lock()
	var fail error
	if len(s.writeFails) > 0 {
		fail, s.writeFails = s.writeFails[0], s.writeFails[1:]
	}
	land := s.landThen
	s.landThen = false
	s.mu.Unlock()
	if fail != nil && !land {
		return store.Version{}, fail
	}
	v, err := s.Store.Write(ctx, data, expect)
	if fail != nil {
		return store.Version{}, fail
	}
	return v, err
}

func fileStore(t *testing.T) store.Store {
	loc, _ := store.ParseURL("file://" + filepath.Join(t.TempDir(), "networks.json"))
	return store.NewFile(loc)
}

var fast = store.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}

func TestSyncerRetriesTransientAndRecognisesLandedWrite(t *testing.T) {
	inner := fileStore(t)
	s := &scripted{Store: inner, landThen: true, writeFails: []error{
		&store.TransientError{Err: errors.New("connection reset after the upload")},
		&store.TransientError{Err: errors.New("429"), Rejected: true, RetryAfter: time.Millisecond},
	}}
	sy := store.NewSyncer(s, store.SyncerConfig{Backoff: fast})
	var sawMaybe atomic.Bool
	insertOnce := func(cur []byte, exists, mayHaveLanded bool) ([]byte, error) {
		if bytes.Contains(cur, []byte("mine\n")) {
			if mayHaveLanded {
				sawMaybe.Store(true)
				return cur, nil
			}
			return nil, errors.New("already exists")
		}
		return append(append([]byte{}, cur...), "mine\n"...), nil
	}
	if err := sy.Mutate(context.Background(), insertOnce); err != nil {
		t.Fatalf("Mutate: %v", err)
	}
	if !sawMaybe.Load() {
		t.Error("the change was not told its earlier write may have landed")
	}
	data, _, _ := inner.Read(context.Background())
	if string(data) != "mine\n" {
		t.Errorf("document %q, want exactly one line", data)
	}
}

func TestSyncerGivesUpWithLastError(t *testing.T) {
	s := &scripted{Store: fileStore(t)}
	for range 1000 {
		s.writeFails = append(s.writeFails, &store.TransientError{Err: errors.New("503 backend unavailable"), Rejected: true})
	}
	sy := store.NewSyncer(s, store.SyncerConfig{Backoff: fast})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := sy.Mutate(ctx, addLine("x"))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "503 backend unavailable") {
		t.Errorf("error %v: want the deadline and the last error", err)
	}
	if st := sy.Stats(); st.Retries < 2 {
		t.Errorf("retries %d", st.Retries)
	}
}

func TestSyncerPermanentErrorIsNotRetried(t *testing.T) {
	s := &scripted{Store: fileStore(t), writeFails: []error{errors.New("403 forbidden")}}
	sy := store.NewSyncer(s, store.SyncerConfig{Backoff: fast})
	if err := sy.Mutate(context.Background(), addLine("x")); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("error %v", err)
	}
	if st := sy.Stats(); st.Writes != 1 || st.Retries != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestSyncerCoalescesAndIsolatesFailures(t *testing.T) {
	s := &scripted{Store: fileStore(t), readDelay: 20 * time.Millisecond}
	sy := store.NewSyncer(s, store.SyncerConfig{Coalesce: true, Backoff: fast})
	const n = 30
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			change := addLine(fmt.Sprintf("e%02d", i))
			if i%10 == 3 {
				change = func([]byte, bool, bool) ([]byte, error) { return nil, fmt.Errorf("change %d refused", i) }
			}
			errs[i] = sy.Mutate(context.Background(), change)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if i%10 == 3 {
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("change %d refused", i)) {
				t.Errorf("change %d: %v", i, err)
			}
		} else if err != nil {
			t.Errorf("change %d failed with its neighbour's error: %v", i, err)
		}
	}
	data, _, _ := s.Read(context.Background())
	if got := lines(data); len(got) != n-3 {
		t.Errorf("%d lines, want %d", len(got), n-3)
	}
	if st := sy.Stats(); st.Writes >= n/2 {
		t.Errorf("%d writes for %d concurrent changes: not coalesced", st.Writes, n)
	}
}

func TestSyncerRefusesInvalidDocument(t *testing.T) {
	inner := fileStore(t)
	sy := store.NewSyncer(inner, store.SyncerConfig{Validate: func(b []byte) error {
		if bytes.Contains(b, []byte("bad")) {
			return errors.New("contains bad")
		}
		return nil
	}})
	if err := sy.Mutate(context.Background(), addLine("bad")); err == nil || !strings.Contains(err.Error(), "does not validate") {
		t.Errorf("error %v", err)
	}
	if _, v, _ := inner.Read(context.Background()); v.Exists {
		t.Error("an invalid document was written")
	}
}

func TestSyncerSharesReadsButNeverAnOlderOne(t *testing.T) {
	inner := fileStore(t)
	if _, err := inner.Write(context.Background(), []byte("v1\n"), store.Version{}); err != nil {
		t.Fatal(err)
	}
	s := &scripted{Store: inner, readDelay: 30 * time.Millisecond}
	sy := store.NewSyncer(s, store.SyncerConfig{Coalesce: true})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if data, _, err := sy.Read(context.Background()); err != nil || string(data) != "v1\n" {
				t.Errorf("read %q %v", data, err)
			}
		}()
	}
	wg.Wait()
	if n := s.reads.Load(); n > 4 {
		t.Errorf("%d reads for 20 concurrent callers", n)
	}

	// A read that starts after a write completes sees that write, even while
	// an older read is still in flight.
	s.reads.Store(0)
	slow := make(chan []byte)
	go func() {
		data, _, _ := sy.Read(context.Background())
		slow <- data
	}()
	time.Sleep(5 * time.Millisecond) // let the first read start
	_, v, _ := inner.Read(context.Background())
	if _, err := inner.Write(context.Background(), []byte("v2\n"), v); err != nil {
		t.Fatal(err)
	}
	data, _, err := sy.Read(context.Background())
	if err != nil || string(data) != "v2\n" {
		t.Errorf("read after write returned %q %v", data, err)
	}
	<-slow
}

func TestSyncerAfterWrite(t *testing.T) {
	var calls atomic.Int64
	fail := atomic.Bool{}
	sy := store.NewSyncer(fileStore(t), store.SyncerConfig{AfterWrite: func(context.Context) error {
		calls.Add(1)
		if fail.Load() {
			return errors.New("purge refused")
		}
		return nil
	}})
	if err := sy.Mutate(context.Background(), addLine("a")); err != nil {
		t.Fatal(err)
	}
	// No change, no write, no purge.
	if err := sy.Mutate(context.Background(), addLine("a")); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("AfterWrite ran %d times, want 1", calls.Load())
	}
	fail.Store(true)
	err := sy.Mutate(context.Background(), addLine("b"))
	var aw *store.AfterWriteError
	if !errors.As(err, &aw) || !strings.Contains(err.Error(), "purge refused") {
		t.Fatalf("error %v, want an AfterWriteError", err)
	}
	data, _, _ := sy.Read(context.Background())
	if string(data) != "a\nb\n" {
		t.Errorf("the write was lost: %q", data)
	}
}

// TestGCSRateLimitIsTransientWithRetryAfter writes twice within GCS's
// one-mutation-per-second limit through the fault proxy.
func TestGCSRateLimitIsTransientWithRetryAfter(t *testing.T) {
	gcs := fakegcs.Start(t, "sm-test")
	proxy, err := gcsfault.Start("127.0.0.1:0", gcsfault.Config{
		Upstream:         gcs.URL(),
		MutationInterval: time.Hour, // the second write always lands inside the interval
		RetryAfter:       2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	client, err := store.NewGCSClient(context.Background(), store.GCSConfig{Endpoint: proxy.URL + "/storage/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := store.ParseURL("gs://sm-test/networks.json")
	s := store.NewGCS(client, loc, "")
	v, err := s.Write(context.Background(), []byte("[]\n"), store.Version{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Write(context.Background(), []byte("[1]\n"), v)
	var te *store.TransientError
	if !errors.As(err, &te) || !te.Rejected || te.RetryAfter != 2*time.Second || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("second write: %#v, want a rejected TransientError with Retry-After 2s", err)
	}
	// A 503 is transient but not "rejected": for a write, the Syncer then
	// treats the change as possibly applied.
	proxy.InjectOnce(func(r gcsfault.Request) bool {
		return r.Kind == gcsfault.KindMediaDownload || r.Kind == gcsfault.KindObjectGet
	}, gcsfault.Fault503)
	if _, _, err := s.Read(context.Background()); !errors.As(err, &te) || te.Rejected {
		t.Fatalf("read with an injected 503: %v, want a TransientError", err)
	}
}

func TestBackoffHonoursRetryAfter(t *testing.T) {
	b := store.Backoff{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond}
	sy := store.NewSyncer(&scripted{Store: fileStore(t), writeFails: []error{
		&store.TransientError{Err: errors.New("429"), Rejected: true, RetryAfter: 300 * time.Millisecond},
	}}, store.SyncerConfig{Backoff: b})
	start := time.Now()
	if err := sy.Mutate(context.Background(), addLine("x")); err != nil {
		t.Fatal(err)
	}
	// A lower bound only: the retry must not come before the server allowed it.
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("retried after %v, before the server's Retry-After of 300ms", d)
	}
}

func TestSyncerReadWindowGathersStaggeredCallers(t *testing.T) {
	inner := fileStore(t)
	if _, err := inner.Write(context.Background(), []byte("v1\n"), store.Version{}); err != nil {
		t.Fatal(err)
	}
	s := &scripted{Store: inner}
	sy := store.NewSyncer(s, store.SyncerConfig{Coalesce: true, ReadWindow: 300 * time.Millisecond})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := sy.Read(context.Background()); err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(5 * time.Millisecond)
	}
	wg.Wait()
	if n := s.reads.Load(); n > 3 {
		t.Errorf("%d GETs for 10 callers arriving within the read window", n)
	}
}
