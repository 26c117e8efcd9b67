package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// fakeRegistry speaks the parts of the private registry API the tool uses
// (cloud-docs/api-docs/private-registry/provider-versions-platforms): a
// version's and a platform's attributes say whether their files are uploaded
// (shasums-uploaded, shasums-sig-uploaded, provider-binary-uploaded); an
// upload link is given while a file is missing, a download link once it is
// there; creating what exists is a 422. Links point at an object store whose
// path and query are the capability, as archivist's are.
type fakeRegistry struct {
	mu        sync.Mutex
	srv       *httptest.Server
	providers int
	exists    bool                      // the provider exists already
	versions  map[string]map[string]any // version -> attributes as created
	platforms map[string]map[string]any // "version/os_arch" -> attributes as created
	objects   map[string]string         // "version/sums", "version/sig", "version/os_arch" -> content
	puts      map[string]int            // successful uploads per object
	creates   []string                  // "version 1.2.3", "platform 1.2.3/linux_amd64"
	// linkBase is where upload links point (default: this server).
	linkBase     string
	uploadStatus int            // non-zero: every upload fails with it, echoing the request as object stores do
	failPut      map[string]int // object -> how many of its uploads still fail with a 500
}

// capability is the secret part of every link the fake hands out.
const capability = "SECRET-OBJECT-TOKEN"

const apiBase = "/api/v2/organizations/sm/registry-providers"
const providerAPI = apiBase + "/private/sm/spacemesh"

func newFakeRegistry(t *testing.T) *fakeRegistry {
	f := &fakeRegistry{
		versions: map[string]map[string]any{}, platforms: map[string]map[string]any{},
		objects: map[string]string{}, puts: map[string]int{}, failPut: map[string]int{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRegistry) link(kind, object string) string {
	base := f.linkBase
	if base == "" || kind == "download" {
		base = f.srv.URL
	}
	return base + "/" + kind + "/" + object + "/" + capability + "?signature=" + capability
}

// objectOf reads the object name out of a link's path.
func objectOf(path, kind string) string {
	return strings.TrimSuffix(strings.TrimPrefix(path, "/"+kind+"/"), "/"+capability)
}

func (f *fakeRegistry) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/upload/"):
		obj := objectOf(r.URL.Path, "upload")
		if f.uploadStatus != 0 {
			http.Error(w, "<Error><Code>AccessDenied</Code><Resource>"+r.URL.String()+"</Resource></Error>", f.uploadStatus)
			return
		}
		if f.failPut[obj] > 0 {
			f.failPut[obj]--
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		b, _ := io.ReadAll(r.Body)
		f.objects[obj] = string(b)
		f.puts[obj]++
		return
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/download/"):
		if r.Header.Get("Authorization") != "" {
			http.Error(w, "a download link needs no token", http.StatusBadRequest)
			return
		}
		content, ok := f.objects[objectOf(r.URL.Path, "download")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, content)
		return
	}
	if r.Header.Get("Authorization") != "Bearer secret-token" || (r.Method == http.MethodPost && r.Header.Get("Content-Type") != "application/vnd.api+json") {
		http.Error(w, `{"errors":[{"status":"401"}]}`, http.StatusUnauthorized)
		return
	}
	var doc struct {
		Data struct {
			Type       string         `json:"type"`
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	if r.Method == http.MethodPost {
		_ = json.NewDecoder(r.Body).Decode(&doc)
	}
	attrs := doc.Data.Attributes
	p := r.URL.Path
	rest, inVersions := strings.CutPrefix(p, providerAPI+"/versions/")
	parts := strings.Split(rest, "/")
	switch {
	case r.Method == http.MethodPost && p == apiBase && doc.Data.Type == "registry-providers":
		if f.exists {
			f.fail(w, http.StatusUnprocessableEntity, "Name has already been taken")
			return
		}
		f.providers++
		f.answer(w, http.StatusCreated, nil, nil)
	case r.Method == http.MethodPost && p == providerAPI+"/versions" && doc.Data.Type == "registry-provider-versions":
		v, _ := attrs["version"].(string)
		if f.versions[v] != nil {
			f.fail(w, http.StatusUnprocessableEntity, "Version has already been taken")
			return
		}
		f.versions[v] = attrs
		f.creates = append(f.creates, "version "+v)
		f.answerVersion(w, http.StatusCreated, v)
	case r.Method == http.MethodGet && inVersions && len(parts) == 1:
		if f.versions[parts[0]] == nil {
			f.fail(w, http.StatusNotFound, "not found")
			return
		}
		f.answerVersion(w, http.StatusOK, parts[0])
	case r.Method == http.MethodPost && inVersions && len(parts) == 2 && parts[1] == "platforms" && doc.Data.Type == "registry-provider-version-platforms":
		if f.versions[parts[0]] == nil {
			f.fail(w, http.StatusNotFound, "not found")
			return
		}
		key := fmt.Sprintf("%s/%s_%s", parts[0], attrs["os"], attrs["arch"])
		if f.platforms[key] != nil {
			f.fail(w, http.StatusUnprocessableEntity, "Platform has already been taken")
			return
		}
		f.platforms[key] = attrs
		f.creates = append(f.creates, "platform "+key)
		f.answerPlatform(w, http.StatusCreated, key)
	case r.Method == http.MethodGet && inVersions && len(parts) == 4 && parts[1] == "platforms":
		key := parts[0] + "/" + parts[2] + "_" + parts[3]
		if f.platforms[key] == nil {
			f.fail(w, http.StatusNotFound, "not found")
			return
		}
		f.answerPlatform(w, http.StatusOK, key)
	default:
		http.Error(w, "unexpected "+r.Method+" "+p, http.StatusNotFound)
	}
}

func (f *fakeRegistry) fail(w http.ResponseWriter, code int, detail string) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"status": fmt.Sprint(code), "detail": detail}}})
}

func (f *fakeRegistry) answer(w http.ResponseWriter, code int, attrs map[string]any, links map[string]string) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"attributes": attrs, "links": links}})
}

// fileLinks adds the upload link of object while it is missing, else its
// download link.
func (f *fakeRegistry) fileLinks(links map[string]string, object, upload, download string) bool {
	if _, ok := f.objects[object]; ok {
		links[download] = f.link("download", object)
		return true
	}
	links[upload] = f.link("upload", object)
	return false
}

func (f *fakeRegistry) answerVersion(w http.ResponseWriter, code int, v string) {
	attrs := map[string]any{"permissions": map[string]any{"can-delete": true}}
	for k, val := range f.versions[v] {
		attrs[k] = val
	}
	links := map[string]string{}
	attrs["shasums-uploaded"] = f.fileLinks(links, v+"/sums", "shasums-upload", "shasums-download")
	attrs["shasums-sig-uploaded"] = f.fileLinks(links, v+"/sig", "shasums-sig-upload", "shasums-sig-download")
	f.answer(w, code, attrs, links)
}

func (f *fakeRegistry) answerPlatform(w http.ResponseWriter, code int, key string) {
	attrs := map[string]any{"permissions": map[string]any{"can-delete": true}}
	for k, val := range f.platforms[key] {
		attrs[k] = val
	}
	links := map[string]string{}
	attrs["provider-binary-uploaded"] = f.fileLinks(links, key, "provider-binary-upload", "provider-binary-download")
	f.answer(w, code, attrs, links)
}

// signingKey is the test's release key, made once: generating keys is slow.
var signingKey = sync.OnceValue(func() *openpgp.Entity { return newKey("release") })
var otherKey = sync.OnceValue(func() *openpgp.Entity { return newKey("other") })

func newKey(name string) *openpgp.Entity {
	e, err := openpgp.NewEntity(name, "", name+"@example.org", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		panic(err)
	}
	return e
}

// releaseKeyID is the release key's id, as the registry names it.
func releaseKeyID() string { return signingKey().PrimaryKey.KeyIdString() }

// zips are the archives of the test release and their contents.
var zips = map[string]string{
	"terraform-provider-spacemesh_1.2.3_linux_amd64.zip":  "zip-linux",
	"terraform-provider-spacemesh_1.2.3_darwin_arm64.zip": "zip-darwin",
}

const sumsFile = "terraform-provider-spacemesh_1.2.3_SHA256SUMS"

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// writeDist writes what goreleaser leaves in dist, SHA256SUMS signed by
// signer (unsigned when nil) as a binary detached signature, as gpg
// --detach-sign writes it; and the public key of the release key, armored, as
// the organisation has it. It returns dist and the public key's path.
func writeDist(t *testing.T, signer *openpgp.Entity) (string, string) {
	t.Helper()
	dir := t.TempDir()
	var sums strings.Builder
	names := make([]string, 0, len(zips))
	for name := range zips {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&sums, "%s  %s\n", sha(zips[name]), name)
		writeFile(t, dir, name, zips[name])
	}
	fmt.Fprintf(&sums, "%s  terraform-provider-spacemesh_1.2.3_manifest.json\n", sha(`{"version":1}`))
	writeFile(t, dir, sumsFile, sums.String())
	if signer != nil {
		var sig bytes.Buffer
		if err := openpgp.DetachSign(&sig, signer, strings.NewReader(sums.String()), nil); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, sumsFile+".sig", sig.String())
	}
	var pub bytes.Buffer
	w, err := armor.Encode(&pub, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := signingKey().Serialize(w); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	keyDir := t.TempDir()
	writeFile(t, keyDir, "release.asc", pub.String())
	return dir, filepath.Join(keyDir, "release.asc")
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newPublisher(t *testing.T, reg *fakeRegistry) publisher {
	dist, pub := writeDist(t, signingKey())
	return publisher{host: reg.srv.URL, org: "sm", keyID: releaseKeyID(), publicKey: pub, dist: dist, token: "secret-token", client: reg.srv.Client()}
}

// published checks that the registry holds the whole test release, each file
// uploaded once.
func (f *fakeRegistry) published(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	v := f.versions["1.2.3"]
	if v == nil || v["key-id"] != releaseKeyID() || fmt.Sprint(v["protocols"]) != "[6.0]" {
		t.Errorf("version 1.2.3 = %v", v)
	}
	var got []string
	for key, pl := range f.platforms {
		got = append(got, fmt.Sprintf("%s %s/%s %s %s", key, pl["os"], pl["arch"], pl["shasum"], pl["filename"]))
	}
	sort.Strings(got)
	want := []string{
		fmt.Sprintf("1.2.3/darwin_arm64 darwin/arm64 %s terraform-provider-spacemesh_1.2.3_darwin_arm64.zip", sha("zip-darwin")),
		fmt.Sprintf("1.2.3/linux_amd64 linux/amd64 %s terraform-provider-spacemesh_1.2.3_linux_amd64.zip", sha("zip-linux")),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("platforms = %v, want %v (the manifest is not a platform)", got, want)
	}
	if !strings.Contains(f.objects["1.2.3/sums"], "linux_amd64.zip") || f.objects["1.2.3/sig"] == "" ||
		f.objects["1.2.3/linux_amd64"] != "zip-linux" || f.objects["1.2.3/darwin_arm64"] != "zip-darwin" {
		t.Errorf("objects = %v", f.objects)
	}
	for obj, n := range f.puts {
		if n != 1 {
			t.Errorf("%s was uploaded %d times", obj, n)
		}
	}
	creates := append([]string(nil), f.creates...)
	sort.Strings(creates)
	if want := "[platform 1.2.3/darwin_arm64 platform 1.2.3/linux_amd64 version 1.2.3]"; fmt.Sprint(creates) != want {
		t.Errorf("created %v, want each of %s once", creates, want)
	}
}

func TestPublishesARelease(t *testing.T) {
	for _, exists := range []bool{false, true} {
		reg := newFakeRegistry(t)
		reg.exists = exists
		p := newPublisher(t, reg)
		var out strings.Builder
		if err := p.run(context.Background(), &out); err != nil {
			t.Fatalf("exists=%v: %v", exists, err)
		}
		reg.published(t)
	}
}

func TestRefusesWhatTheRegistryWouldRefuse(t *testing.T) {
	reg := newFakeRegistry(t)
	for _, tt := range []struct {
		name   string
		mutate func(*publisher)
		want   string
	}{
		{"no token", func(p *publisher) { p.token = "" }, "TFE_TOKEN is not set"},
		{"no key", func(p *publisher) { p.keyID = "" }, "-key-id is required"},
		{"no public key", func(p *publisher) { p.publicKey = "" }, "-public-key is required"},
		{"unsigned", func(p *publisher) { p.dist, _ = writeDist(t, nil) }, "the release is not signed"},
		{"no release", func(p *publisher) { p.dist = t.TempDir() }, "run goreleaser first"},
		{"wrong token", func(p *publisher) { p.token = "other" }, "HTTP 401"},
	} {
		p := newPublisher(t, reg)
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
			p := newPublisher(t, reg)
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

// A publish that failed part-way is finished by running it again: what was
// created is reused, what was uploaded is not uploaded again.
func TestResumesAPublishThatFailedPartWay(t *testing.T) {
	for _, failAt := range []string{"1.2.3/sums", "1.2.3/sig", "1.2.3/linux_amd64", "1.2.3/darwin_arm64"} {
		t.Run(failAt, func(t *testing.T) {
			reg := newFakeRegistry(t)
			reg.failPut[failAt] = 1
			p := newPublisher(t, reg)
			if err := p.run(context.Background(), io.Discard); err == nil || !strings.Contains(err.Error(), "HTTP 500") {
				t.Fatalf("first run: %v, want the failed upload", err)
			}
			var out strings.Builder
			if err := p.run(context.Background(), &out); err != nil {
				t.Fatalf("second run: %v", err)
			}
			reg.published(t)
			// Once complete, another run changes nothing.
			out.Reset()
			if err := p.run(context.Background(), &out); err != nil {
				t.Fatalf("third run: %v", err)
			}
			reg.published(t)
			if !strings.Contains(out.String(), "already") {
				t.Errorf("a run over a complete release does not say so:\n%s", out.String())
			}
		})
	}
}

// A version that exists with other content is never completed with ours: a
// client would verify our zips against its SHA256SUMS, or its zips against our
// key.
func TestRefusesAVersionPublishedWithOtherContent(t *testing.T) {
	for _, tt := range []struct {
		name string
		seed func(f *fakeRegistry)
		want string
	}{
		{"another key", func(f *fakeRegistry) {
			f.versions["1.2.3"] = map[string]any{"version": "1.2.3", "key-id": "0123456789ABCDEF", "protocols": []any{"6.0"}}
		}, "key 0123456789ABCDEF"},
		{"another SHA256SUMS", func(f *fakeRegistry) {
			f.versions["1.2.3"] = map[string]any{"version": "1.2.3", "key-id": releaseKeyID(), "protocols": []any{"6.0"}}
			f.objects["1.2.3/sums"] = "0000  terraform-provider-spacemesh_1.2.3_linux_amd64.zip\n"
		}, "other SHA256SUMS"},
		{"a platform with another archive", func(f *fakeRegistry) {
			f.versions["1.2.3"] = map[string]any{"version": "1.2.3", "key-id": releaseKeyID(), "protocols": []any{"6.0"}}
			f.platforms["1.2.3/linux_amd64"] = map[string]any{"os": "linux", "arch": "amd64", "shasum": sha("other"), "filename": "terraform-provider-spacemesh_1.2.3_linux_amd64.zip"}
		}, "platform linux_amd64 with shasum " + sha("other")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := newFakeRegistry(t)
			tt.seed(reg)
			p := newPublisher(t, reg)
			err := p.run(context.Background(), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "1.2.3") {
				t.Fatalf("%v, want a refusal naming the version and %q", err, tt.want)
			}
			t.Log(err)
			if len(reg.puts) != 0 || len(reg.creates) != 0 {
				t.Errorf("a refused run uploaded %v and created %v", reg.puts, reg.creates)
			}
		})
	}
}

// What is uploaded is what was signed: every zip against SHA256SUMS, and
// SHA256SUMS against the release key, before anything reaches the registry.
func TestVerifiesTheReleaseBeforeUploading(t *testing.T) {
	linuxZip := "terraform-provider-spacemesh_1.2.3_linux_amd64.zip"
	for _, tt := range []struct {
		name   string
		mutate func(t *testing.T, p *publisher)
		want   string
	}{
		{"a zip that is not the one SHA256SUMS lists", func(t *testing.T, p *publisher) {
			writeFile(t, p.dist, linuxZip, "tampered")
		}, linuxZip + ": its sha256 is " + sha("tampered") + ", " + sumsFile + " says " + sha("zip-linux")},
		{"a zip SHA256SUMS lists is missing", func(t *testing.T, p *publisher) {
			_ = os.Remove(filepath.Join(p.dist, linuxZip))
		}, linuxZip},
		{"SHA256SUMS changed after signing", func(t *testing.T, p *publisher) {
			b, _ := os.ReadFile(filepath.Join(p.dist, sumsFile))
			writeFile(t, p.dist, sumsFile, string(b)+sha("x")+"  terraform-provider-spacemesh_1.2.3_windows_amd64.zip\n")
		}, "signature"},
		{"signed by another key", func(t *testing.T, p *publisher) {
			p.dist, _ = writeDist(t, otherKey())
		}, "signature"},
		{"a signature that is not one", func(t *testing.T, p *publisher) {
			writeFile(t, p.dist, sumsFile+".sig", "not a signature")
		}, "signature"},
		{"-key-id is not the public key's", func(t *testing.T, p *publisher) {
			p.keyID = "0123456789ABCDEF"
		}, "0123456789ABCDEF"},
		{"a public key that is not one", func(t *testing.T, p *publisher) {
			writeFile(t, filepath.Dir(p.publicKey), filepath.Base(p.publicKey), "not a key")
		}, "-public-key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := newFakeRegistry(t)
			p := newPublisher(t, reg)
			tt.mutate(t, &p)
			err := p.run(context.Background(), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%v, want an error with %q", err, tt.want)
			}
			t.Log(err)
			if reg.providers != 0 || len(reg.creates) != 0 || len(reg.puts) != 0 {
				t.Errorf("an unverified release reached the registry: providers %d, created %v, uploaded %v", reg.providers, reg.creates, reg.puts)
			}
		})
	}
}
