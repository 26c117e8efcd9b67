package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/doccheck"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/gcsfault"
)

// withTimeouts adds a timeouts block to an entry's HCL.
func withTimeouts(hcl, block string) string {
	return strings.Replace(hcl, "}\n", "  timeouts {\n"+block+"  }\n}\n", 1)
}

func gcsProviderHCL(endpoint string) string {
	return fmt.Sprintf(`
provider "spacemesh" {
  discovery_url    = "gs://sm-discovery/networks.json"
  storage_endpoint = %q
}
`, endpoint)
}

// uploadFront forwards to the emulator; while mode is "hang" it holds
// uploads without forwarding them until the client gives up (a write whose
// outcome the client never learns, which did not land), and while it is
// "forbid" it answers them as GCS answers an account that may not write.
func uploadFront(t *testing.T, gcs *fakegcs.Server, mode *atomic.Value) *httptest.Server {
	t.Helper()
	upstream, _ := url.Parse(gcs.URL())
	forward := httputil.NewSingleHostReverseProxy(upstream)
	stop := make(chan struct{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/upload/") {
			switch mode.Load() {
			case "hang":
				select {
				case <-r.Context().Done():
				case <-stop:
				}
				panic(http.ErrAbortHandler) // no answer at all
			case "forbid":
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"error":{"code":403,"message":"tf@p.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object.","errors":[{"message":"denied","domain":"global","reason":"forbidden"}]}}`))
				return
			}
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	t.Cleanup(func() { close(stop) }) // first: Close waits for held requests
	return front
}

// A create whose write lands but whose response is lost is retried; the
// retry finds the entry it wrote, although the configuration spells the
// release "v1.7.6" and the document holds "1.7.6", and succeeds.
func TestAccDiscoveryEntryLostResponseWithVPrefixedRelease(t *testing.T) {
	t.Parallel()
	gcs := fakegcs.Start(t, "sm-discovery")
	proxy, err := gcsfault.Start("127.0.0.1:0", gcsfault.Config{Upstream: gcs.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	read := func() []byte { return gcs.Get(t, "sm-discovery", "networks.json") }
	cfg := gcsProviderHCL(proxy.URL+"/storage/v1/") + entryHCL("net", 118, map[string]string{"latest_smapp_release": `"v1.7.2"`})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					proxy.InjectOnce(func(r gcsfault.Request) bool { return r.Kind == gcsfault.KindWrite }, gcsfault.FaultDropAfter)
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("spacemesh_discovery_entry.net", tfjsonpath.New("latest_node_release"), knownvalue.StringExact("v1.7.6")),
					doccheck.NetIDs(read, "netID", "118"),
					doccheck.Entry(read, "netID", "118", map[string]any{"maxNodeVersion": "1.7.6", "latestSmappRelease": "1.7.2"}),
					doccheck.Func(func() error {
						if st := proxy.Stats(); st.DroppedAfter != 1 || st.WritesLanded != 1 {
							return fmt.Errorf("%d responses dropped and %d writes landed, want the one write whose response was lost", st.DroppedAfter, st.WritesLanded)
						}
						return nil
					}),
				},
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

// A create whose outcome is unknown stays in the state, tainted. When
// another writer publishes the same net id before the next apply, the
// tainted entry is not taken for ours: the next apply refuses as a clean
// create would, and the other writer's entry stays as it is.
func TestAccDiscoveryEntryUncertainCreateNeverTakesOverAForeignEntry(t *testing.T) {
	t.Parallel()
	gcs := fakegcs.Start(t, "sm-discovery")
	var mode atomic.Value
	mode.Store("hang")
	front := uploadFront(t, gcs, &mode)
	read := func() []byte { return gcs.Get(t, "sm-discovery", "networks.json") }
	cfg := gcsProviderHCL(front.URL+"/storage/v1/") + withTimeouts(entryHCL("net", 118, nil), "    create = \"3s\"\n")
	foreign := []byte(`[
  {"netID": 118, "netName": "Someone else's 118", "conf": "https://other.example.org/118.json"}
]
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Could not add the discovery entry.*may\s+have\s+landed`),
			},
			{
				PreConfig: func() {
					if b := read(); b != nil {
						t.Fatalf("the held write landed: %s", b)
					}
					mode.Store("")
					gcs.Put("sm-discovery", "networks.json", foreign) // another workspace publishes 118
				},
				Config: cfg,
				// Not a replacement (which would delete their entry and write ours):
				// the state lets go of it, and the create refuses.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`(?s)already\s+has\s+an\s+entry\s+for\s+net\s+id\s+118\s+that\s+this\s+Terraform\s+state\s+does\s+not\s+manage`),
			},
		},
	})
	checkNow(t, doccheck.Exactly(read, foreign))
}

// A write GCS refuses (403) changed nothing: it fails plainly, and nothing
// is kept in the state, so the next apply is a clean create, not a
// replacement of an entry that "may have landed".
func TestAccDiscoveryEntryRefusedWriteIsNotUncertain(t *testing.T) {
	t.Parallel()
	gcs := fakegcs.Start(t, "sm-discovery")
	var mode atomic.Value
	mode.Store("forbid")
	front := uploadFront(t, gcs, &mode)
	read := func() []byte { return gcs.Get(t, "sm-discovery", "networks.json") }
	cfg := gcsProviderHCL(front.URL+"/storage/v1/") + entryHCL("net", 118, nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				// GCS's message ends the error: nothing says the write may have landed.
				ExpectError: regexp.MustCompile(`(?s)Could not add the discovery entry.*storage\.objects\.create\s+access.*Message:\s+denied\s*\z`),
			},
			{
				PreConfig: func() { mode.Store("") },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{doccheck.NetIDs(read, "netID", "118")},
			},
		},
	})
}

// The directory of a file document missing is an error on refresh, never
// "every entry was removed": the state keeps the entry, and once the
// directory is back nothing changes.
func TestAccDiscoveryEntryMissingDirectoryIsAnError(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "mnt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "networks.json")
	cfg := fileProviderHCL(path) + entryHCL("net", 118, nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{documentIDs(path, "118")}},
			{
				PreConfig: func() {
					if err := os.Rename(dir, dir+".away"); err != nil {
						t.Fatal(err)
					}
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Could not read the discovery document.*directory.*mnt\s+does\s+not\s+exist`),
			},
			{
				PreConfig: func() {
					if err := os.Rename(dir+".away", dir); err != nil {
						t.Fatal(err)
					}
				},
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}

// Removing an entry that is already gone writes nothing: no new version of
// the document (a GCS generation) and so no CDN purge.
func TestDeleteOfAGoneEntryWritesNothing(t *testing.T) {
	t.Parallel()
	// Not as the provider would encode it: a rewrite would show.
	seed := []byte(`[{"net-id": 7, "net-name": "Foreign"}]`)
	gcs := fakegcs.Start(t, "sm-discovery")
	gcs.Put("sm-discovery", "networks.json", seed)
	before, err := gcs.GetObject("sm-discovery", "networks.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "networks.json")
	if err := os.WriteFile(path, seed, 0o644); err != nil {
		t.Fatal(err)
	}
	d := &providerData{format: discovery.FormatMission, syncers: map[string]*store.Syncer{}, gcs: store.GCSConfig{Endpoint: gcs.Endpoint()}}
	for _, docURL := range []string{"gs://sm-discovery/networks.json", "file://" + path} {
		if err := d.mutate(context.Background(), docURL, removeEntry(118)); err != nil {
			t.Fatalf("%s: %v", docURL, err)
		}
		if st := d.syncers[docURL].Stats(); st.Writes != 0 {
			t.Errorf("%s: removing an entry that is not there wrote %d times", docURL, st.Writes)
		}
	}
	after, err := gcs.GetObject("sm-discovery", "networks.json")
	if err != nil {
		t.Fatal(err)
	}
	if after.Generation != before.Generation || string(after.Content) != string(seed) {
		t.Errorf("object rewritten: generation %d -> %d:\n%s", before.Generation, after.Generation, after.Content)
	}
	if b, _ := os.ReadFile(path); string(b) != string(seed) {
		t.Errorf("file rewritten:\n%s", b)
	}
}

// wait_for_sync checks for an entry that already has the net id before it
// waits: a create that would be refused is refused at once, without polling
// the node.
func TestAccDiscoveryEntryWaitForSyncRefusesAnExistingEntryFirst(t *testing.T) {
	polls := fakeNode(t, -1)
	env := fileEnv(t)
	seed := []byte(`[{"net-id": 118, "net-name": "someone else's"}]` + "\n")
	env.write(seed)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: env.provider + entryHCL("net", 118, map[string]string{
				"api_json": `"https://example.com"`, "wait_for_sync": "true", "sync_timeout": `"5s"`,
			}),
			ExpectError: regexp.MustCompile(`(?s)already has an entry for net id 118.*terraform import`),
		}},
	})
	if n := polls.Load(); n != 0 {
		t.Errorf("the node was polled %d times before the existing entry was found", n)
	}
	checkNow(t, doccheck.Exactly(env.read, seed))
}

// An outside change of an extra value from the string "5" to the number 5
// is drift: the plan shows it (extra_json) and the apply writes the string
// back. A number the entry had when it was imported is kept as it is.
func TestAccDiscoveryEntryExtraTypeChangeIsDrift(t *testing.T) {
	t.Parallel()
	env := fileEnv(t)
	cfg := env.provider + entryHCL("net", 118, map[string]string{"extra": `{ count = "5" }`})
	const res = "spacemesh_discovery_entry.net"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					doccheck.Entry(env.read, "net-id", "118", map[string]any{"count": "5"}),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("extra_json"), knownvalue.MapExact(map[string]knownvalue.Check{"count": knownvalue.StringExact(`"5"`)})),
				},
			},
			{
				PreConfig: func() {
					replaceInFile(t, env, `"count": "5"`, `"count": 5`)
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("extra_json"), knownvalue.MapExact(map[string]knownvalue.Check{"count": knownvalue.StringExact(`"5"`)})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					doccheck.Func(func() error {
						if b := env.read(); !strings.Contains(string(b), `"count": "5"`) {
							return fmt.Errorf("the string was not written back:\n%s", b)
						}
						return nil
					}),
				},
			},
			{Config: cfg, PlanOnly: true},
			{
				// A refresh-only apply records the number, and like any drift the
				// configuration's value is still planned back.
				PreConfig:          func() { replaceInFile(t, env, `"count": "5"`, `"count": 5`) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{doccheck.Entry(env.read, "net-id", "118", map[string]any{"count": "5"})},
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

// A number an entry already had when it was imported stays a number while
// the configuration gives its text: no drift, and other changes keep it.
func TestAccDiscoveryEntryImportedNumberIsKept(t *testing.T) {
	t.Parallel()
	env := fileEnv(t)
	set := map[string]string{"extra": `{ count = "5" }`, "latest_node_release": `"1.7.6"`}
	env.write([]byte(`[
  {
    "net-id": 118,
    "net-name": "Open Testnet 118",
    "conf": "https://configs.example.org/118.json",
    "api-json": "https://118.api.example.org",
    "api-grpc": "https://118.api.example.org",
    "explorer": "https://118.explore.example.org/",
    "dash": "https://118.dash.example.org/",
    "min-node-release": "1.6.0",
    "latest-node-release": "1.7.6",
    "min-smapp-release": "1.6.0",
    "latest-smapp-release": "1.7.2",
    "smapp-base-download-url": "https://smapp.example.org/dist",
    "node-base-download-url": "https://nodes.example.org/builds",
    "stats-api": "https://118.stats.example.org",
    "dash-api": "https://118.stats.example.org/#dash-118",
    "count": 5
  }
]
`))
	cfg := env.provider + entryHCL("net", 118, set)
	renamed := map[string]string{"net_name": `"Renamed 118"`}
	for k, v := range set {
		renamed[k] = v
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: "spacemesh_discovery_entry.net", ImportState: true, ImportStateId: env.url + "#118", ImportStatePersist: true},
			{Config: cfg, PlanOnly: true},
			{
				Config: env.provider + entryHCL("net", 118, renamed),
				ConfigStateChecks: []statecheck.StateCheck{
					doccheck.Func(func() error {
						if b := env.read(); !strings.Contains(string(b), `"count": 5`) || !strings.Contains(string(b), `"Renamed 118"`) {
							return fmt.Errorf("the number was not kept:\n%s", b)
						}
						return nil
					}),
				},
			},
		},
	})
}

func replaceInFile(t *testing.T, env docEnv, old, repl string) {
	t.Helper()
	b := env.read()
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s not in the document:\n%s", old, b)
	}
	env.write([]byte(strings.Replace(string(b), old, repl, 1)))
}

// Deleting an entry whose create had an unknown outcome removes the
// document's entry only when it is exactly the one the create wrote; someone
// else's entry with the net id is left as it is, and nothing is written.
func TestDeleteOfAnUnconfirmedEntryRemovesOnlyOurs(t *testing.T) {
	t.Parallel()
	mine := discovery.Entry{NetID: 118}
	mine.Fields[discovery.FieldNetName] = "Open Testnet 118"
	mine.Fields[discovery.FieldLatestNodeRelease] = "v1.7.6"
	mine.SetExtraString("count", "5")
	theirs := `[{"net-id": 118, "net-name": "Open Testnet 118", "latest-node-release": "1.7.6", "count": 5}]`
	ours := `[{"net-id": 118, "net-name": "Open Testnet 118", "latest-node-release": "1.7.6", "count": "5"}, {"net-id": 7}]`
	for _, c := range []struct {
		seed, want string
		left       bool
	}{
		{theirs, theirs, true},
		{ours, "[\n  {\n    \"net-id\": 7\n  }\n]\n", false},
	} {
		path := filepath.Join(t.TempDir(), "networks.json")
		if err := os.WriteFile(path, []byte(c.seed), 0o644); err != nil {
			t.Fatal(err)
		}
		d := &providerData{format: discovery.FormatMission, syncers: map[string]*store.Syncer{}}
		var left atomic.Bool
		if err := d.mutate(context.Background(), "file://"+path, removeEntryIfHeld(mine, &left)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != c.want || left.Load() != c.left {
			t.Errorf("from %s: left alone %v, document now:\n%s", c.seed, left.Load(), b)
		}
	}
}
