package provider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

const testToken = "cf-token-6f1d2b9e8a7c4d3e2f1a0b9c8d7e6f5a"

// fakeCloudflare speaks the purge_cache endpoint of Cloudflare's API.
type fakeCloudflare struct {
	*httptest.Server
	mu     sync.Mutex
	purges [][]string
	fail   bool
}

func startFakeCloudflare(t *testing.T, zone string) *fakeCloudflare {
	f := &fakeCloudflare{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}`)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/zones/"+zone+"/purge_cache" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"success":false,"errors":[{"code":7003,"message":"No route for that URI"}],"messages":[],"result":null}`)
			return
		}
		var body struct {
			Files []string `json:"files"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.fail {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"success":false,"errors":[{"code":1012,"message":"Request must contain one of \"purge_everything\", \"files\", \"tags\", \"hosts\" or \"prefixes\""}],"messages":[],"result":null}`)
			return
		}
		f.purges = append(f.purges, body.Files)
		fmt.Fprint(w, `{"success":true,"errors":[],"messages":[],"result":{"id":"`+zone+`"}}`)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeCloudflare) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.purges)
}

func (f *fakeCloudflare) checkPurges(want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.purges) != want {
			return fmt.Errorf("%d purges, want %d", len(f.purges), want)
		}
		for _, files := range f.purges {
			if strings.Join(files, " ") != "https://discover.example.org/ https://discover.example.org/networks.json" {
				return fmt.Errorf("purged %v", files)
			}
		}
		return nil
	}
}

func cdnProviderHCL(path, base string) string {
	return fmt.Sprintf(`
provider "spacemesh" {
  discovery_url         = "file://%s"
  cloudflare_zone_id    = "023e105f4ecef8ad9ca31a8372d0c353"
  cloudflare_base_url   = %q
  discovery_public_urls = ["https://discover.example.org/", "https://discover.example.org/networks.json"]
}
`, path, base)
}

func TestAccCloudflarePurgeAfterEveryWrite(t *testing.T) {
	cf := startFakeCloudflare(t, "023e105f4ecef8ad9ca31a8372d0c353")
	doc := filepath.Join(t.TempDir(), "networks.json")
	other := filepath.Join(t.TempDir(), "other.json")
	logs := t.TempDir()
	t.Setenv("CLOUDFLARE_API_TOKEN", testToken)
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", filepath.Join(logs, "provider.log"))
	t.Setenv("TF_ACC_LOG_PATH", filepath.Join(logs, "terraform.log"))
	cfg := cdnProviderHCL(doc, cf.URL)
	noTokenInState := func(s *terraform.State) error {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), testToken) {
			return fmt.Errorf("the Cloudflare token is in the state")
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg + entryHCL("net", 118, nil),
				Check:  resource.ComposeAggregateTestCheckFunc(cf.checkPurges(1), noTokenInState),
			},
			{
				Config: cfg + entryHCL("net", 118, map[string]string{"latest_smapp_release": `"1.9.0"`}),
				Check:  resource.ComposeAggregateTestCheckFunc(cf.checkPurges(2), noTokenInState),
			},
			{
				// A refused purge is a warning: the write stands.
				PreConfig: func() { cf.mu.Lock(); cf.fail = true; cf.mu.Unlock() },
				Config:    cfg + entryHCL("net", 118, map[string]string{"latest_smapp_release": `"1.9.1"`}),
				Check: func(*terraform.State) error {
					b, _ := os.ReadFile(doc)
					if !strings.Contains(string(b), `"1.9.1"`) {
						return fmt.Errorf("the write was lost with the purge:\n%s", b)
					}
					return nil
				},
			},
			{
				// A document of its own is not behind discovery_public_urls: no purge.
				PreConfig: func() { cf.mu.Lock(); cf.fail = false; cf.mu.Unlock() },
				Config: cfg + entryHCL("net", 118, map[string]string{"latest_smapp_release": `"1.9.1"`}) +
					entryHCL("other", 119, map[string]string{"discovery_url": fmt.Sprintf("%q", "file://"+other)}),
				Check: resource.ComposeAggregateTestCheckFunc(cf.checkPurges(2), func(*terraform.State) error {
					if b, _ := os.ReadFile(other); !strings.Contains(string(b), `"netID": 119,`) {
						return fmt.Errorf("entry 119 not written to its own document: %s", b)
					}
					return nil
				},
					checkClientContract(docEnv{read: func() []byte { b, _ := os.ReadFile(doc); return b }}),
					checkClientContract(docEnv{read: func() []byte { b, _ := os.ReadFile(other); return b }})),
			},
		},
	})
	// The destroy removed entry 118 from the provider's document: one more purge.
	if cf.count() != 3 {
		t.Errorf("%d successful purges, want 3", cf.count())
	}
	providerLogged := false
	files, _ := filepath.Glob(filepath.Join(logs, "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		providerLogged = providerLogged || strings.Contains(string(b), "discovery document change finished")
		if strings.Contains(string(b), testToken) {
			t.Errorf("the Cloudflare token is in %s", p)
		}
	}
	if !providerLogged {
		t.Errorf("the provider's debug log was not captured in %v: the token check proved nothing", files)
	}
}

func TestAccCloudflareConfigurationErrors(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "networks.json")
	t.Setenv("CLOUDFLARE_API_TOKEN", "")
	cases := []struct {
		provider string
		want     string
	}{
		{cdnProviderHCL(doc, "http://127.0.0.1:1"), `(?s)cloudflare_api_token.*Zone > Cache Purge`},
		{fmt.Sprintf(`
provider "spacemesh" {
  discovery_url        = "file://%s"
  cloudflare_zone_id   = "023e105f4ecef8ad9ca31a8372d0c353"
  cloudflare_api_token = "x"
}
`, doc), `(?s)discovery_public_urls.*must be specified when.*cloudflare_zone_id`},
		{fmt.Sprintf(`
provider "spacemesh" {
  discovery_url         = "file://%s"
  cloudflare_zone_id    = "023e105f4ecef8ad9ca31a8372d0c353"
  cloudflare_api_token  = "x"
  discovery_public_urls = ["http://discover.example.org/"]
}
`, doc), `(?s)discovery_public_urls.*expected an https URL`},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      c.provider + entryHCL("net", 118, nil),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}
