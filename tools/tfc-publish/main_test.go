package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// fakeRegistry speaks the parts of the private registry API the tool uses
// and records what was created and uploaded.
type fakeRegistry struct {
	mu        sync.Mutex
	srv       *httptest.Server
	providers int
	exists    bool
	versions  []map[string]any
	platforms []map[string]any
	uploads   map[string]string // upload id -> content
	// linkBase is where upload links point (default: this server); a link's
	// path and query are its capability, as on the registry's object store.
	linkBase     string
	uploadStatus int // non-zero: uploads fail with it, echoing the request as object stores do
}

// capability is the secret part of every upload link the fake hands out.
const capability = "SECRET-OBJECT-TOKEN"

func (f *fakeRegistry) link(name string) string {
	base := f.linkBase
	if base == "" {
		base = f.srv.URL
	}
	return base + "/upload/" + name + "/" + capability + "?signature=" + capability
}

func newFakeRegistry(t *testing.T) *fakeRegistry {
	f := &fakeRegistry{uploads: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRegistry) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/upload/") {
		if f.uploadStatus != 0 {
			http.Error(w, "<Error><Code>AccessDenied</Code><Resource>"+r.URL.String()+"</Resource></Error>", f.uploadStatus)
			return
		}
		b, _ := io.ReadAll(r.Body)
		name, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/upload/"), "/")
		f.uploads[name] = string(b)
		return
	}
	if r.Header.Get("Authorization") != "Bearer secret-token" || r.Header.Get("Content-Type") != "application/vnd.api+json" {
		http.Error(w, `{"errors":[{"status":"401"}]}`, http.StatusUnauthorized)
		return
	}
	var doc struct {
		Data struct {
			Type       string         `json:"type"`
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	_ = json.NewDecoder(r.Body).Decode(&doc)
	links := map[string]string{}
	switch p := r.URL.Path; {
	case p == "/api/v2/organizations/sm/registry-providers" && doc.Data.Type == "registry-providers":
		if f.exists {
			http.Error(w, `{"errors":[{"status":"422","detail":"Name has already been taken"}]}`, http.StatusUnprocessableEntity)
			return
		}
		f.providers++
	case p == "/api/v2/organizations/sm/registry-providers/private/sm/spacemesh/versions" && doc.Data.Type == "registry-provider-versions":
		f.versions = append(f.versions, doc.Data.Attributes)
		links["shasums-upload"] = f.link("sums")
		links["shasums-sig-upload"] = f.link("sig")
	case strings.HasPrefix(p, "/api/v2/organizations/sm/registry-providers/private/sm/spacemesh/versions/1.2.3/platforms") && doc.Data.Type == "registry-provider-version-platforms":
		f.platforms = append(f.platforms, doc.Data.Attributes)
		links["provider-binary-upload"] = f.link(fmt.Sprintf("%s_%s", doc.Data.Attributes["os"], doc.Data.Attributes["arch"]))
	default:
		http.Error(w, "unexpected "+r.Method+" "+p, http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"links": links}})
}

func writeDist(t *testing.T, signed bool) string {
	dir := t.TempDir()
	files := map[string]string{
		"terraform-provider-spacemesh_1.2.3_linux_amd64.zip":  "zip-linux",
		"terraform-provider-spacemesh_1.2.3_darwin_arm64.zip": "zip-darwin",
		"terraform-provider-spacemesh_1.2.3_SHA256SUMS": "aaa  terraform-provider-spacemesh_1.2.3_linux_amd64.zip\n" +
			"bbb  terraform-provider-spacemesh_1.2.3_darwin_arm64.zip\nccc  terraform-provider-spacemesh_1.2.3_manifest.json\n",
	}
	if signed {
		files["terraform-provider-spacemesh_1.2.3_SHA256SUMS.sig"] = "signature"
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPublishesARelease(t *testing.T) {
	for _, exists := range []bool{false, true} {
		reg := newFakeRegistry(t)
		reg.exists = exists
		p := publisher{host: reg.srv.URL, org: "sm", keyID: "72D7468F", dist: writeDist(t, true), token: "secret-token", client: reg.srv.Client()}
		var out strings.Builder
		if err := p.run(context.Background(), &out); err != nil {
			t.Fatalf("exists=%v: %v", exists, err)
		}
		if len(reg.versions) != 1 || reg.versions[0]["version"] != "1.2.3" || reg.versions[0]["key-id"] != "72D7468F" ||
			fmt.Sprint(reg.versions[0]["protocols"]) != "[6.0]" {
			t.Errorf("versions = %v", reg.versions)
		}
		var got []string
		for _, pl := range reg.platforms {
			got = append(got, fmt.Sprintf("%s/%s %s %s", pl["os"], pl["arch"], pl["shasum"], pl["filename"]))
		}
		sort.Strings(got)
		want := []string{"darwin/arm64 bbb terraform-provider-spacemesh_1.2.3_darwin_arm64.zip", "linux/amd64 aaa terraform-provider-spacemesh_1.2.3_linux_amd64.zip"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("platforms = %v, want %v (the manifest is not a platform)", got, want)
		}
		if reg.uploads["sig"] != "signature" || !strings.Contains(reg.uploads["sums"], "linux_amd64.zip") ||
			reg.uploads["linux_amd64"] != "zip-linux" || reg.uploads["darwin_arm64"] != "zip-darwin" {
			t.Errorf("uploads = %v", reg.uploads)
		}
	}
}

func TestRefusesWhatTheRegistryWouldRefuse(t *testing.T) {
	reg := newFakeRegistry(t)
	base := publisher{host: reg.srv.URL, org: "sm", keyID: "72D7468F", token: "secret-token", client: reg.srv.Client()}
	for _, tt := range []struct {
		name   string
		mutate func(*publisher)
		want   string
	}{
		{"no token", func(p *publisher) { p.token = "" }, "TFE_TOKEN is not set"},
		{"no key", func(p *publisher) { p.keyID = "" }, "-key-id is required"},
		{"unsigned", func(p *publisher) { p.dist = writeDist(t, false) }, "the release is not signed"},
		{"no release", func(p *publisher) { p.dist = t.TempDir() }, "run goreleaser first"},
		{"wrong token", func(p *publisher) { p.token = "other" }, "HTTP 401"},
	} {
		p := base
		p.dist = writeDist(t, true)
		tt.mutate(&p)
		err := p.run(context.Background(), io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if len(reg.versions) != 0 {
		t.Errorf("a refused run created versions: %v", reg.versions)
	}
}

// An upload link is a capability: whoever holds it can write the release's
// files until it expires. A failed upload names the file and the link's host,
// never the link.
func TestFailedUploadDoesNotShowTheLink(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing listens there any more
	for _, tt := range []struct {
		name   string
		mutate func(*fakeRegistry)
	}{
		{"refused by the object store", func(f *fakeRegistry) { f.uploadStatus = http.StatusForbidden }},
		{"object store unreachable", func(f *fakeRegistry) { f.linkBase = closed.URL }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := newFakeRegistry(t)
			tt.mutate(reg)
			p := publisher{host: reg.srv.URL, org: "sm", keyID: "72D7468F", dist: writeDist(t, true), token: "secret-token", client: reg.srv.Client()}
			var out strings.Builder
			err := p.run(context.Background(), &out)
			if err == nil {
				t.Fatal("the upload did not fail")
			}
			t.Log(err)
			if shown := err.Error() + out.String(); strings.Contains(shown, capability) {
				t.Errorf("the upload link was shown:\n%s", shown)
			}
			if !strings.Contains(err.Error(), "terraform-provider-spacemesh_1.2.3_SHA256SUMS") {
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
}
