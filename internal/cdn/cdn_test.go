package cdn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

const (
	testToken = "tok-SECRET-3f9c2a7e"
	testZone  = "023e105f4ecef8ad9ca31a8372d0c353"
)

// recorded is what the fake saw of one request.
type recorded struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// fakeCloudflare speaks the purge_cache endpoint of Cloudflare's v4 API. respond decides the
// answer to the n-th request (0-based); nil means the success envelope.
type fakeCloudflare struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	respond  func(n int, w http.ResponseWriter, r *http.Request)
}

func newFake(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *fakeCloudflare {
	t.Helper()
	f := &fakeCloudflare{respond: respond}
	// httptest.NewServer listens on 127.0.0.1.
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		n := len(f.requests)
		f.requests = append(f.requests, recorded{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		f.mu.Unlock()
		if f.respond != nil {
			f.respond(n, w, r)
			return
		}
		writeEnvelope(w, http.StatusOK, true, nil)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeCloudflare) seen() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

func (f *fakeCloudflare) apiURL() string { return f.URL + "/client/v4/" }

type cfMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func writeEnvelope(w http.ResponseWriter, status int, success bool, errs []cfMessage) {
	if errs == nil {
		errs = []cfMessage{}
	}
	var result any
	if success {
		result = map[string]string{"id": "9a7806061c88ada191ed06f989cc3dac"}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"success":  success,
		"errors":   errs,
		"messages": []cfMessage{},
		"result":   result,
	})
}

func newTestPurger(t *testing.T, f *fakeCloudflare, mod func(*Config)) *Purger {
	t.Helper()
	cfg := Config{APIToken: testToken, ZoneID: testZone, BaseURL: f.apiURL(), HTTPClient: f.Client()}
	if mod != nil {
		mod(&cfg)
	}
	p, err := NewPurger(cfg)
	if err != nil {
		t.Fatalf("NewPurger: %v", err)
	}
	return p
}

func decodeFiles(t *testing.T, body []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("request body is not a JSON object: %v: %s", err, body)
	}
	if len(m) != 1 || m["files"] == nil {
		t.Fatalf(`request body should hold only "files", got %s`, body)
	}
	var files []string
	if err := json.Unmarshal(m["files"], &files); err != nil {
		t.Fatalf("files is not a list of strings: %v: %s", err, body)
	}
	return files
}

func assertNoToken(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatalf("error leaks the API token: %v", err)
	}
	if strings.Contains(fmt.Sprintf("%+v", err), testToken) {
		t.Fatalf("error leaks the API token with %%+v: %+v", err)
	}
}

func TestPurgeURLsSuccess(t *testing.T) {
	f := newFake(t, nil)
	p := newTestPurger(t, f, nil)
	urls := []string{
		"https://discover.spacemesh.io/networks.json",
		"https://discover.spacemesh.io/networks.json?format=smapp",
		"https://discover.spacemesh.io/networks.json", // duplicate: sent once
	}
	if err := p.PurgeURLs(context.Background(), urls); err != nil {
		t.Fatalf("PurgeURLs: %v", err)
	}
	reqs := f.seen()
	if len(reqs) != 1 {
		t.Fatalf("want 1 request, got %d", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/client/v4/zones/"+testZone+"/purge_cache" {
		t.Errorf("request = %s %s, want POST /client/v4/zones/%s/purge_cache", r.Method, r.Path, testZone)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q, want Bearer token", got)
	}
	if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type = %q", got)
	}
	want := urls[:2]
	if got := decodeFiles(t, r.Body); !reflect.DeepEqual(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
}

func TestPurgeURLsEmptySendsNothing(t *testing.T) {
	f := newFake(t, nil)
	p := newTestPurger(t, f, nil)
	for _, urls := range [][]string{nil, {}} {
		if err := p.PurgeURLs(context.Background(), urls); err != nil {
			t.Fatalf("PurgeURLs(%v): %v", urls, err)
		}
	}
	if n := len(f.seen()); n != 0 {
		t.Fatalf("want no request, got %d", n)
	}
}

func TestPurgeURLsRejectsRelativeURL(t *testing.T) {
	f := newFake(t, nil)
	p := newTestPurger(t, f, nil)
	for _, u := range []string{"/networks.json", "discover.spacemesh.io/networks.json", "gs://b/networks.json", "://x"} {
		err := p.PurgeURLs(context.Background(), []string{"https://ok.example/a", u})
		if err == nil || !strings.Contains(err.Error(), "absolute http(s) URL") {
			t.Errorf("PurgeURLs(%q) = %v, want an absolute-URL error", u, err)
		}
	}
	if n := len(f.seen()); n != 0 {
		t.Fatalf("invalid input must send nothing, got %d requests", n)
	}
}

func TestPurgeURLsBatches(t *testing.T) {
	f := newFake(t, nil)
	p := newTestPurger(t, f, nil)
	var urls []string
	for i := range 65 {
		urls = append(urls, fmt.Sprintf("https://discover.example/n%d.json", i))
	}
	if err := p.PurgeURLs(context.Background(), urls); err != nil {
		t.Fatalf("PurgeURLs: %v", err)
	}
	reqs := f.seen()
	if len(reqs) != 3 {
		t.Fatalf("want 3 requests for 65 URLs, got %d", len(reqs))
	}
	var all []string
	for i, r := range reqs {
		files := decodeFiles(t, r.Body)
		if len(files) > maxURLsPerRequest {
			t.Errorf("request %d has %d files, limit %d", i, len(files), maxURLsPerRequest)
		}
		all = append(all, files...)
	}
	if !reflect.DeepEqual(all, urls) {
		t.Errorf("batches do not add up to the input, in order")
	}
}

func TestPurgeURLsSuccessFalse(t *testing.T) {
	f := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeEnvelope(w, http.StatusOK, false, []cfMessage{{Code: 1012, Message: "Request must contain one of \"purge_everything\" or \"files\""}})
	})
	p := newTestPurger(t, f, nil)
	err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"})
	assertNoToken(t, err)
	if !strings.Contains(err.Error(), `Request must contain one of "purge_everything" or "files"`) || !strings.Contains(err.Error(), "1012") {
		t.Errorf("error should carry Cloudflare's message and code: %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusOK || len(apiErr.Errors) != 1 || apiErr.Errors[0].Code != 1012 {
		t.Errorf("want *APIError{200, [1012]}, got %#v", apiErr)
	}
	if n := len(f.seen()); n != 1 {
		t.Errorf("a refused purge is not retried: want 1 request, got %d", n)
	}
}

func TestPurgeURLsForbiddenDoesNotLeakToken(t *testing.T) {
	f := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeEnvelope(w, http.StatusForbidden, false, []cfMessage{{Code: 10000, Message: "Authentication error"}})
	})
	p := newTestPurger(t, f, nil)
	err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"})
	assertNoToken(t, err)
	if !strings.Contains(err.Error(), "Authentication error") || !strings.Contains(err.Error(), "403") {
		t.Errorf("error should say 403 and Cloudflare's message: %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Errorf("want *APIError with status 403, got %v", err)
	}
	if n := len(f.seen()); n != 1 {
		t.Errorf("403 is not retried: want 1 request, got %d", n)
	}
}

// A misbehaving server or proxy that echoes the credential back must not get it into the
// error text that Terraform shows and logs.
func TestPurgeURLsEchoedTokenIsRedacted(t *testing.T) {
	f := newFake(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		writeEnvelope(w, http.StatusBadRequest, false, []cfMessage{{Code: 6003, Message: "Invalid request headers: " + r.Header.Get("Authorization")}})
	})
	p := newTestPurger(t, f, nil)
	err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"})
	assertNoToken(t, err)
	if !strings.Contains(err.Error(), "Invalid request headers: Bearer [REDACTED]") {
		t.Errorf("want the echoed token redacted, got %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || strings.Contains(apiErr.Error(), testToken) || strings.Contains(fmt.Sprintf("%#v", apiErr), testToken) {
		t.Errorf("the unwrapped *APIError leaks the token: %#v", apiErr)
	}
}

// A non-JSON body is shown cut short; a token that straddles the cut must not leak in part.
func TestPurgeURLsEchoedTokenInHTMLIsRedactedBeforeTruncation(t *testing.T) {
	f := newFake(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		pad := strings.Repeat("x", 200-len("Bearer ")-len(testToken)/2)
		_, _ = io.WriteString(w, pad+r.Header.Get("Authorization")+" rest of the page")
	})
	p := newTestPurger(t, f, nil)
	err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"})
	assertNoToken(t, err)
	half := testToken[:len(testToken)/2]
	if strings.Contains(err.Error(), half) {
		t.Fatalf("error leaks part of the token: %v", err)
	}
}

func TestPurgeURLsServerErrorIsRetried(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFake(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n < 2 {
					// Retry-After: 0 keeps the test fast and shows the SDK's retry honours it.
					w.Header().Set("Retry-After", "0")
					writeEnvelope(w, status, false, []cfMessage{{Code: 971, Message: "Please wait and consider throttling your request speed"}})
					return
				}
				writeEnvelope(w, http.StatusOK, true, nil)
			})
			p := newTestPurger(t, f, nil)
			if err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"}); err != nil {
				t.Fatalf("PurgeURLs: %v", err)
			}
			reqs := f.seen()
			if len(reqs) != 3 {
				t.Fatalf("want 2 failures + 1 success = 3 requests, got %d", len(reqs))
			}
			for i, r := range reqs {
				if got := decodeFiles(t, r.Body); len(got) != 1 {
					t.Errorf("attempt %d sent body %s", i, r.Body)
				}
			}
		})
	}
}

func TestPurgeURLsServerErrorExhaustsRetries(t *testing.T) {
	f := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "0")
		writeEnvelope(w, http.StatusInternalServerError, false, []cfMessage{{Code: 10001, Message: "Internal server error"}})
	})
	p := newTestPurger(t, f, nil)
	err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"})
	assertNoToken(t, err)
	if !strings.Contains(err.Error(), "HTTP 500") || !strings.Contains(err.Error(), "Internal server error") {
		t.Errorf("error should say 500 and carry the message: %v", err)
	}
	if n := len(f.seen()); n != 1+DefaultMaxRetries {
		t.Errorf("want %d attempts, got %d", 1+DefaultMaxRetries, n)
	}
}

func TestPurgeURLsNonJSONErrorBody(t *testing.T) {
	f := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
	})
	p := newTestPurger(t, f, func(c *Config) { c.MaxRetries = -1 })
	err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"})
	assertNoToken(t, err)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
		t.Fatalf("want *APIError with status 502, got %v", err)
	}
	if !strings.Contains(err.Error(), "<html><body>502 Bad Gateway") {
		t.Errorf("error should show the start of the body: %v", err)
	}
	if n := len(f.seen()); n != 1 {
		t.Errorf("MaxRetries -1 means one attempt, got %d", n)
	}
}

func TestPurgeURLsContextCancel(t *testing.T) {
	arrived := make(chan struct{}, 1)
	f := newFake(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done() // hang until the client gives up
	})
	p := newTestPurger(t, f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	err := p.PurgeURLs(ctx, []string{"https://discover.example/networks.json"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if n := len(f.seen()); n != 1 {
		t.Errorf("a cancelled call is not retried: got %d requests", n)
	}
}

func TestBaseURLFromEnvironment(t *testing.T) {
	f := newFake(t, nil)
	// No trailing slash: the path must still be kept.
	t.Setenv(EnvBaseURL, f.URL+"/client/v4")
	p := newTestPurger(t, f, func(c *Config) { c.BaseURL = "" })
	if got := p.BaseURL(); got != f.URL+"/client/v4/" {
		t.Errorf("BaseURL() = %q", got)
	}
	if err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"}); err != nil {
		t.Fatalf("PurgeURLs: %v", err)
	}
	if reqs := f.seen(); len(reqs) != 1 || reqs[0].Path != "/client/v4/zones/"+testZone+"/purge_cache" {
		t.Fatalf("request did not reach the env base URL with its path: %+v", reqs)
	}
}

func TestBaseURLConfigWinsOverEnvironment(t *testing.T) {
	f := newFake(t, nil)
	t.Setenv(EnvBaseURL, "http://127.0.0.1:1/never/")
	p := newTestPurger(t, f, nil)
	if err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"}); err != nil {
		t.Fatalf("PurgeURLs: %v", err)
	}
	if n := len(f.seen()); n != 1 {
		t.Fatalf("want the request at Config.BaseURL, got %d there", n)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	t.Setenv(EnvBaseURL, "")
	p, err := NewPurger(Config{APIToken: testToken, ZoneID: testZone})
	if err != nil {
		t.Fatal(err)
	}
	if p.BaseURL() != DefaultBaseURL {
		t.Errorf("BaseURL() = %q, want %q", p.BaseURL(), DefaultBaseURL)
	}
}

// The SDK's own client constructor would add credentials from the environment; the purger
// must send only its token.
func TestAmbientCloudflareCredentialsAreNotSent(t *testing.T) {
	t.Setenv("CLOUDFLARE_API_KEY", "ambient-key")
	t.Setenv("CLOUDFLARE_EMAIL", "ops@example.com")
	t.Setenv("CLOUDFLARE_API_TOKEN", "ambient-token")
	t.Setenv("CLOUDFLARE_CUSTOM_HEADERS", "X-Extra: 1")
	f := newFake(t, nil)
	p := newTestPurger(t, f, nil)
	if err := p.PurgeURLs(context.Background(), []string{"https://discover.example/networks.json"}); err != nil {
		t.Fatalf("PurgeURLs: %v", err)
	}
	h := f.seen()[0].Header
	for _, k := range []string{"X-Auth-Key", "X-Auth-Email", "X-Extra"} {
		if v := h.Get(k); v != "" {
			t.Errorf("header %s = %q was sent", k, v)
		}
	}
	if got := h.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q, want the configured token", got)
	}
}

func TestNewPurgerValidation(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{ZoneID: testZone}, "token is required"},
		{"token with newline", Config{APIToken: testToken + "\nX-Injected: 1", ZoneID: testZone}, "whitespace or control"},
		{"no zone", Config{APIToken: testToken}, "zone id"},
		{"zone with slash", Config{APIToken: testToken, ZoneID: "a/../b"}, "zone id"},
		{"relative base", Config{APIToken: testToken, ZoneID: testZone, BaseURL: "api.cloudflare.com/client/v4"}, "base URL"},
		{"ftp base", Config{APIToken: testToken, ZoneID: testZone, BaseURL: "ftp://127.0.0.1/"}, "base URL"},
		{"userinfo base", Config{APIToken: testToken, ZoneID: testZone, BaseURL: "https://u:p@127.0.0.1/"}, "user info"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPurger(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewPurger = %v, want an error containing %q", err, tc.want)
			}
			if tc.cfg.APIToken != "" && strings.Contains(err.Error(), tc.cfg.APIToken) {
				t.Fatalf("error leaks the token: %v", err)
			}
		})
	}
}
