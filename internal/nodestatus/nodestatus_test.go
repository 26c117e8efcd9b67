package nodestatus

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// node answers NodeService/Status like go-spacemesh's JSON gateway: syncing
// for the first `syncing` calls, synced afterwards (never when syncing < 0).
func node(t *testing.T, syncing int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != StatusPath || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if string(body) != "{}" {
			http.Error(w, "body "+string(body), http.StatusBadRequest)
			return
		}
		n := calls.Add(1)
		status := "SYNC_STATUS_SYNCING"
		if syncing >= 0 && n > syncing {
			status = Synced
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"connectedPeers": "12", "status": status, "latestLayer": 100 + n, "appliedLayer": 90 + n,
			"processedLayer": 95 + n, "currentLayer": 120,
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestWaitReturnsOnceSynced(t *testing.T) {
	t.Parallel()
	srv, calls := node(t, 3)
	var seen []string
	s, err := Wait(context.Background(), srv.Client(), srv.URL+"/", time.Minute, time.Millisecond, func(s Status, err error) {
		if err != nil {
			t.Errorf("poll failed: %v", err)
		}
		seen = append(seen, s.SyncStatus)
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.SyncStatus != Synced || calls.Load() != 4 || len(seen) != 4 || seen[0] != "SYNC_STATUS_SYNCING" {
		t.Errorf("status %+v after %d calls, seen %v", s, calls.Load(), seen)
	}
	if s.ConnectedPeers != "12" || s.LatestLayer != "104" {
		t.Errorf("fields misread: %+v", s)
	}
}

func TestWaitTimesOutNamingTheLastAnswer(t *testing.T) {
	t.Parallel()
	srv, calls := node(t, -1)
	_, err := Wait(context.Background(), srv.Client(), srv.URL, 200*time.Millisecond, 20*time.Millisecond, nil)
	if err == nil {
		t.Fatal("a node that never syncs was reported synced")
	}
	for _, want := range []string{"not synced after 200ms", "SYNC_STATUS_SYNCING", "12 peers", srv.URL} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if calls.Load() < 2 {
		t.Errorf("polled %d times", calls.Load())
	}
}

func TestQueryQuotesWhatCameBack(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream connect error", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, err := Query(context.Background(), srv.Client(), srv.URL)
	if err == nil || !strings.Contains(err.Error(), "HTTP 503: upstream connect error") {
		t.Errorf("503: %v", err)
	}
	html := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "<html>hello</html>")
	}))
	defer html.Close()
	_, err = Query(context.Background(), html.Client(), html.URL)
	if err == nil || !strings.Contains(err.Error(), `expected a JSON NodeService status with "status", got: <html>hello</html>`) {
		t.Errorf("html: %v", err)
	}
}

func TestWaitReportsAnUnreachableNode(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	client := srv.Client()
	url := srv.URL
	srv.Close()
	_, err := Wait(context.Background(), client, url, 100*time.Millisecond, 10*time.Millisecond, nil)
	if err == nil || !strings.Contains(err.Error(), "the last poll failed") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("unreachable: %v", err)
	}
}

// answering serves body (as JSON) to every request.
func answering(t *testing.T, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// go-spacemesh's JSON gateway never redirects: a redirect comes from
// something else, and whatever answers at its target (any host, plain http
// included) must not decide that a network is live.
func TestQueryRefusesRedirects(t *testing.T) {
	t.Parallel()
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"SYNC_STATUS_SYNCED","connectedPeers":"50"}`)
	}))
	t.Cleanup(elsewhere.Close) // after the parallel subtests
	sameHostSynced := "/synced"
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, target := range []string{"plain http elsewhere", "same host"} {
			t.Run(fmt.Sprintf("%d to %s", code, target), func(t *testing.T) {
				t.Parallel()
				var srv *httptest.Server
				srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == sameHostSynced {
						_, _ = io.WriteString(w, `{"status":"SYNC_STATUS_SYNCED"}`)
						return
					}
					to := elsewhere.URL + StatusPath
					if target == "same host" {
						to = srv.URL + sameHostSynced
					}
					http.Redirect(w, r, to, code)
				}))
				t.Cleanup(srv.Close)
				s, err := Query(context.Background(), srv.Client(), srv.URL)
				if err == nil || s.SyncStatus == Synced {
					t.Fatalf("a redirect was followed: %+v %v", s, err)
				}
				if !strings.Contains(err.Error(), "redirect") || !strings.Contains(err.Error(), fmt.Sprint(code)) {
					t.Errorf("the error does not say a redirect was refused: %v", err)
				}
				t.Log(err)
			})
		}
	}
}

// Only "status" decides, read exactly as the gateway writes it: protojson
// emits the key "status" once, as an enum name. Other fields are for logs,
// and their shape is not checked.
func TestQueryReadsStatusStrictly(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, body string
		want       string // the status, or "" for an error
		wantErr    string
	}{
		{name: "another spelling after status", body: `{"status":"SYNC_STATUS_SYNCING","Status":"SYNC_STATUS_SYNCED"}`, want: "SYNC_STATUS_SYNCING"},
		{name: "another spelling only", body: `{"Status":"SYNC_STATUS_SYNCED","STATUS":"SYNC_STATUS_SYNCED"}`, wantErr: `no "status"`},
		{name: "status twice", body: `{"status":"SYNC_STATUS_SYNCING","status":"SYNC_STATUS_SYNCED"}`, wantErr: `"status" twice`},
		{name: "status a number", body: `{"status":3}`, wantErr: `"status" must be a string`},
		{name: "status null", body: `{"status":null}`, wantErr: `"status" must be a string`},
		{name: "not an object", body: `["status","SYNC_STATUS_SYNCED"]`, wantErr: "expected a JSON NodeService status"},
		{name: "data after the object", body: `{"status":"SYNC_STATUS_SYNCING"}{"status":"SYNC_STATUS_SYNCED"}`, wantErr: "expected a JSON NodeService status"},
		{name: "other fields of any shape", body: `{"connectedPeers":{"n":12},"latestLayer":[1,2],"appliedLayer":null,"status":"SYNC_STATUS_SYNCED","extra":"x"}`, want: Synced},
		{name: "other fields twice", body: `{"latestLayer":1,"latestLayer":2,"status":"SYNC_STATUS_SYNCED"}`, want: Synced},
	} {
		srv := answering(t, tt.body)
		s, err := Query(context.Background(), srv.Client(), srv.URL)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: %+v %v, want an error with %q", tt.name, s, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || s.SyncStatus != tt.want):
			t.Errorf("%s: %+v %v, want status %s", tt.name, s, err, tt.want)
		}
	}
}
