package gcsfault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/storage"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

const bucket = "sm-discovery"

// The body GCS sends, written out here rather than built with RateLimitBody, so that a
// change to the proxy's text fails this test.
const want429 = `{"error":{"code":429,"message":"The object sm-discovery/networks.json exceeded the rate limit for object mutation operations (create, update, and delete). Please reduce your request rate. See https://cloud.google.com/storage/docs/gcs429.","errors":[{"message":"The object sm-discovery/networks.json exceeded the rate limit for object mutation operations (create, update, and delete). Please reduce your request rate. See https://cloud.google.com/storage/docs/gcs429.","domain":"usageLimits","reason":"rateLimitExceeded"}]}}`

// fakeClock is advanced by hand, so the mutation limit never depends on the machine's speed.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startEmulator runs fake-gcs-server in-process on 127.0.0.1 with one bucket. PublicHost
// "127.0.0.1" (no port) makes it serve XML-API reads for any 127.0.0.1:<port> Host header.
func startEmulator(t *testing.T) *fakestorage.Server {
	t.Helper()
	fake, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme:     "http",
		Host:       "127.0.0.1",
		PublicHost: "127.0.0.1",
	})
	if err != nil {
		t.Fatalf("fake-gcs-server: %v", err)
	}
	t.Cleanup(fake.Stop)
	fake.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: bucket})
	if !strings.HasPrefix(fake.URL(), "http://127.0.0.1:") {
		t.Fatalf("emulator URL %q is not on 127.0.0.1", fake.URL())
	}
	return fake
}

func startProxy(t *testing.T, fake *fakestorage.Server, cfg Config) *Server {
	t.Helper()
	cfg.Upstream = fake.URL()
	s, err := Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newClient points cloud.google.com/go/storage at the proxy the way the provider points it
// at an emulator. Retries are off so that each call is exactly the requests the test counts.
func newClient(t *testing.T, proxyURL string, opts ...option.ClientOption) *storage.Client {
	t.Helper()
	t.Setenv("STORAGE_EMULATOR_HOST", "") // the endpoint below must decide, not the environment
	opts = append([]option.ClientOption{option.WithEndpoint(proxyURL + "/storage/v1/"), option.WithoutAuthentication()}, opts...)
	c, err := storage.NewClient(context.Background(), opts...)
	if err != nil {
		t.Fatalf("storage.NewClient: %v", err)
	}
	c.SetRetry(storage.WithPolicy(storage.RetryNever))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func write(ctx context.Context, obj *storage.ObjectHandle, data string) error {
	w := obj.NewWriter(ctx)
	w.ContentType = "application/json"
	if _, err := io.WriteString(w, data); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}

func read(t *testing.T, obj *storage.ObjectHandle) string {
	t.Helper()
	r, err := obj.NewReader(context.Background())
	if err != nil {
		t.Fatalf("read %s: %v", obj.ObjectName(), err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", obj.ObjectName(), err)
	}
	return string(b)
}

// stored reads an object straight from the emulator, bypassing the proxy.
func stored(t *testing.T, fake *fakestorage.Server, name string) (string, bool) {
	t.Helper()
	o, err := fake.GetObject(bucket, name)
	if err != nil {
		return "", false
	}
	return string(o.Content), true
}

func TestSecondWriteWithinIntervalGets429(t *testing.T) {
	fake := startEmulator(t)
	clock := newClock()
	p := startProxy(t, fake, Config{MutationInterval: time.Second, Now: clock.Now})
	ctx := context.Background()
	obj := newClient(t, p.URL).Bucket(bucket).Object("networks.json")

	if err := write(ctx, obj, `[{"net-id":1}]`); err != nil {
		t.Fatalf("first write: %v", err)
	}
	err := write(ctx, obj, `[{"net-id":2}]`)
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		t.Fatalf("second write: want a *googleapi.Error, got %v", err)
	}
	if gerr.Code != http.StatusTooManyRequests || gerr.Body != want429 {
		t.Fatalf("second write: got %d %s\nwant 429 %s", gerr.Code, gerr.Body, want429)
	}
	if len(gerr.Errors) != 1 || gerr.Errors[0].Reason != "rateLimitExceeded" {
		t.Errorf("googleapi did not parse the reason: %+v", gerr.Errors)
	}
	if got := read(t, obj); got != `[{"net-id":1}]` {
		t.Errorf("the refused write changed the object: %s", got)
	}

	clock.Advance(time.Second)
	if err := write(ctx, obj, `[{"net-id":3}]`); err != nil {
		t.Fatalf("write a second later: %v", err)
	}
	if got, _ := stored(t, fake, "networks.json"); got != `[{"net-id":3}]` {
		t.Errorf("emulator holds %s", got)
	}

	want := Counters{Requests: 4, Writes: 3, MediaDownloads: 1, Forwarded: 3, WritesLanded: 2, RateLimited: 1}
	st := p.Stats()
	if st.Counters != want {
		t.Errorf("totals\n got %+v\nwant %+v", st.Counters, want)
	}
	if got := st.Objects[bucket+"/networks.json"]; got != want {
		t.Errorf("per object\n got %+v\nwant %+v", got, want)
	}
}

// The same over plain HTTP, to see the exact status, headers and bytes.
func TestRateLimitResponseOnTheWire(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{MutationInterval: time.Second, RetryAfter: 1500 * time.Millisecond, Now: newClock().Now})
	upload := func() *http.Response {
		t.Helper()
		u := p.URL + "/upload/storage/v1/b/" + bucket + "/o?uploadType=media&name=networks.json"
		resp, err := http.Post(u, "application/json", strings.NewReader("[]"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	if r := upload(); r.StatusCode != http.StatusOK {
		t.Fatalf("first upload: %s", r.Status)
	}
	r := upload()
	body, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusTooManyRequests || string(body) != want429 {
		t.Fatalf("second upload: %s %s", r.Status, body)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json; charset=UTF-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := r.Header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2 (1.5s rounded up)", got)
	}
}

func TestRateLimitIsPerObject(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{MutationInterval: time.Second, Now: newClock().Now})
	b := newClient(t, p.URL).Bucket(bucket)
	for _, name := range []string{"a.json", "b.json", "dir/a.json"} {
		if err := write(context.Background(), b.Object(name), "{}"); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	if st := p.Stats(); st.RateLimited != 0 || st.WritesLanded != 3 || len(st.Objects) != 3 {
		t.Errorf("stats: %+v", st)
	}
}

// A write the store refuses (412) changes nothing and must not use up the object's slot:
// the compare-and-swap retry that follows it right away is not rate limited.
func TestRefusedWriteDoesNotUseTheSlot(t *testing.T) {
	fake := startEmulator(t)
	clock := newClock()
	p := startProxy(t, fake, Config{MutationInterval: time.Second, Now: clock.Now})
	ctx := context.Background()
	obj := newClient(t, p.URL).Bucket(bucket).Object("networks.json")
	if err := write(ctx, obj, "[1]"); err != nil {
		t.Fatal(err)
	}
	attrs, err := obj.Attrs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)

	err = write(ctx, obj.If(storage.Conditions{DoesNotExist: true}), "[2]")
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) || gerr.Code != http.StatusPreconditionFailed {
		t.Fatalf("create-if-absent over an existing object: want 412, got %v", err)
	}
	if err := write(ctx, obj.If(storage.Conditions{GenerationMatch: attrs.Generation}), "[3]"); err != nil {
		t.Fatalf("write right after a 412: %v", err)
	}
	st := p.Object(bucket, "networks.json")
	if st.Writes != 3 || st.WritesLanded != 2 || st.RateLimited != 0 || st.ObjectGets != 1 {
		t.Errorf("counters: %+v", st)
	}
}

// Updates and deletes are mutations too.
func TestUpdateAndDeleteAreLimited(t *testing.T) {
	fake := startEmulator(t)
	clock := newClock()
	p := startProxy(t, fake, Config{MutationInterval: time.Second, Now: clock.Now})
	ctx := context.Background()
	obj := newClient(t, p.URL).Bucket(bucket).Object("networks.json")
	if err := write(ctx, obj, "[]"); err != nil {
		t.Fatal(err)
	}
	is429 := func(err error) bool {
		var gerr *googleapi.Error
		return errors.As(err, &gerr) && gerr.Code == http.StatusTooManyRequests
	}
	if _, err := obj.Update(ctx, storage.ObjectAttrsToUpdate{CacheControl: "max-age=60"}); !is429(err) {
		t.Fatalf("PATCH right after the upload: want 429, got %v", err)
	}
	clock.Advance(time.Second)
	if _, err := obj.Update(ctx, storage.ObjectAttrsToUpdate{CacheControl: "max-age=60"}); err != nil {
		t.Fatalf("PATCH a second later: %v", err)
	}
	if err := obj.Delete(ctx); !is429(err) {
		t.Fatalf("DELETE right after the PATCH: want 429, got %v", err)
	}
	clock.Advance(time.Second)
	if err := obj.Delete(ctx); err != nil {
		t.Fatalf("DELETE a second later: %v", err)
	}
	if _, ok := stored(t, fake, "networks.json"); ok {
		t.Error("object still exists")
	}
	st := p.Object(bucket, "networks.json")
	if st.Writes != 5 || st.WritesLanded != 3 || st.RateLimited != 2 {
		t.Errorf("counters: %+v", st)
	}
}

// The case a store must get right: the write landed, the answer was lost.
func TestDropAfterForwardLeavesObjectWritten(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{WriteFaults: Faults{DropAfterRate: 1}, Seed: 42})
	ctx := context.Background()
	obj := newClient(t, p.URL).Bucket(bucket).Object("networks.json")

	err := write(ctx, obj, `[{"net-id":118}]`)
	if err == nil {
		t.Fatal("write succeeded, but its response should have been dropped")
	}
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		t.Fatalf("want a transport error, got an HTTP answer: %v", err)
	}
	if got, ok := stored(t, fake, "networks.json"); !ok || got != `[{"net-id":118}]` {
		t.Fatalf("emulator holds %q (exists %v), want the dropped write's content", got, ok)
	}
	if got := read(t, obj); got != `[{"net-id":118}]` {
		t.Errorf("read through the proxy: %s", got)
	}
	want := Counters{Requests: 2, Writes: 1, MediaDownloads: 1, Forwarded: 2, WritesLanded: 1, DroppedAfter: 1}
	if st := p.Stats(); st.Counters != want {
		t.Errorf("totals\n got %+v\nwant %+v", st.Counters, want)
	}
}

func TestDropBeforeForwardWritesNothing(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{WriteFaults: Faults{DropBeforeRate: 1}, Seed: 42})
	obj := newClient(t, p.URL).Bucket(bucket).Object("networks.json")
	if err := write(context.Background(), obj, "[]"); err == nil {
		t.Fatal("write succeeded through a dropped connection")
	}
	if _, ok := stored(t, fake, "networks.json"); ok {
		t.Fatal("the object was written although the request was dropped before forwarding")
	}
	want := Counters{Requests: 1, Writes: 1, DroppedBefore: 1}
	if st := p.Object(bucket, "networks.json"); st != want {
		t.Errorf("counters\n got %+v\nwant %+v", st, want)
	}
}

func TestInjected503(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{WriteFaults: Faults{FailRate: 1}, ReadFaults: Faults{FailRate: 1}})
	ctx := context.Background()
	obj := newClient(t, p.URL).Bucket(bucket).Object("networks.json")
	err := write(ctx, obj, "[]")
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) || gerr.Code != http.StatusServiceUnavailable || len(gerr.Errors) != 1 || gerr.Errors[0].Reason != "backendError" {
		t.Fatalf("want GCS's 503 backendError, got %v", err)
	}
	if _, ok := stored(t, fake, "networks.json"); ok {
		t.Fatal("a 503 before forwarding wrote the object")
	}
	if _, err := obj.Attrs(ctx); !errors.As(err, &gerr) || gerr.Code != http.StatusServiceUnavailable {
		t.Fatalf("read: want 503, got %v", err)
	}
	want := Counters{Requests: 2, Writes: 1, ObjectGets: 1, Injected503: 2}
	if st := p.Stats(); st.Counters != want {
		t.Errorf("totals\n got %+v\nwant %+v", st.Counters, want)
	}
}

func TestDelayIsCounted(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{WriteFaults: Faults{DelayRate: 1, Delay: time.Millisecond}})
	obj := newClient(t, p.URL).Bucket(bucket).Object("networks.json")
	if err := write(context.Background(), obj, "[]"); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Delayed != 1 || st.WritesLanded != 1 {
		t.Errorf("stats: %+v", st.Counters)
	}
}

func TestInjectOnce(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{})
	ctx := context.Background()
	b := newClient(t, p.URL).Bucket(bucket)
	p.InjectOnce(func(r Request) bool { return r.Kind == KindWrite && r.Object == "b.json" }, FaultDropAfter)

	if err := write(ctx, b.Object("a.json"), "a"); err != nil {
		t.Fatalf("a.json is not matched and must pass: %v", err)
	}
	if err := write(ctx, b.Object("b.json"), "b1"); err == nil {
		t.Fatal("b.json: want the injected drop")
	}
	if err := write(ctx, b.Object("b.json"), "b2"); err != nil {
		t.Fatalf("the fault is used up, b.json must pass: %v", err)
	}
	if got, _ := stored(t, fake, "b.json"); got != "b2" {
		t.Errorf("b.json = %q", got)
	}
	if st := p.Object(bucket, "b.json"); st.DroppedAfter != 1 || st.WritesLanded != 2 {
		t.Errorf("counters: %+v", st)
	}
}

// rawOutcomes sends n uploads of distinct objects, one connection each, and records what
// each got: "ok", "503" or "dropped".
func rawOutcomes(t *testing.T, proxyURL string, n int) []string {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
	var out []string
	for i := range n {
		u := fmt.Sprintf("%s/upload/storage/v1/b/%s/o?uploadType=media&name=obj-%02d", proxyURL, bucket, i)
		resp, err := client.Post(u, "text/plain", strings.NewReader(fmt.Sprint(i)))
		switch {
		case err != nil:
			out = append(out, "dropped")
		case resp.StatusCode == http.StatusOK:
			out = append(out, "ok")
		case resp.StatusCode == http.StatusServiceUnavailable:
			out = append(out, "503")
		default:
			t.Fatalf("upload %d: unexpected %s", i, resp.Status)
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
	return out
}

func TestSeededFaultsAreRepeatableAndCounted(t *testing.T) {
	faults := Faults{FailRate: 0.25, DropBeforeRate: 0.2, DropAfterRate: 0.2}
	run := func(seed uint64) ([]string, Stats, *fakestorage.Server) {
		fake := startEmulator(t)
		p := startProxy(t, fake, Config{WriteFaults: faults, Seed: seed})
		return rawOutcomes(t, p.URL, 40), p.Stats(), fake
	}
	first, st, fake := run(7)
	second, _, _ := run(7)
	if !reflect.DeepEqual(first, second) {
		t.Fatalf("same seed, different faults:\n%v\n%v", first, second)
	}
	other, _, _ := run(8)
	if reflect.DeepEqual(first, other) {
		t.Errorf("seeds 7 and 8 gave the same 40 outcomes")
	}

	n := map[string]int64{}
	for _, o := range first {
		n[o]++
	}
	if n["ok"] == 0 || n["503"] == 0 || n["dropped"] == 0 {
		t.Fatalf("seed 7 should mix outcomes: %v", n)
	}
	if st.Injected503 != n["503"] || st.DroppedBefore+st.DroppedAfter != n["dropped"] ||
		st.WritesLanded != n["ok"]+st.DroppedAfter || st.Writes != 40 || st.Requests != 40 {
		t.Errorf("counters do not match outcomes %v: %+v", n, st.Counters)
	}
	// Every write that landed is in the emulator, dropped answers included; nothing else is.
	objs, _, err := fake.ListObjectsWithOptions(bucket, fakestorage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(objs)) != st.WritesLanded {
		t.Errorf("emulator holds %d objects, proxy counted %d landed writes", len(objs), st.WritesLanded)
	}
	for i, o := range first {
		name := fmt.Sprintf("obj-%02d", i)
		c := st.Objects[bucket+"/"+name]
		_, exists := stored(t, fake, name)
		switch {
		case o == "ok" && (!exists || c.WritesLanded != 1):
			t.Errorf("%s: ok but exists=%v counters=%+v", name, exists, c)
		case o == "503" && (exists || c.Injected503 != 1):
			t.Errorf("%s: 503 but exists=%v counters=%+v", name, exists, c)
		case o == "dropped" && exists != (c.DroppedAfter == 1):
			t.Errorf("%s: dropped, exists=%v counters=%+v", name, exists, c)
		}
	}
}

// A resumable upload's chunks must come through the proxy (the session URL is rewritten),
// and only its final chunk is the mutation.
func TestResumableUploadThroughProxy(t *testing.T) {
	fake := startEmulator(t)
	clock := newClock()
	p := startProxy(t, fake, Config{MutationInterval: time.Second, Now: clock.Now})
	ctx := context.Background()
	obj := newClient(t, p.URL).Bucket(bucket).Object("big.bin")
	payload := func(b byte) []byte { return bytes.Repeat([]byte{b}, 600*1024) }
	upload := func(data []byte) error {
		w := obj.NewWriter(ctx)
		w.ChunkSize = 256 * 1024 // 600 KiB in three chunks: a resumable session
		// Chunks are retried on 429 by the upload code itself, whatever the client's retry
		// policy; a short deadline keeps the refused session from retrying for 32s.
		w.ChunkRetryDeadline = 10 * time.Millisecond
		if _, err := w.Write(data); err != nil {
			_ = w.Close()
			return err
		}
		return w.Close()
	}
	if err := upload(payload('a')); err != nil {
		t.Fatalf("first upload: %v", err)
	}
	st := p.Object(bucket, "big.bin")
	if st.UploadInits != 1 || st.UploadChunks != 2 || st.Writes != 1 || st.WritesLanded != 1 {
		t.Fatalf("the session's requests did not all pass the proxy: %+v", st)
	}

	err := upload(payload('b'))
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) || gerr.Code != http.StatusTooManyRequests {
		t.Fatalf("second upload within the interval: want 429 on its final chunk, got %v", err)
	}
	if !strings.Contains(gerr.Body, "The object sm-discovery/big.bin exceeded the rate limit") {
		t.Errorf("429 body names the wrong object: %s", gerr.Body)
	}
	if got, _ := stored(t, fake, "big.bin"); !bytes.Equal([]byte(got), payload('a')) {
		t.Error("the refused session changed the object")
	}
	// The final chunk may have been retried a few times within the deadline: each retry is
	// one more write and one more 429.
	st = p.Object(bucket, "big.bin")
	if st.UploadInits != 2 || st.UploadChunks != 4 || st.WritesLanded != 1 || st.RateLimited < 1 ||
		st.Writes != st.WritesLanded+st.RateLimited {
		t.Errorf("counters: %+v", st)
	}
}

// An upload that names its object only in the multipart metadata is still limited per object.
func TestMultipartNameInBody(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{MutationInterval: time.Second, Now: newClock().Now})
	body := "--B\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"name\":\"networks.json\"}\r\n" +
		"--B\r\nContent-Type: application/json\r\n\r\n[]\r\n--B--\r\n"
	post := func() int {
		resp, err := http.Post(p.URL+"/upload/storage/v1/b/"+bucket+"/o?uploadType=multipart", "multipart/related; boundary=B", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusTooManyRequests && string(b) != want429 {
			t.Errorf("429 body: %s", b)
		}
		return resp.StatusCode
	}
	if code := post(); code != http.StatusOK {
		t.Fatalf("first: %d", code)
	}
	if got, _ := stored(t, fake, "networks.json"); got != "[]" {
		t.Fatalf("the buffered body did not reach the emulator intact: %q", got)
	}
	if code := post(); code != http.StatusTooManyRequests {
		t.Fatalf("second: %d, want 429", code)
	}
}

// Reads through the JSON API (WithJSONReads) and metadata reads are counted apart from
// the default XML reads.
func TestReadKinds(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{})
	ctx := context.Background()
	xml := newClient(t, p.URL).Bucket(bucket).Object("networks.json")
	jsonObj := newClient(t, p.URL, storage.WithJSONReads()).Bucket(bucket).Object("networks.json")
	if err := write(ctx, xml, "[7]"); err != nil {
		t.Fatal(err)
	}
	if read(t, xml) != "[7]" || read(t, jsonObj) != "[7]" {
		t.Fatal("reads disagree with the write")
	}
	if _, err := xml.Attrs(ctx); err != nil {
		t.Fatal(err)
	}
	want := Counters{Requests: 4, Writes: 1, MediaDownloads: 2, ObjectGets: 1, Forwarded: 4, WritesLanded: 1}
	if st := p.Object(bucket, "networks.json"); st != want {
		t.Errorf("counters\n got %+v\nwant %+v", st, want)
	}
}

// STORAGE_EMULATOR_HOST works as well as an explicit endpoint: the client then sends its JSON
// calls, uploads and XML reads all to that host.
func TestEmulatorHostEnvironment(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{})
	t.Setenv("STORAGE_EMULATOR_HOST", strings.TrimPrefix(p.URL, "http://"))
	c, err := storage.NewClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetRetry(storage.WithPolicy(storage.RetryNever))
	obj := c.Bucket(bucket).Object("networks.json")
	if err := write(context.Background(), obj, "[5]"); err != nil {
		t.Fatal(err)
	}
	if got := read(t, obj); got != "[5]" {
		t.Fatalf("read %q", got)
	}
	if st := p.Object(bucket, "networks.json"); st.Writes != 1 || st.MediaDownloads != 1 || st.Forwarded != 2 {
		t.Errorf("not everything went through the proxy: %+v", st)
	}
}

func TestStatsEndpoint(t *testing.T) {
	fake := startEmulator(t)
	p := startProxy(t, fake, Config{MutationInterval: time.Second, Now: newClock().Now})
	obj := newClient(t, p.URL).Bucket(bucket).Object("networks.json")
	_ = write(context.Background(), obj, "[]")
	_ = write(context.Background(), obj, "[]") // 429

	resp, err := http.Get(p.URL + "/_stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got Stats
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p.Stats()) {
		t.Errorf("/_stats = %+v\nStats() = %+v", got, p.Stats())
	}
	if got.RateLimited != 1 || got.Objects[bucket+"/networks.json"].Writes != 2 {
		t.Errorf("/_stats: %+v", got)
	}
}

func TestStartOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "localhost:0", "[::]:0"} {
		if s, err := Start(addr, Config{Upstream: "http://127.0.0.1:1"}); err == nil {
			_ = s.Close()
			t.Errorf("Start(%q) accepted a non-loopback address", addr)
		}
	}
	s, err := Start("127.0.0.1:0", Config{Upstream: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, _ := url.Parse(s.URL)
	if u.Hostname() != "127.0.0.1" {
		t.Errorf("URL = %s", s.URL)
	}
}

func TestNewValidates(t *testing.T) {
	bad := []Config{
		{Upstream: ""},
		{Upstream: "127.0.0.1:4443"},
		{Upstream: "http://127.0.0.1:4443/storage/v1/"},
		{Upstream: "http://127.0.0.1:4443", WriteFaults: Faults{FailRate: 0.6, DropAfterRate: 0.6}},
		{Upstream: "http://127.0.0.1:4443", ReadFaults: Faults{DelayRate: 2}},
		{Upstream: "http://127.0.0.1:4443", MutationInterval: -time.Second},
	}
	for _, cfg := range bad {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted it", cfg)
		}
	}
}

// GCS's session URL names only the upload id (fake-gcs-server's also names the object); the
// proxy must still know which object the final chunk writes.
func TestResumableSessionWithoutNameInURL(t *testing.T) {
	var upstream *httptest.Server
	upstream = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Location", upstream.URL+"/upload/storage/v1/b/"+bucket+"/o?uploadType=resumable&upload_id=S"+r.URL.Query().Get("n"))
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer upstream.Close()
	p, err := Start("127.0.0.1:0", Config{Upstream: upstream.URL, MutationInterval: time.Second, Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	session := func(n string) (*http.Response, string) {
		t.Helper()
		init, err := http.Post(p.URL+"/upload/storage/v1/b/"+bucket+"/o?uploadType=resumable&name=networks.json&n="+n, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		init.Body.Close()
		loc := init.Header.Get("Location")
		if !strings.HasPrefix(loc, p.URL+"/") {
			t.Fatalf("Location %q does not point at the proxy %s", loc, p.URL)
		}
		req, _ := http.NewRequest(http.MethodPut, loc, strings.NewReader("[]"))
		req.Header.Set("Content-Range", "bytes 0-1/2")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	if resp, _ := session("1"); resp.StatusCode != http.StatusOK {
		t.Fatalf("first session: %s", resp.Status)
	}
	if resp, body := session("2"); resp.StatusCode != http.StatusTooManyRequests || body != want429 {
		t.Fatalf("second session: %s %s", resp.Status, body)
	}
	want := Counters{Requests: 4, UploadInits: 2, Writes: 2, Forwarded: 3, WritesLanded: 1, RateLimited: 1}
	if st := p.Object(bucket, "networks.json"); st != want {
		t.Errorf("counters\n got %+v\nwant %+v", st, want)
	}
}
