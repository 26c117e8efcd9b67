package webtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/webrelease"
)

// fakeRelease writes a minimal build like react-scripts': index.html, a hashed bundle, a manifest.
func fakeRelease(t *testing.T, marker string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":                 "<!doctype html><title>" + marker + "</title>",
		"static/js/main.0123abcd.js": "console.log(" + `"` + marker + `"` + ")",
		"manifest.json":              `{"name":"` + marker + `"}`,
	}
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

type response struct {
	location     string
	status       int
	body         string
	contentType  string
	cacheControl string
}

func get(t *testing.T, srv *httptest.Server, host, path string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.Header.Get("Location"), resp.StatusCode, string(b), resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control")}
}

func netIDs(t *testing.T, body string) []int {
	t.Helper()
	var list []struct {
		NetID int `json:"netID"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("not a network list: %v: %s", err, body)
	}
	ids := make([]int, 0, len(list))
	for _, n := range list {
		ids = append(ids, n.NetID)
	}
	return ids
}

// The routing the module's URL map is built from, served: host rules, release prefixes, the index
// fallback of deep links, per-host network lists, info pages and aliases, and each object's headers.
func TestRoutingOfTheRenderedSite(t *testing.T) {
	site := renderSite(t)
	releases := map[string]string{
		"explorer/v1.0.0":     fakeRelease(t, "explorer-1.0.0"),
		"dash/v1.0.0":         fakeRelease(t, "dash-1.0.0"),
		"explorer-dev/v1.0.0": fakeRelease(t, "explorer-dev-1.0.0"),
	}
	srv := httptest.NewServer(newSiteServer(t, site, releases))
	defer srv.Close()

	const noCache = "no-cache"
	cases := []struct {
		host, path   string
		status       int
		bodyHas      string
		contentType  string
		cacheControl string
	}{
		{"explore.example.org", "/", 200, "explorer-1.0.0", "text/html; charset=utf-8", noCache},
		{"explore.example.org", "/index.html", 200, "explorer-1.0.0", "text/html; charset=utf-8", noCache},
		{"explore.example.org", "/txs/0x12ab/details", 200, "explorer-1.0.0", "text/html; charset=utf-8", noCache},
		{"118.explore.example.org", "/accounts/stest1qqq", 200, "explorer-1.0.0", "text/html; charset=utf-8", noCache},
		{"explore.example.org", "/static/js/main.0123abcd.js", 200, "explorer-1.0.0", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"explore.example.org", "/manifest.json", 200, "explorer-1.0.0", "application/json", "public, max-age=300"},
		{"dash.example.org", "/", 200, "dash-1.0.0", "text/html; charset=utf-8", noCache},
		{"119.dash.example.org", "/some/deep/link", 200, "dash-1.0.0", "text/html; charset=utf-8", noCache},
		{"explore-dev.example.org", "/", 200, "explorer-dev-1.0.0", "text/html; charset=utf-8", noCache},
		{"118.net.example.org", "/", 200, "TweedleDee Open Testnet 118", "text/html; charset=utf-8", noCache},
		{"test.net.example.org", "/", 200, "TweedleDee Open Testnet 118", "text/html; charset=utf-8", noCache},
		{"1-2-3-1.net.example.org", "/", 200, "Devnet 401", "text/html; charset=utf-8", noCache},
		{"401.net.example.org", "/index.html", 200, "Devnet 401", "text/html; charset=utf-8", noCache},
		{"net.example.org", "/", 200, "TweedleDum Open Testnet 119", "text/html; charset=utf-8", noCache},
		{"dev.net.example.org", "/", 200, "Devnet 401", "text/html; charset=utf-8", noCache},
		// A missing hashed asset is a real 404, never index.html.
		{"explore.example.org", "/static/js/main.ffffffff.js", 404, "", "", ""},
		// Devnets are not on the public frontends' hosts, and hosts not served go to the index.
		{"401.explore.example.org", "/", 302, "", "", ""},
		{"other.example.org", "/some/path?x=1", 302, "", "", ""},
		{"118.net.example.org", "/nothing-here", 404, "", "", ""},
	}
	for _, c := range cases {
		r := get(t, srv, c.host, c.path)
		if r.status != c.status {
			t.Errorf("%s%s: status %d, want %d", c.host, c.path, r.status, c.status)
			continue
		}
		if c.status == 302 && r.location != "https://net.example.org/" {
			t.Errorf("%s%s: redirected to %q, want the index https://net.example.org/", c.host, c.path, r.location)
		}
		if c.status != 200 {
			continue
		}
		if !strings.Contains(r.body, c.bodyHas) {
			t.Errorf("%s%s: body does not contain %q: %.200s", c.host, c.path, c.bodyHas, r.body)
		}
		if r.contentType != c.contentType || r.cacheControl != c.cacheControl {
			t.Errorf("%s%s: Content-Type %q, Cache-Control %q; want %q, %q", c.host, c.path, r.contentType, r.cacheControl, c.contentType, c.cacheControl)
		}
	}

	// The index of public networks does not list the devnet.
	if r := get(t, srv, "net.example.org", "/"); strings.Contains(r.body, "Devnet 401") {
		t.Error("the public index lists the devnet")
	}

	// Each host's /networks.json: the bare host the document order, <net_id>.<host> its own network first.
	lists := []struct {
		host string
		want []int
	}{
		{"explore.example.org", []int{118, 119}},
		{"118.explore.example.org", []int{118, 119}},
		{"119.explore.example.org", []int{119, 118}},
		{"119.dash.example.org", []int{119, 118}},
		{"explore-dev.example.org", []int{401}},
		{"401.explore-dev.example.org", []int{401}},
	}
	for _, l := range lists {
		r := get(t, srv, l.host, "/networks.json")
		if r.status != 200 || r.cacheControl != noCache || r.contentType != "application/json" {
			t.Errorf("%s/networks.json: status %d, Cache-Control %q, Content-Type %q", l.host, r.status, r.cacheControl, r.contentType)
			continue
		}
		if got := netIDs(t, r.body); !reflect.DeepEqual(got, l.want) {
			t.Errorf("%s/networks.json lists %v, want %v", l.host, got, l.want)
		}
	}
}

// A release switch changes the rewrites of that frontend's hosts and nothing else in the routing.
func TestReleaseSwitchChangesOnlyTheRoute(t *testing.T) {
	before := renderSite(t)
	after := renderSite(t, `frontends={explorer={app="explorer",release="v1.1.0",host="explore.example.org"},dash={app="dash",release="v1.0.0",host="dash.example.org"},explorer-dev={app="explorer",release="v1.0.0",host="explore-dev.example.org",document="dev"}}`)

	if !reflect.DeepEqual(sortedKeys(before.Routes), sortedKeys(after.Routes)) {
		t.Fatalf("hosts changed: %v -> %v", sortedKeys(before.Routes), sortedKeys(after.Routes))
	}
	changed := 0
	for host, b := range before.Routes {
		a := after.Routes[host]
		explorerHost := host == "explore.example.org" || strings.HasSuffix(host, ".explore.example.org")
		if !explorerHost {
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s changed with the explorer release: %+v -> %+v", host, b, a)
			}
			continue
		}
		changed++
		if a.Matcher != b.Matcher || a.Kind != b.Kind || len(a.Rules) != len(b.Rules) {
			t.Fatalf("%s: more than the rewrites changed", host)
		}
		for i := range b.Rules {
			br, ar := b.Rules[i], a.Rules[i]
			swap := func(s string) string { return strings.ReplaceAll(s, "/explorer/v1.0.0/", "/explorer/v1.1.0/") }
			br.Rewrite = swap(br.Rewrite)
			if br.Fallback != nil {
				f := swap(*br.Fallback)
				br.Fallback = &f
			}
			if !reflect.DeepEqual(ar, br) {
				t.Errorf("%s rule %d: %+v, want %+v", host, i, ar, br)
			}
		}
	}
	if changed != 3 { // explore.example.org, 118.explore..., 119.explore...
		t.Errorf("%d explorer hosts, want 3", changed)
	}

	// Served: the switch takes effect with the new table alone (no object is rewritten).
	releases := map[string]string{
		"explorer/v1.0.0": fakeRelease(t, "explorer-1.0.0"),
		"explorer/v1.1.0": fakeRelease(t, "explorer-1.1.0"),
	}
	s := newSiteServer(t, before, releases)
	srv := httptest.NewServer(s)
	defer srv.Close()
	if r := get(t, srv, "118.explore.example.org", "/deep/link"); !strings.Contains(r.body, "explorer-1.0.0") {
		t.Fatalf("before the switch: %s", r.body)
	}
	s.SetRoutes(after.Routes)
	if r := get(t, srv, "118.explore.example.org", "/deep/link"); !strings.Contains(r.body, "explorer-1.1.0") {
		t.Errorf("after the switch: %s", r.body)
	}
	// Rollback is the same change back.
	s.SetRoutes(before.Routes)
	if r := get(t, srv, "explore.example.org", "/"); !strings.Contains(r.body, "explorer-1.0.0") {
		t.Errorf("after the rollback: %s", r.body)
	}
}

func TestMappingHeaders(t *testing.T) {
	m, err := webrelease.LoadMapping(filepath.Join(repoRoot(t), "modules", "static-web", "content-types.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, ct, cc string }{
		{"explorer/v2.1.0/index.html", "text/html; charset=utf-8", "no-cache"},
		{"explorer/v2.1.0/static/js/main.1a2b3c4d.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"explorer/v2.1.0/static/js/787.8e4f2a1b.chunk.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"explorer/v2.1.0/static/css/main.0f9e8d7c.css.map", "application/json", "public, max-age=31536000, immutable"},
		{"explorer/v2.1.0/static/media/logo.4c1b2a3d5e6f7a8b9c0d.svg", "image/svg+xml", "public, max-age=31536000, immutable"},
		{"explorer/v2.1.0/favicon.ico", "image/x-icon", "public, max-age=300"},
		{"explorer/v2.1.0/manifest.json", "application/json", "public, max-age=300"},
		{"explorer/v2.1.0/LICENSE", "application/octet-stream", "public, max-age=300"},
	}
	for _, c := range cases {
		ct, cc := m.Headers(c.name)
		if ct != c.ct || cc != c.cc {
			t.Errorf("%s: %q, %q; want %q, %q", c.name, ct, cc, c.ct, c.cc)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// Bad input is refused at plan time, naming what is wrong.
func TestSiteRefusesBadInput(t *testing.T) {
	net := func(id int, extra string) string {
		return fmt.Sprintf(`{name="n%[1]d",net_id=%[1]d,genesis_time="2026-01-01T00:00:00Z",genesis_id="aa",config_url="https://c.example.org/%[1]d.json",config_sha256="ff",node_release="v1.0.0",min_node_release="1.0.0",latest_node_release="1.0.0",min_smapp_release="1.0.0",latest_smapp_release="1.0.0",smapp_base_download_url="https://s.example.org",node_base_download_url="https://d.example.org",api_json_url="https://%[1]d.api.example.org",api_grpc_url="https://%[1]d.api.example.org",explorer_url="https://%[1]d.explore.example.org/",dash_url="https://%[1]d.dash.example.org/",dash_api_url="wss://%[1]d.dash-api.example.org/ws"%[2]s}`, id, extra)
	}
	cases := []struct {
		name, want string
		vars       []string
	}{
		{"plain http", "must be https", []string{"networks=[" + net(1, `,stats_api_url="http://1.stats.example.org/"`) + "]"}},
		{"net id twice", "must not list a net_id twice", []string{"networks=[" + net(1, "") + "," + net(1, "") + "]"}},
		{"alias to no network", "aliases must name net ids that are in networks", []string{"aliases={test=999}"}},
		{"two devnets, one tag", "Two devnets were deployed for the same release tag", []string{"networks=[" + net(1, `,dev=true,release_tag="v1.2.3+1"`) + "," + net(2, `,dev=true,release_tag="v1.2.3+1"`) + "]"}},
		{"unknown app", `frontends[*].app must be "explorer" or "dash"`, []string{`frontends={explorer={app="wallet",release="v1",host="explore.example.org"}}`}},
		{"release as a path", "frontends[*].release must be a release tag", []string{`frontends={explorer={app="explorer",release="../v1",host="explore.example.org"}}`}},
		{"explorer without dashAPI", "needs its own dash_api_url", []string{"networks=[" + net(1, "") + "," + net(2, `,dash_api_url=null`) + "]"}},
		{"explorer with a shared dashAPI", "needs its own dash_api_url", []string{"networks=[" + net(1, "") + "," + net(2, `,dash_api_url="wss://1.dash-api.example.org/ws"`) + "]"}},
	}
	for _, c := range cases {
		_, err := tryRenderSite(t, c.vars...)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if msg := strings.Join(strings.Fields(err.Error()), " "); !strings.Contains(msg, c.want) {
			t.Errorf("%s: the error does not say %q: %s", c.name, c.want, msg)
		}
	}
}
