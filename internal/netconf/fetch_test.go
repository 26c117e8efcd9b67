package netconf

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// shortRetries makes the retry policy fast for a test.
func shortRetries(t *testing.T, attemptTimeout time.Duration) {
	t.Helper()
	oa, ob, ot := fetchAttempts, fetchBackoff, fetchAttemptTimeout
	fetchAttempts, fetchBackoff, fetchAttemptTimeout = 3, time.Millisecond, attemptTimeout
	t.Cleanup(func() { fetchAttempts, fetchBackoff, fetchAttemptTimeout = oa, ob, ot })
}

func TestFetch(t *testing.T) {
	config := readTestdata(t, "testnet-current.json")
	tests := []struct {
		name     string
		handler  func(hit int, w http.ResponseWriter, r *http.Request)
		path     string
		wantBody []byte
		wantHits int32
		wantErr  error
		wantMsg  string
	}{
		{
			name: "ok",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Accept") != "application/json" {
					http.Error(w, "no accept", 400)
					return
				}
				w.Write(config)
			},
			wantBody: config, wantHits: 1,
		},
		{
			name: "retries 503 then succeeds",
			handler: func(hit int, w http.ResponseWriter, _ *http.Request) {
				if hit == 1 {
					http.Error(w, "busy", http.StatusServiceUnavailable)
					return
				}
				w.Write(config)
			},
			wantBody: config, wantHits: 2,
		},
		{
			name: "retries 429",
			handler: func(hit int, w http.ResponseWriter, _ *http.Request) {
				if hit < 3 {
					http.Error(w, "slow down", http.StatusTooManyRequests)
					return
				}
				w.Write(config)
			},
			wantBody: config, wantHits: 3,
		},
		{
			name:     "gives up on a persistent 500",
			handler:  func(_ int, w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", 500) },
			wantHits: 3, wantMsg: "gave up after 3 attempts: HTTP 500 Internal Server Error",
		},
		{
			name:     "404 is not retried",
			handler:  func(_ int, w http.ResponseWriter, _ *http.Request) { http.NotFound(w, nil) },
			wantHits: 1, wantMsg: "HTTP 404 Not Found",
		},
		{
			name: "announced too large",
			handler: func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(MaxConfigSize+1))
				w.Write([]byte("{}"))
			},
			wantHits: 1, wantErr: ErrTooLarge, wantMsg: "announces 4194305 bytes",
		},
		{
			name: "streamed too large",
			handler: func(_ int, w http.ResponseWriter, _ *http.Request) {
				chunk := bytes.Repeat([]byte(" "), 64<<10)
				for i := 0; i <= MaxConfigSize/len(chunk); i++ {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					if f, ok := w.(http.Flusher); ok {
						f.Flush()
					}
				}
			},
			wantHits: 1, wantErr: ErrTooLarge, wantMsg: "more than 4194304 bytes",
		},
		{
			name: "redirect to http refused",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://configs.example.org/x.json", http.StatusFound)
			},
			wantHits: 1, wantMsg: "redirect to http://configs.example.org/x.json refused",
		},
		{
			name: "redirect on https followed",
			path: "/old",
			handler: func(_ int, w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/old" {
					http.Redirect(w, r, "/new", http.StatusMovedPermanently)
					return
				}
				w.Write(config)
			},
			wantBody: config, wantHits: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shortRetries(t, 5*time.Second)
			var hits atomic.Int32
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tt.handler(int(hits.Add(1)), w, r)
			}))
			defer srv.Close()
			url := srv.URL + "/config.json"
			if tt.path != "" {
				url = srv.URL + tt.path
			}
			body, err := Fetch(context.Background(), srv.Client(), url)
			if got := hits.Load(); got != tt.wantHits {
				t.Errorf("server hit %d times, want %d", got, tt.wantHits)
			}
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(body, tt.wantBody) {
					t.Errorf("body = %q", body)
				}
				return
			}
			if err == nil {
				t.Fatal("Fetch succeeded")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v is not %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error %q does not contain %q and the URL", err, tt.wantMsg)
			}
		})
	}
}

func TestFetchRefusesNonHTTPS(t *testing.T) {
	for _, u := range []string{"http://configs.example.org/x.json", "file:///etc/passwd", "configs.example.org/x.json", "https:///x.json"} {
		_, err := Fetch(context.Background(), nil, u)
		if err == nil || !strings.Contains(err.Error(), "only absolute https:// URLs") || !strings.Contains(err.Error(), strings.TrimSuffix(u, "x.json")) {
			t.Errorf("Fetch(%q) = %v", u, err)
		}
	}
	_, err := Fetch(context.Background(), nil, "http://user:hunter2@configs.example.org/x.json")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password or is missing: %v", err)
	}
}

// The default client trusts only the system's roots, so the test server's
// self-signed certificate fails, and that is not retried.
func TestFetchDefaultClientVerifiesCertificates(t *testing.T) {
	shortRetries(t, 5*time.Second)
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is expected
	var handshakes atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			handshakes.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	_, err := Fetch(context.Background(), nil, srv.URL+"/config.json")
	if err == nil || !strings.Contains(err.Error(), "certificate") || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("Fetch = %v, want a certificate error naming the URL", err)
	}
	if hits.Load() != 0 {
		t.Error("the handler was reached through an untrusted certificate")
	}
	if n := handshakes.Load(); n != 1 {
		t.Errorf("%d connections, want 1: certificate errors must not be retried", n)
	}
}

func TestFetchRetriesTimeouts(t *testing.T) {
	shortRetries(t, time.Second)
	config := readTestdata(t, "testnet-current.json")
	var hits atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-release:
			}
			// Never a 200: whatever reaches the client must not look like a config.
			http.Error(w, "gave up waiting", http.StatusServiceUnavailable)
			return
		}
		w.Write(config)
	}))
	defer srv.Close()
	defer close(release)
	body, err := Fetch(context.Background(), srv.Client(), srv.URL+"/config.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, config) || hits.Load() != 2 {
		t.Errorf("body %d bytes after %d hits", len(body), hits.Load())
	}
}

func TestFetchGivesUpOnTimeouts(t *testing.T) {
	shortRetries(t, 50*time.Millisecond)
	var hits atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
		// Should the handler be released while the client still waits, it
		// answers 503, never an empty 200 that would pass for a config.
		http.Error(w, "gave up waiting", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	defer close(release)
	_, err := Fetch(context.Background(), srv.Client(), srv.URL+"/config.json")
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("Fetch = %v", err)
	}
	// The message counts attempts; a timed-out attempt may end before its
	// request reaches the handler, so hits can be lower.
	if n := hits.Load(); n < 1 || n > 3 {
		t.Errorf("%d requests, want 1 to 3", n)
	}
}

func TestFetchStopsWhenCancelled(t *testing.T) {
	shortRetries(t, 5*time.Second)
	fetchBackoff = time.Hour // the cancellation must cut the wait short
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	// Long enough for the first attempt's TLS handshake on a loaded machine;
	// the hour-long backoff must still be cut short by it.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := Fetch(ctx, srv.Client(), srv.URL+"/config.json")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("Fetch = %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d attempts, want 1", hits.Load())
	}
}
