package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
)

// The command as CI runs it, against fake-gcs-server: a build published, then the same build again.
func TestRunPublishesABuild(t *testing.T) {
	fake := fakegcs.Start(t, "sm-web")
	dir := filepath.Join(t.TempDir(), "explorer", "v2.1.0")
	for name, body := range map[string]string{
		"index.html":                 "<!doctype html>",
		"static/js/main.1a2b3c4d.js": "1",
		"release.json":               `{"frontend":"explorer","release":"v2.1.0"}`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mapping := filepath.Join("..", "..", "modules", "static-web", "content-types.json")
	for i := 0; i < 2; i++ {
		if err := run("sm-web", "explorer", "v2.1.0", dir, mapping, fake.Endpoint()); err != nil {
			t.Fatalf("publish %d: %v", i+1, err)
		}
	}
	obj, err := fake.GetObject("sm-web", "explorer/v2.1.0/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if obj.CacheControl != "no-cache" || !strings.HasPrefix(obj.ContentType, "text/html") {
		t.Errorf("index.html: Cache-Control %q, Content-Type %q", obj.CacheControl, obj.ContentType)
	}
	if err := run("sm-web", "explorer", "v2.1.0", dir, "no-such-mapping.json", fake.Endpoint()); err == nil {
		t.Error("a missing mapping file was accepted")
	}
}
