package fakegcs

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
)

// AuthRecorder is a plain-http proxy in front of the emulator that records
// the Authorization header of every request it passes on.
type AuthRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "METHOD path: Authorization"
}

// RecordAuth starts an AuthRecorder in front of f, stopped when the test ends.
func (f *Server) RecordAuth(t testing.TB) *AuthRecorder {
	t.Helper()
	u, err := url.Parse(f.URL())
	if err != nil {
		t.Fatal(err)
	}
	rec := &AuthRecorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			rec.mu.Lock()
			rec.seen = append(rec.seen, fmt.Sprintf("%s %s: %s", r.Method, r.URL.Path, a))
			rec.mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// Endpoint is the JSON API endpoint through the recorder.
func (r *AuthRecorder) Endpoint() string { return r.URL + "/storage/v1/" }

// Authorizations are the requests that carried an Authorization header.
func (r *AuthRecorder) Authorizations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// TokenServer is an OAuth2 token endpoint that hands out a fixed access
// token and counts the requests for one.
type TokenServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
}

// StartTokenServer starts a TokenServer, stopped when the test ends.
func StartTokenServer(t testing.TB, accessToken string) *TokenServer {
	t.Helper()
	ts := &TokenServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ts.mu.Lock()
		ts.requests++
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": accessToken, "token_type": "Bearer", "expires_in": 3600})
	}))
	t.Cleanup(ts.Close)
	return ts
}

// Requests is how many tokens were asked for.
func (ts *TokenServer) Requests() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.requests
}

// ServiceAccountKey is a service account key file with a fresh private key
// whose token endpoint is ts, so that no test reaches Google.
func (ts *TokenServer) ServiceAccountKey(t testing.TB) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]string{
		"type":           "service_account",
		"project_id":     "sm-test",
		"private_key_id": "0123456789abcdef",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   "publisher@sm-test.iam.gserviceaccount.com",
		"client_id":      "1",
		"token_uri":      ts.URL + "/token",
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
