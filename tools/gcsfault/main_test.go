package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/gcsfault"
)

func TestRunServesAndStops(t *testing.T) {
	// A stand-in upstream: the tool's job is wiring flags to the proxy, which has its own tests.
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer up.Close()
	upURL := up.URL

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-upstream", upURL, "-rate-limit", "1h", "-retry-after", "3s", "-seed", "5"}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the URL: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("printed %q, want http://127.0.0.1:<port>", url)
	}

	post := func() *http.Response {
		resp, err := http.Post(url+"/upload/storage/v1/b/b/o?uploadType=media&name=o", "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(); r.StatusCode != http.StatusOK {
		t.Fatalf("first write: %s", r.Status)
	}
	if r := post(); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "3" {
		t.Fatalf("second write within -rate-limit: %s, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}

	resp, err := http.Get(url + "/_stats")
	if err != nil {
		t.Fatal(err)
	}
	var st gcsfault.Stats
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if st.Writes != 2 || st.RateLimited != 1 || st.Objects["b/o"].WritesLanded != 1 {
		t.Errorf("/_stats: %+v", st)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{}, // no upstream
		{"-upstream", "http://127.0.0.1:1", "-listen", "0.0.0.0:0"}, // not loopback
		{"-upstream", "http://127.0.0.1:1", "-fail-rate", "0.7", "-drop-rate", "0.7"},
		{"-upstream", "http://127.0.0.1:1", "extra"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
