// Package gcsfault is a fault-injecting HTTP proxy for tests, meant to sit in front of a GCS
// emulator (fake-gcs-server). It adds what the emulator lacks and what production code must
// survive:
//
//   - GCS's per-object mutation limit: a second create/update/delete of one object within
//     Config.MutationInterval is refused with GCS's own 429 body (see RateLimitBody);
//   - injected 503s, dropped connections before the request is forwarded, dropped connections
//     after it was forwarded (the write landed, the client never hears), and delays, at seeded
//     rates or one at a time with InjectOnce;
//   - counters of everything, per kind and per object (Stats, and GET /_stats).
//
// Point a client at the proxy as at the emulator: for cloud.google.com/go/storage,
// option.WithEndpoint(proxyURL+"/storage/v1/") with option.WithoutAuthentication(). Its
// uploads (POST /upload/storage/v1/...), JSON calls (/storage/v1/...) and its default XML
// reads (GET /{bucket}/{object} on the endpoint's host) then all pass through the proxy.
// Classify documents which paths are reads and which are writes.
//
// The proxy buffers each request (only when it must parse it) and each response in memory;
// it is for tests, not for large objects.
package gcsfault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults are random faults, each decided per request with the proxy's seeded generator.
// FailRate, DropBeforeRate and DropAfterRate exclude each other (their sum must be at most 1);
// a delay is decided separately and may come on top of one of them.
type Faults struct {
	// FailRate is the share of requests answered 503 without being forwarded.
	FailRate float64
	// DropBeforeRate is the share whose connection is closed without an answer and without
	// forwarding: the request never reached the store.
	DropBeforeRate float64
	// DropAfterRate is the share that is forwarded, whose answer from the store is then
	// thrown away and whose connection is closed: a write has landed but its client never
	// hears so. This is the case a compare-and-swap loop must handle (its retry sees a 412).
	DropAfterRate float64
	// DelayRate is the share delayed by Delay before anything else happens.
	DelayRate float64
	Delay     time.Duration
}

func (f Faults) validate(name string) error {
	for _, r := range []float64{f.FailRate, f.DropBeforeRate, f.DropAfterRate, f.DelayRate} {
		if r < 0 || r > 1 || math.IsNaN(r) {
			return fmt.Errorf("gcsfault: %s rates must be within [0, 1]", name)
		}
	}
	if f.FailRate+f.DropBeforeRate+f.DropAfterRate > 1 {
		return fmt.Errorf("gcsfault: %s fail, drop-before and drop-after rates add up to more than 1", name)
	}
	if f.Delay < 0 {
		return fmt.Errorf("gcsfault: %s delay is negative", name)
	}
	return nil
}

func (f Faults) any() bool {
	return f.FailRate > 0 || f.DropBeforeRate > 0 || f.DropAfterRate > 0 || (f.DelayRate > 0 && f.Delay > 0)
}

// Config configures a Proxy.
type Config struct {
	// Upstream is the emulator's base URL, e.g. "http://127.0.0.1:4443" (no path).
	Upstream string
	// MutationInterval is the least time between two mutations of one object; a mutation
	// sooner than that gets GCS's 429. GCS allows about one per second; 0 turns the limit off.
	MutationInterval time.Duration
	// RetryAfter, if positive, is sent as a Retry-After header (whole seconds, rounded up)
	// on every 429. GCS itself sends none.
	RetryAfter time.Duration
	// WriteFaults apply to writes and to resumable-upload traffic (KindWrite, KindUploadInit,
	// KindUploadChunk).
	WriteFaults Faults
	// ReadFaults apply to object reads and lists (KindObjectGet, KindMediaDownload, KindList).
	ReadFaults Faults
	// Seed makes the random faults repeatable: the same seed and the same sequence of
	// requests give the same faults.
	Seed uint64
	// Now is the clock for the mutation limit; nil means time.Now. Tests pass a clock they
	// advance by hand, so the limit does not depend on how fast the machine is.
	Now func() time.Time
}

// Fault is one injected fault, for InjectOnce.
type Fault int

const (
	FaultNone Fault = iota
	// Fault503 answers 503 without forwarding.
	Fault503
	// FaultDropBefore closes the connection without forwarding.
	FaultDropBefore
	// FaultDropAfter forwards, then closes the connection instead of answering.
	FaultDropAfter
)

func (f Fault) String() string {
	switch f {
	case Fault503:
		return "503"
	case FaultDropBefore:
		return "drop-before"
	case FaultDropAfter:
		return "drop-after"
	}
	return "none"
}

// Proxy is the fault-injecting handler. Serve it with Start, or mount it on any
// http.Server (it must be HTTP/1.x for connection drops to work).
type Proxy struct {
	upstream  *url.URL
	cfg       Config
	transport *http.Transport
	client    *http.Client

	mu      sync.Mutex
	rng     *rand.Rand
	objects map[string]*objectLimit // per-object mutation limit state
	uploads map[string]Request      // resumable session id -> the object it writes
	once    []oneShot
	stats   Stats
}

type objectLimit struct {
	last time.Time
	seq  uint64 // which reservation set last, so a failed write can give its slot back
}

type oneShot struct {
	match func(Request) bool
	fault Fault
}

// New checks cfg and returns a Proxy. It opens no listener.
func New(cfg Config) (*Proxy, error) {
	u, err := url.Parse(cfg.Upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("gcsfault: upstream %q is not an http(s) URL", cfg.Upstream)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, fmt.Errorf("gcsfault: upstream %q must have no path or query", cfg.Upstream)
	}
	if cfg.MutationInterval < 0 || cfg.RetryAfter < 0 {
		return nil, errors.New("gcsfault: MutationInterval and RetryAfter must not be negative")
	}
	if err := cfg.WriteFaults.validate("write"); err != nil {
		return nil, err
	}
	if err := cfg.ReadFaults.validate("read"); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// No environment proxy (the upstream is local) and no transparent gzip: bytes pass as
	// the emulator sent them.
	tr := &http.Transport{
		Proxy:               nil,
		DisableCompression:  true,
		MaxIdleConnsPerHost: 32,
		IdleConnTimeout:     30 * time.Second,
	}
	return &Proxy{
		upstream:  &url.URL{Scheme: u.Scheme, Host: u.Host},
		cfg:       cfg,
		transport: tr,
		client: &http.Client{
			Transport: tr,
			// Redirects are the client's business.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		rng:     rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)),
		objects: map[string]*objectLimit{},
		uploads: map[string]Request{},
		stats:   newStats(),
	}, nil
}

// InjectOnce makes the next request that match accepts (nil: any request that random faults
// could apply to, i.e. not KindOther) suffer fault f, ahead of the random faults. Several
// calls queue up in order. A FaultDropAfter on a write whose mutation is refused with 429
// turns into nothing: nothing was forwarded.
func (p *Proxy) InjectOnce(match func(Request) bool, f Fault) {
	if match == nil {
		match = func(r Request) bool { return r.Kind != KindOther }
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.once = append(p.once, oneShot{match: match, fault: f})
}

// Close releases the proxy's upstream connections.
func (p *Proxy) Close() { p.transport.CloseIdleConnections() }

// maxParseBody bounds what the proxy buffers to find an object name in an upload's body.
const maxParseBody = 64 << 20

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_stats" {
		p.serveStats(w, r)
		return
	}
	req := Classify(r)
	body, ok := p.readUploadName(w, r, &req)
	if !ok {
		return
	}
	fault, delay := p.decideFor(&req)
	if !p.wait(req, r, delay) || p.failBefore(w, req, fault) {
		return
	}
	release, ok := p.admitWrite(w, req)
	if !ok {
		return
	}
	resp, respBody, err := p.forward(r, body)
	if err != nil {
		if release != nil {
			release()
		}
		if r.Context().Err() != nil {
			return // the client gave up; nobody to answer
		}
		p.count(req, func(c *Counters) { c.UpstreamErrors++ })
		http.Error(w, "gcsfault: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.recordForwarded(req, resp, release)
	p.rewriteLocation(resp.Header, r)
	if fault == FaultDropAfter {
		p.count(req, func(c *Counters) { c.DroppedAfter++ })
		drop(w)
		return
	}
	relay(w, r, resp, respBody)
}

// readUploadName reads the body of an upload that names its object only
// there, so that the limit and the counters know the object. It returns
// false when it has answered the request itself.
func (p *Proxy) readUploadName(w http.ResponseWriter, r *http.Request, req *Request) ([]byte, bool) {
	if req.Object != "" || r.Method != http.MethodPost || (req.Kind != KindWrite && req.Kind != KindUploadInit) {
		return nil, true
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxParseBody+1))
	if err != nil {
		return nil, false // the client went away
	}
	if len(b) > maxParseBody {
		http.Error(w, "gcsfault: upload without a name parameter is too large to inspect", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	req.Object = nameFromBody(r.Header.Get("Content-Type"), b)
	return b, true
}

// decideFor names the object of a resumable upload's later requests, picks
// the request's fault and delay, and counts the request.
func (p *Proxy) decideFor(req *Request) (Fault, time.Duration) {
	p.mu.Lock()
	if req.Kind == KindUploadChunk || (req.Kind == KindWrite && req.UploadID != "") {
		if s, ok := p.uploads[req.UploadID]; ok {
			req.Bucket, req.Object = s.Bucket, s.Object
		}
	}
	fault, delay := p.decide(*req)
	p.mu.Unlock()
	p.count(*req, func(c *Counters) { c.count(req.Kind) })
	return fault, delay
}

// wait holds the request for delay; false when the client gave up meanwhile.
func (p *Proxy) wait(req Request, r *http.Request, delay time.Duration) bool {
	if delay <= 0 {
		return true
	}
	p.count(req, func(c *Counters) { c.Delayed++ })
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// failBefore injects the faults that stop a request before GCS sees it; true
// when it did.
func (p *Proxy) failBefore(w http.ResponseWriter, req Request, fault Fault) bool {
	switch fault {
	case Fault503:
		p.count(req, func(c *Counters) { c.Injected503++ })
		writeGCSError(w, http.StatusServiceUnavailable,
			gcsErrorBody(http.StatusServiceUnavailable, "We encountered an internal error. Please try again.", "global", "backendError"), 0)
		return true
	case FaultDropBefore:
		p.count(req, func(c *Counters) { c.DroppedBefore++ })
		drop(w)
		return true
	}
	return false
}

// admitWrite applies the object's mutation limit to a write: release gives
// the slot back; false when the write was answered with a 429.
func (p *Proxy) admitWrite(w http.ResponseWriter, req Request) (release func(), ok bool) {
	if req.Kind != KindWrite || p.cfg.MutationInterval <= 0 {
		return nil, true
	}
	if ok, release = p.reserve(req); !ok {
		p.count(req, func(c *Counters) { c.RateLimited++ })
		writeGCSError(w, http.StatusTooManyRequests, RateLimitBody(req.Key()), p.cfg.RetryAfter)
		return nil, false
	}
	return release, true
}

// recordForwarded counts what GCS answered and keeps what later requests
// need: the mutation slot of a landed write, the object of a new upload.
func (p *Proxy) recordForwarded(req Request, resp *http.Response, release func()) {
	p.count(req, func(c *Counters) { c.Forwarded++ })
	landed := resp.StatusCode >= 200 && resp.StatusCode < 300
	if req.Kind == KindWrite {
		if landed {
			p.count(req, func(c *Counters) { c.WritesLanded++ })
		} else if release != nil {
			// A refused write (412, 404...) changed nothing, so it does not use up the
			// object's mutation slot.
			release()
		}
	}
	if req.Kind == KindUploadInit && landed {
		p.rememberUpload(req, resp.Header.Get("Location"))
	}
}

// relay writes GCS's answer to the client.
func relay(w http.ResponseWriter, r *http.Request, resp *http.Response, respBody []byte) {
	h := w.Header()
	for k, vv := range resp.Header {
		if !hopByHop(k) {
			h[k] = vv
		}
	}
	noBody := r.Method == http.MethodHead || resp.StatusCode == http.StatusNoContent ||
		resp.StatusCode == http.StatusNotModified || resp.StatusCode < 200
	switch {
	case !noBody:
		h.Set("Content-Length", strconv.Itoa(len(respBody)))
	case r.Method == http.MethodHead && resp.ContentLength >= 0:
		h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10)) // what a GET would return
	}
	w.WriteHeader(resp.StatusCode)
	if !noBody {
		_, _ = w.Write(respBody)
	}
}

// decide picks the request's fault and delay; p.mu is held. Two random numbers are drawn
// for every request the faults apply to, whatever the rates, so that a seed gives the same
// sequence of decisions for the same sequence of requests.
func (p *Proxy) decide(req Request) (Fault, time.Duration) {
	if req.Kind == KindOther {
		return FaultNone, 0
	}
	for i, o := range p.once {
		if o.match(req) {
			p.once = append(p.once[:i:i], p.once[i+1:]...)
			return o.fault, 0
		}
	}
	var f Faults
	switch req.Kind {
	case KindObjectGet, KindMediaDownload, KindList:
		f = p.cfg.ReadFaults
	default:
		f = p.cfg.WriteFaults
	}
	if !f.any() {
		return FaultNone, 0
	}
	u, d := p.rng.Float64(), p.rng.Float64()
	var delay time.Duration
	if d < f.DelayRate {
		delay = f.Delay
	}
	switch {
	case u < f.FailRate:
		return Fault503, delay
	case u < f.FailRate+f.DropBeforeRate:
		return FaultDropBefore, delay
	case u < f.FailRate+f.DropBeforeRate+f.DropAfterRate:
		return FaultDropAfter, delay
	}
	return FaultNone, delay
}

// reserve takes the object's mutation slot, or reports that the last mutation was too
// recent. The returned release gives the slot back if the write turns out not to happen.
func (p *Proxy) reserve(req Request) (bool, func()) {
	key := req.Key()
	if key == "" {
		return true, nil // a chunk of a session the proxy did not see start: unknown object
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.cfg.Now()
	o := p.objects[key]
	if o == nil {
		o = &objectLimit{}
		p.objects[key] = o
	}
	if !o.last.IsZero() && now.Sub(o.last) < p.cfg.MutationInterval {
		return false, nil
	}
	prev := o.last
	o.last = now
	o.seq++
	mine := o.seq
	return true, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if o.seq == mine {
			o.last = prev
		}
	}
}

func (p *Proxy) forward(r *http.Request, body []byte) (*http.Response, []byte, error) {
	u := &url.URL{
		Scheme:   p.upstream.Scheme,
		Host:     p.upstream.Host,
		Path:     r.URL.Path,
		RawPath:  r.URL.RawPath,
		RawQuery: r.URL.RawQuery,
	}
	var rd io.Reader = r.Body
	length := r.ContentLength
	switch {
	case body != nil:
		rd, length = bytes.NewReader(body), int64(len(body))
	case r.ContentLength == 0:
		rd = http.NoBody
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), rd)
	if err != nil {
		return nil, nil, err
	}
	out.ContentLength = length
	for k, vv := range r.Header {
		if !hopByHop(k) {
			out.Header[k] = vv
		}
	}
	// out.Host stays the upstream's host: fake-gcs-server serves XML-API reads only for its
	// public host, so the request must look addressed to it.
	resp, err := p.client.Do(out)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	// Read it all: a drop-after must come after the store has finished the request.
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	return resp, b, nil
}

// rememberUpload maps a resumable session to its object, so that its final chunk (which
// GCS's session URL does not name the object in) is limited and counted per object.
func (p *Proxy) rememberUpload(req Request, location string) {
	u, err := url.Parse(location)
	if err != nil {
		return
	}
	id := u.Query().Get("upload_id")
	if id == "" {
		if rest, ok := strings.CutPrefix(u.Path, "/upload/resumable/"); ok {
			id = rest
		}
	}
	if id == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.uploads[id] = Request{Bucket: req.Bucket, Object: req.Object}
}

// rewriteLocation points a session URL that names the upstream back at the proxy, so that
// the upload's chunks pass through it too.
func (p *Proxy) rewriteLocation(h http.Header, r *http.Request) {
	for _, k := range []string{"Location", "X-Goog-Upload-Url"} {
		v := h.Get(k)
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.Host != p.upstream.Host {
			continue
		}
		u.Scheme, u.Host = "http", r.Host
		h.Set(k, u.String())
	}
}

// nameFromBody finds the object name in a multipart upload's metadata part or in a
// resumable session's JSON body.
func nameFromBody(contentType string, body []byte) string {
	var meta struct {
		Name string `json:"name"`
	}
	mt, params, _ := mime.ParseMediaType(contentType)
	if strings.HasPrefix(mt, "multipart/") {
		part, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).NextPart()
		if err != nil {
			return ""
		}
		_ = json.NewDecoder(part).Decode(&meta)
		return meta.Name
	}
	_ = json.Unmarshal(body, &meta)
	return meta.Name
}

// RateLimitBody is the body GCS sends with a 429 for an object mutated too often, for
// object "bucket/name". Its text is GCS's, as clients log it (for example
// "googleapi: Error 429: The object <bucket>/<object> exceeded the rate limit for object
// mutation operations (create, update, and delete). Please reduce your request rate. See
// https://cloud.google.com/storage/docs/gcs429., rateLimitExceeded").
func RateLimitBody(key string) []byte {
	msg := "The object " + key + " exceeded the rate limit for object mutation operations (create, update, and delete). Please reduce your request rate. See https://cloud.google.com/storage/docs/gcs429."
	return gcsErrorBody(http.StatusTooManyRequests, msg, "usageLimits", "rateLimitExceeded")
}

type gcsErrorItem struct {
	Message string `json:"message"`
	Domain  string `json:"domain"`
	Reason  string `json:"reason"`
}

type gcsError struct {
	Error struct {
		Code    int            `json:"code"`
		Message string         `json:"message"`
		Errors  []gcsErrorItem `json:"errors"`
	} `json:"error"`
}

func gcsErrorBody(code int, msg, domain, reason string) []byte {
	var e gcsError
	e.Error.Code = code
	e.Error.Message = msg
	e.Error.Errors = []gcsErrorItem{{Message: msg, Domain: domain, Reason: reason}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // object names may hold '&', '<': keep them as GCS does
	_ = enc.Encode(e)
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func writeGCSError(w http.ResponseWriter, code int, b []byte, retryAfter time.Duration) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	if retryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(retryAfter.Seconds())), 10))
	}
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// drop closes the client's connection without a response.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 has no hijacking; aborting the handler resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

var hopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Proxy-Connection": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
	"Content-Length": true, // recomputed from the body that is actually sent
}

func hopByHop(k string) bool { return hopHeaders[http.CanonicalHeaderKey(k)] }

// serveStats answers GET /_stats with the counters as JSON.
func (p *Proxy) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	b, err := json.MarshalIndent(p.Stats(), "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(b, '\n'))
}
