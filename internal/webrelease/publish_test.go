package webrelease

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
)

const bucket = "sm-web-test"

func mapping(t *testing.T) *Mapping {
	t.Helper()
	m, err := LoadMapping(filepath.Join("..", "..", "modules", "static-web", "content-types.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func build(t *testing.T, frontend, release string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["release.json"] = `{"frontend":"` + frontend + `","release":"` + release + `"}`
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func setup(t *testing.T) (*fakegcs.Server, func(frontend, release, dir string) (Report, error)) {
	t.Helper()
	fake := fakegcs.Start(t, bucket)
	ctx := context.Background()
	client, err := store.NewGCSClient(ctx, store.GCSConfig{Endpoint: fake.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	m := mapping(t)
	return fake, func(frontend, release, dir string) (Report, error) {
		return Publish(ctx, client.Bucket(bucket), m, frontend, release, dir)
	}
}

func TestPublishWritesHeadersAndIndexLast(t *testing.T) {
	fake, publish := setup(t)
	dir := build(t, "explorer", "v2.1.0", map[string]string{
		"index.html":                 "<!doctype html>v2.1.0",
		"static/js/main.1a2b3c4d.js": "console.log(1)",
		"manifest.json":              "{}",
	})
	rep, err := publish("explorer", "v2.1.0", dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Uploaded) != 4 || rep.Uploaded[len(rep.Uploaded)-1] != "explorer/v2.1.0/index.html" {
		t.Fatalf("uploaded %v: want 4 objects, index.html last", rep.Uploaded)
	}
	want := map[string][2]string{
		"explorer/v2.1.0/index.html":                 {"text/html; charset=utf-8", "no-cache"},
		"explorer/v2.1.0/static/js/main.1a2b3c4d.js": {"text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		"explorer/v2.1.0/manifest.json":              {"application/json", "public, max-age=300"},
	}
	for name, h := range want {
		obj, err := fake.GetObject(bucket, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if obj.ContentType != h[0] || obj.CacheControl != h[1] {
			t.Errorf("%s: Content-Type %q, Cache-Control %q; want %q, %q", name, obj.ContentType, obj.CacheControl, h[0], h[1])
		}
	}

	// A re-run of the same publish changes nothing.
	rep, err = publish("explorer", "v2.1.0", dir)
	if err != nil || len(rep.Uploaded) != 0 || len(rep.Unchanged) != 4 {
		t.Fatalf("re-run: %v, uploaded %v, unchanged %v", err, rep.Uploaded, rep.Unchanged)
	}
}

func TestPublishNeverOverwrites(t *testing.T) {
	fake, publish := setup(t)
	first := build(t, "explorer", "v2.1.0", map[string]string{"index.html": "first", "static/js/main.1a2b3c4d.js": "a"})
	if _, err := publish("explorer", "v2.1.0", first); err != nil {
		t.Fatal(err)
	}
	rebuilt := build(t, "explorer", "v2.1.0", map[string]string{"index.html": "rebuilt", "static/js/main.1a2b3c4d.js": "a"})
	_, err := publish("explorer", "v2.1.0", rebuilt)
	if err == nil || !strings.Contains(err.Error(), "explorer/v2.1.0/index.html is already published with other bytes") {
		t.Fatalf("publishing other bytes under the same release: %v", err)
	}
	if got := string(fake.Get(t, bucket, "explorer/v2.1.0/index.html")); got != "first" {
		t.Errorf("index.html is now %q; the published release must stay as it was", got)
	}
}

func TestPublishLeavesNoIndexWhenAFileFails(t *testing.T) {
	fake, publish := setup(t)
	dir := build(t, "dash", "v1.4.0", map[string]string{"index.html": "x", "static/js/main.1a2b3c4d.js": "a"})
	// A file that cannot be read fails the upload before index.html.
	if err := os.Symlink(filepath.Join(dir, "no-such-file"), filepath.Join(dir, "static", "js", "broken.0f0f0f0f.js")); err != nil {
		t.Fatal(err)
	}
	if _, err := publish("dash", "v1.4.0", dir); err == nil {
		t.Fatal("a build with an unreadable file was published")
	}
	if fake.Get(t, bucket, "dash/v1.4.0/index.html") != nil {
		t.Error("index.html was written although the release is incomplete")
	}
}

func TestPublishRefusesMislabelledBuilds(t *testing.T) {
	_, publish := setup(t)
	cases := []struct {
		frontend, release, want string
		dir                     string
	}{
		{"explorer", "v2.2.0", "names explorer/v2.1.0, not explorer/v2.2.0", build(t, "explorer", "v2.1.0", map[string]string{"index.html": "x"})},
		{"explorer", "v2.1.0", "has no index.html", build(t, "explorer", "v2.1.0", map[string]string{"static/app.js": "x"})},
		{"Explorer", "v2.1.0", "frontend must be", t.TempDir()},
		{"explorer", "../v2", "release must be", t.TempDir()},
		{"explorer", "v2.1.0", "is not a build of scripts/build-frontend.sh", t.TempDir()},
	}
	for _, c := range cases {
		_, err := publish(c.frontend, c.release, c.dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s/%s: %v, want an error saying %q", c.frontend, c.release, err, c.want)
		}
	}
}

// setupVia is setup with the emulator behind front, which may refuse
// requests.
func setupVia(t *testing.T, front func(upstream http.Handler) http.Handler) (*fakegcs.Server, func(frontend, release, dir string) (Report, error)) {
	t.Helper()
	fake := fakegcs.Start(t, bucket)
	u, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(front(httputil.NewSingleHostReverseProxy(u)))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	client, err := store.NewGCSClient(ctx, store.GCSConfig{Endpoint: srv.URL + "/storage/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	m := mapping(t)
	return fake, func(frontend, release, dir string) (Report, error) {
		return Publish(ctx, client.Bucket(bucket), m, frontend, release, dir)
	}
}

// refusedObject is the object refusingUploads refuses.
const refusedObject = "dash/v1.4.0/zz/index.html"

// refusingUploads answers 403 to every upload of refusedObject while refuse
// is set, as GCS does for an account that may not write there.
func refusingUploads(refuse *atomic.Bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/upload/") {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				if refuse.Load() && bytes.Contains(body, []byte(`"name":"`+refusedObject+`"`)) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusForbidden)
					_, _ = io.WriteString(w, `{"error":{"code":403,"message":"forbidden"}}`)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Only the top-level index.html marks a release complete: an index.html
// deeper in the build is an ordinary file, uploaded before it.
func TestPublishWritesOnlyTheTopLevelEntryLast(t *testing.T) {
	var refuse atomic.Bool
	fake, publish := setupVia(t, refusingUploads(&refuse))
	dir := build(t, "dash", "v1.4.0", map[string]string{
		"index.html":                 "top",
		"zz/index.html":              "nested",
		"aa/index.html":              "nested too",
		"static/js/main.1a2b3c4d.js": "a",
	})
	refuse.Store(true)
	if _, err := publish("dash", "v1.4.0", dir); err == nil {
		t.Fatal("the refused upload of zz/index.html did not fail the publish")
	}
	if fake.Get(t, bucket, "dash/v1.4.0/index.html") != nil {
		t.Error("index.html was written although zz/index.html is missing: the release looks complete")
	}
	// Run again once the upload is allowed: the publish completes, with the
	// top-level index.html last.
	refuse.Store(false)
	rep, err := publish("dash", "v1.4.0", dir)
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]string(nil), rep.Unchanged...), rep.Uploaded...)
	if n := len(rep.Uploaded); n == 0 || rep.Uploaded[n-1] != "dash/v1.4.0/index.html" {
		t.Errorf("uploaded %v, want dash/v1.4.0/index.html last", rep.Uploaded)
	}
	if len(all) != 5 {
		t.Errorf("uploaded %v and found %v, want all 5 files", rep.Uploaded, rep.Unchanged)
	}
}

// A publish that is refused uploads nothing: a build that differs from the
// published release must not leave its files in the live release.
func TestRefusedPublishUploadsNothing(t *testing.T) {
	fake, publish := setup(t)
	first := build(t, "explorer", "v2.1.0", map[string]string{"index.html": "first", "static/js/main.aaaaaaaa.js": "a"})
	if _, err := publish("explorer", "v2.1.0", first); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"other bytes", map[string]string{"index.html": "rebuilt", "static/js/main.aaaaaaaa.js": "a", "static/js/main.bbbbbbbb.js": "b"},
			"explorer/v2.1.0/index.html is already published with other bytes"},
		{"the same entry file, more files", map[string]string{"index.html": "first", "static/js/main.aaaaaaaa.js": "a", "static/js/main.bbbbbbbb.js": "b"},
			"explorer/v2.1.0 is already published (its index.html is in the bucket) and this build has files it lacks: static/js/main.bbbbbbbb.js"},
	} {
		rep, err := publish("explorer", "v2.1.0", build(t, "explorer", "v2.1.0", tt.files))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error with %q", tt.name, err, tt.want)
		}
		if len(rep.Uploaded) != 0 || fake.Get(t, bucket, "explorer/v2.1.0/static/js/main.bbbbbbbb.js") != nil {
			t.Errorf("%s: the refused build uploaded %v into the published release", tt.name, rep.Uploaded)
		}
	}
}
