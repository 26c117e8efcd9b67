//go:build webtest

// The browser test: headless Chromium against the load balancer's routing (server.go), with the info
// pages and network lists rendered by the real terraform from modules/static-web/site, and frontend
// releases built by scripts/build-frontend.sh from scripts/testdata/frontend-fixture. Run it with
// `make test-web` (needs chromium, npm and terraform); screenshots are written to the test's artifact
// directory (go test -artifacts, kept under -outputdir).
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func chromiumBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: apt-get install -y chromium (.ci/run does), or set CHROMIUM=/path/to/chrome")
	return ""
}

// browser runs headless Chromium with every host name resolved to the local server.
type browser struct {
	t       *testing.T
	bin     string
	profile string
	port    string
}

func (b *browser) run(args ...string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--disable-extensions", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--hide-scrollbars", "--user-data-dir=" + b.profile,
		// Every name (explore.example.org, 118.net.example.org, ...) reaches the local server.
		"--host-resolver-rules=MAP * 127.0.0.1",
		// Let the page's fetch of /networks.json finish before the DOM is dumped.
		"--virtual-time-budget=10000",
	}
	cmd := exec.CommandContext(ctx, b.bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

func (b *browser) url(host, path string) string {
	return "http://" + host + ":" + b.port + path
}

func (b *browser) dom(host, path string) string {
	b.t.Helper()
	return string(b.run("--dump-dom", b.url(host, path)))
}

func (b *browser) screenshot(host, path, file, size string) {
	b.t.Helper()
	b.run("--screenshot="+file, "--window-size="+size, b.url(host, path))
	if st, err := os.Stat(file); err != nil || st.Size() == 0 {
		b.t.Fatalf("no screenshot of %s%s written to %s: %v", host, path, file, err)
	}
	b.t.Logf("screenshot %s%s: %s", host, path, file)
}

// field returns the text of the element with data-field=name, or of its href when the text is a label.
func field(dom, name string) (text, href string, ok bool) {
	re := regexp.MustCompile(`<[a-z0-9]+ data-field="` + regexp.QuoteMeta(name) + `"(?: href="([^"]*)")?[^>]*>([^<]*)<`)
	m := re.FindStringSubmatch(dom)
	if m == nil {
		return "", "", false
	}
	return html.UnescapeString(m[2]), html.UnescapeString(m[1]), true
}

func buildRelease(t *testing.T, out, key, release string, labels int) string {
	t.Helper()
	root := repoRoot(t)
	cmd := exec.Command(filepath.Join(root, "scripts", "build-frontend.sh"),
		"--src", filepath.Join(root, "scripts", "testdata", "frontend-fixture"),
		"--frontend", key, "--release", release, "--out", out,
		"--labels-per-unit", fmt.Sprint(labels))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build-frontend.sh %s %s: %v\n%s", key, release, err, stderr.String())
	}
	dir := strings.TrimSpace(stdout.String())
	if dir != filepath.Join(out, key, release) {
		t.Fatalf("build-frontend.sh printed %q, want %q", dir, filepath.Join(out, key, release))
	}
	return dir
}

func TestBrowser(t *testing.T) {
	in := loadInputs(t)
	site := renderSite(t)
	shots := t.ArtifactDir()

	out := t.TempDir()
	releases := map[string]string{
		"explorer/v1.0.0":     buildRelease(t, out, "explorer", "v1.0.0", 1024),
		"explorer/v1.1.0":     buildRelease(t, out, "explorer", "v1.1.0", 4096),
		"dash/v1.0.0":         buildRelease(t, out, "dash", "v1.0.0", 1024),
		"explorer-dev/v1.0.0": buildRelease(t, out, "explorer-dev", "v1.0.0", 1024),
	}
	lb := newSiteServer(t, site, releases)
	srv := httptest.NewServer(lb)
	defer srv.Close()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, bin: chromiumBinary(t), profile: t.TempDir(), port: port}

	t.Run("info pages", func(t *testing.T) {
		b.t = t
		for _, n := range in.Networks {
			id := fmt.Sprint(n["net_id"])
			dev, _ := n["dev"].(bool)
			dom := b.dom(id+"."+site.infoHost(), "/")
			want := map[string]string{}
			for _, k := range []string{"name", "genesis_time", "genesis_id", "config_url", "config_sha256",
				"node_release", "min_node_release", "latest_node_release", "min_smapp_release", "latest_smapp_release",
				"smapp_base_download_url", "node_base_download_url", "explorer_url", "dash_url", "api_json_url", "api_grpc_url"} {
				want[k] = n[k].(string)
			}
			want["net_id"] = id
			want["smapp_genesis_id"] = "not published"
			if s, ok := n["smapp_genesis_id"].(string); ok {
				want["smapp_genesis_id"] = s
			}
			want["stats_api_url"] = "not published"
			if s, ok := n["stats_api_url"].(string); ok {
				want["stats_api_url"] = s
			}
			want["info_url"] = "https://" + id + "." + site.infoHost() + "/"
			for key, f := range in.Frontends {
				if (f.Document == "dev") == dev {
					want["frontend-"+key] = f.Release
				}
			}
			for k, v := range want {
				got, _, ok := field(dom, k)
				if !ok {
					t.Errorf("network %s: no %s on its info page", id, k)
				} else if got != v {
					t.Errorf("network %s: %s shows %q, want %q", id, k, got, v)
				}
			}
			// Download links of Smapp: <base>/v<release>, the path Smapp's updater fetches.
			for k, rel := range map[string]string{"smapp_min_url": "min_smapp_release", "smapp_latest_url": "latest_smapp_release"} {
				wantHref := n["smapp_base_download_url"].(string) + "/v" + strings.TrimPrefix(n[rel].(string), "v")
				if _, href, ok := field(dom, k); !ok || href != wantHref {
					t.Errorf("network %s: %s links %q, want %q", id, k, href, wantHref)
				}
			}
			for key, f := range in.Frontends {
				if (f.Document == "dev") != dev {
					if _, _, ok := field(dom, "frontend-"+key); ok {
						t.Errorf("network %s: its page names frontend %s, which does not serve it", id, key)
					}
				}
			}
			if dev {
				if got, _, _ := field(dom, "version_alias"); got != "https://1-2-3-1."+site.infoHost()+"/" {
					t.Errorf("devnet %s: release host %q", id, got)
				}
			}
		}
		// The aliases show the same page as the network's own host.
		if a, want := b.dom("test."+site.infoHost(), "/"), b.dom("118."+site.infoHost(), "/"); a != want {
			t.Error("test.<info host> does not show network 118's page")
		}
		if a, want := b.dom("1-2-3-1."+site.infoHost(), "/"), b.dom("401."+site.infoHost(), "/"); a != want {
			t.Error("1-2-3-1.<info host> does not show devnet 401's page")
		}
		b.screenshot("118."+site.infoHost(), "/", filepath.Join(shots, "info-page.png"), "1100,1500")
		b.screenshot("118."+site.infoHost(), "/", filepath.Join(shots, "info-page-phone.png"), "390,1700")
	})

	t.Run("index pages", func(t *testing.T) {
		b.t = t
		public := b.dom(site.infoHost(), "/")
		dev := b.dom("dev."+site.infoHost(), "/")
		for _, n := range in.Networks {
			id := fmt.Sprint(n["net_id"])
			isDev, _ := n["dev"].(bool)
			row := `data-net-id="` + id + `"`
			link := `href="https://` + id + "." + site.infoHost() + `/"`
			inPublic := strings.Contains(public, row) && strings.Contains(public, link) && strings.Contains(public, n["name"].(string))
			inDev := strings.Contains(dev, row) && strings.Contains(dev, link)
			if inPublic == isDev || inDev != isDev {
				t.Errorf("network %s (dev %v): on the public index %v, on the dev index %v", id, isDev, inPublic, inDev)
			}
		}
		if !strings.Contains(public, `href="https://test.`+site.infoHost()+`/"`) || !strings.Contains(dev, `href="https://1-2-3-1.`+site.infoHost()+`/"`) {
			t.Error("the index pages do not list their aliases")
		}
		if c, _, _ := field(public, "count"); c != "2" {
			t.Errorf("public index counts %q networks, want 2", c)
		}
		b.screenshot(site.infoHost(), "/", filepath.Join(shots, "index-page.png"), "1100,800")
	})

	t.Run("frontends", func(t *testing.T) {
		b.t = t
		check := func(host, path string, firstID, labels string, list []string) {
			t.Helper()
			dom := b.dom(host, path)
			if !strings.Contains(dom, `id="network" data-net-id="`+firstID+`"`) {
				t.Errorf("%s%s: does not open on network %s: %.600s", host, path, firstID, dom)
			}
			if !strings.Contains(dom, `<p id="path">`+path+`</p>`) {
				t.Errorf("%s%s: the deep link did not reach the frontend's router", host, path)
			}
			if !strings.Contains(dom, `<p id="labels-per-unit">`+labels+`</p>`) {
				t.Errorf("%s%s: not the release built with labels per unit %s", host, path, labels)
			}
			var got []string
			for _, m := range regexp.MustCompile(`<li data-net-id="(\d+)"`).FindAllStringSubmatch(dom, -1) {
				got = append(got, m[1])
			}
			if strings.Join(got, ",") != strings.Join(list, ",") {
				t.Errorf("%s%s: lists networks %v, want %v", host, path, got, list)
			}
		}
		check("explore.example.org", "/", "118", "1024", []string{"118", "119"})
		check("119.explore.example.org", "/accounts/stest1qyq/txs", "119", "1024", []string{"119", "118"})
		check("119.dash.example.org", "/epochs/12", "119", "1024", []string{"119", "118"})
		check("401.explore-dev.example.org", "/", "401", "1024", []string{"401"})
		b.screenshot("119.explore.example.org", "/accounts/stest1qyq/txs", filepath.Join(shots, "frontend-fixture.png"), "900,600")

		// The release switch: a new routing table (the URL map), nothing re-uploaded.
		switched := renderSite(t, `frontends={explorer={app="explorer",release="v1.1.0",host="explore.example.org"},dash={app="dash",release="v1.0.0",host="dash.example.org"},explorer-dev={app="explorer",release="v1.0.0",host="explore-dev.example.org",document="dev"}}`)
		lb.SetRoutes(switched.Routes)
		check("119.explore.example.org", "/blocks/7", "119", "4096", []string{"119", "118"})
		check("119.dash.example.org", "/", "119", "1024", []string{"119", "118"})
		lb.SetRoutes(site.Routes)
		check("explore.example.org", "/blocks/7", "118", "1024", []string{"118", "119"})
	})

	// The list behind /networks.json changes before the pages are rendered again (the provider rewrites
	// its views with the document; modules/static-web routes the pages' /networks.json there): the index
	// drops the retired network at once and its info page says it is retired.
	t.Run("network retired since the pages were rendered", func(t *testing.T) {
		b.t = t
		const list = "views/public/networks.json"
		var entries []map[string]any
		if err := json.Unmarshal([]byte(site.Objects[list].Content), &entries); err != nil {
			t.Fatalf("%s: %v", list, err)
		}
		var left []map[string]any
		for _, e := range entries {
			if fmt.Sprint(e["netID"]) != "119" {
				left = append(left, e)
			}
		}
		body, _ := json.Marshal(left)
		lb.Put(list, Object{Body: body, ContentType: "application/json", CacheControl: "no-cache"})
		defer lb.Put(list, Object{Body: []byte(site.Objects[list].Content), ContentType: "application/json", CacheControl: "no-cache"})

		hidden := regexp.MustCompile(`<tr data-net-id="(\d+)"[^>]*>`)
		index := b.dom(site.infoHost(), "/")
		rows := map[string]bool{}
		for _, m := range hidden.FindAllStringSubmatch(index, -1) {
			rows[m[1]] = strings.Contains(m[0], "hidden")
		}
		if len(rows) != 2 || !rows["119"] || rows["118"] {
			t.Errorf("index rows (net id: hidden) %v, want 119 hidden and 118 shown", rows)
		}
		if c, _, _ := field(index, "count"); c != "1" {
			t.Errorf("the index counts %q live networks, want 1", c)
		}
		notice := regexp.MustCompile(`<p class="notice" data-field="retired"[^>]*>`)
		for id, retired := range map[string]bool{"119": true, "118": false} {
			m := notice.FindString(b.dom(id+"."+site.infoHost(), "/"))
			if m == "" || strings.Contains(m, "hidden") == retired {
				t.Errorf("info page of %s: retired notice %q, want shown %v", id, m, retired)
			}
		}
		b.screenshot("119."+site.infoHost(), "/", filepath.Join(shots, "info-page-retired.png"), "1100,500")
	})
}

// scripts/build-frontend.sh on the fixture project: the variables baked in, release.json, the refusals.
func TestBuildFrontendScript(t *testing.T) {
	out := t.TempDir()
	dir := buildRelease(t, out, "dash-dev", "v1.4.0+2", 1024)
	b, err := os.ReadFile(filepath.Join(dir, "release.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"frontend": "dash-dev"`, `"release": "v1.4.0+2"`, `"REACT_APP_DISCOVERY_SERVICE_URL": "/networks.json"`, `"REACT_APP_LABELS_PER_UNIT": "1024"`, `"source_commit": null`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("release.json lacks %s: %s", want, b)
		}
	}
	bundles, _ := filepath.Glob(filepath.Join(dir, "static", "js", "main.*.js"))
	if len(bundles) != 1 {
		t.Fatalf("bundles: %v", bundles)
	}
	js, err := os.ReadFile(bundles[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"REACT_APP_DISCOVERY_SERVICE_URL":"/networks.json"`) {
		t.Error("the discovery URL is not baked into the bundle")
	}

	script := filepath.Join(repoRoot(t), "scripts", "build-frontend.sh")
	fixture := filepath.Join(repoRoot(t), "scripts", "testdata", "frontend-fixture")
	refusals := []struct {
		want string
		args []string
	}{
		{"exists: a release is never rebuilt in place", []string{"--src", fixture, "--frontend", "dash-dev", "--release", "v1.4.0+2", "--out", out}},
		{"--release must be a tag", []string{"--src", fixture, "--frontend", "dash", "--release", "../x", "--out", out}},
		{"--frontend must be", []string{"--src", fixture, "--frontend", "Dash", "--release", "v1", "--out", out}},
		{"--discovery-url must be", []string{"--src", fixture, "--frontend", "dash", "--release", "v1", "--out", out, "--discovery-url", "http://discover.example.org/networks.json"}},
		{"has no package.json", []string{"--src", out, "--frontend", "dash", "--release", "v1", "--out", out}},
		{"--env takes REACT_APP_NAME=value", []string{"--src", fixture, "--frontend", "dash", "--release", "v1", "--out", out, "--env", "PATH=/tmp"}},
	}
	for _, r := range refusals {
		cmd := exec.Command(script, r.args...)
		got, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(got), r.want) {
			t.Errorf("%v: %v: %s; want a refusal saying %q", r.args, err, got, r.want)
		}
	}
}

// siteInputs is modules/static-web/tests/site.tfvars.json, the values every page must show.
type siteInputs struct {
	Domain    string `json:"domain"`
	Networks  []map[string]any
	Frontends map[string]struct {
		App      string `json:"app"`
		Release  string `json:"release"`
		Host     string `json:"host"`
		Document string `json:"document"`
	} `json:"frontends"`
	Aliases map[string]int `json:"aliases"`
}

func loadInputs(t testing.TB) siteInputs {
	t.Helper()
	b, err := os.ReadFile(siteFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	var in siteInputs
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	return in
}

// infoHost is the index page's host, from the rendered routes (the page-index path matcher).
func (s siteOutput) infoHost() string {
	for h, r := range s.Routes {
		if r.Matcher == "page-index" {
			return h
		}
	}
	return ""
}
