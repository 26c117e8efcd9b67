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

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/doccheck"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
)

func fileProviderHCL(path string) string {
	return fmt.Sprintf("provider \"spacemesh\" {\n  discovery_url    = %q\n  discovery_format = \"mission\"\n}\n", "file://"+path)
}

// documentIDs checks the net ids of the file document at path, in order.
func documentIDs(path string, want ...string) statecheck.StateCheck {
	return doccheck.NetIDs(readFile(path), "net-id", want...)
}

// An entry stays in the document it was created in. Pointing the provider at
// another document moves it (a replacement: removed from the first, created
// in the second) and never overwrites another document's entry in place.
func TestAccDiscoveryEntryStaysInItsDocument(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"), filepath.Join(dir, "c.json")
	foreign := `[{"net-id": 118, "net-name": "someone else's"}]` + "\n"
	if err := os.WriteFile(b, []byte(foreign), 0o644); err != nil {
		t.Fatal(err)
	}
	entry := entryHCL("net", 118, nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:            fileProviderHCL(a) + entry,
				ConfigStateChecks: []statecheck.StateCheck{documentIDs(a, "118")},
			},
			{
				// B has someone else's 118: the move is a replacement, and
				// its create refuses to take the foreign entry over.
				Config: fileProviderHCL(b) + entry,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionReplace),
				}},
				ExpectError: regexp.MustCompile(`(?s)Discovery entry already exists.*import it`),
			},
			{
				PreConfig: func() {
					if got := string(readFile(b)()); got != foreign {
						t.Errorf("the foreign entry was changed:\n%s", got)
					}
				},
				Config: fileProviderHCL(c) + entry,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("spacemesh_discovery_entry.net", tfjsonpath.New("id"), knownvalue.StringExact("file://"+c+"#118")),
					documentIDs(a),
					documentIDs(c, "118"),
				},
			},
		},
	})
}

// Importing an entry and then naming the provider's document explicitly (in
// any spelling) changes no document: no replacement, the order stays.
func TestAccDiscoveryEntryImportThenExplicitProviderURL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "networks.json")
	doc := discovery.New(discovery.FormatMission)
	e := discovery.Entry{NetID: 118}
	for f, v := range map[discovery.Field]string{
		discovery.FieldNetName: "Open Testnet 118", discovery.FieldConf: "https://configs.example.org/118.json",
		discovery.FieldAPIJSON: "https://118.api.example.org:9091", discovery.FieldAPIGRPC: "https://118.api.example.org:9092",
		discovery.FieldExplorer: "https://118.explore.example.org/", discovery.FieldDash: "https://118.dash.example.org/",
		discovery.FieldMinNodeRelease: "1.6.0", discovery.FieldLatestNodeRelease: "v1.7.6",
		discovery.FieldMinSmappRelease: "1.6.0", discovery.FieldLatestSmappRelease: "1.7.2",
		discovery.FieldSmappBaseDownloadURL: "https://smapp.example.org/dist", discovery.FieldNodeBaseDownloadURL: "https://nodes.example.org/builds",
	} {
		e.Fields[f] = v
	}
	if err := doc.Insert(e); err != nil {
		t.Fatal(err)
	}
	foreign := discovery.Entry{NetID: 7}
	foreign.Fields[discovery.FieldNetName] = "Foreign"
	if err := doc.Insert(foreign); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, doc.Encode(), 0o644); err != nil {
		t.Fatal(err)
	}
	provider := fileProviderHCL(path)
	steps := []resource.TestStep{{
		Config:             provider + entryHCL("net", 118, nil),
		ResourceName:       "spacemesh_discovery_entry.net",
		ImportState:        true,
		ImportStateId:      "file://" + path + "#118",
		ImportStatePersist: true,
	}}
	for _, spelling := range []string{"file://" + path, "file://localhost" + path, "file://" + dir + "/../" + filepath.Base(dir) + "/networks.json"} {
		steps = append(steps, resource.TestStep{
			Config: provider + entryHCL("net", 118, map[string]string{"discovery_url": fmt.Sprintf("%q", spelling)}),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				documentIDs(path, "118", "7"),
				statecheck.ExpectKnownValue("spacemesh_discovery_entry.net", tfjsonpath.New("id"), knownvalue.StringExact("file://"+path+"#118")),
			},
		})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
}

// JavaScript clients read numbers exactly only up to 2^53-1.
func TestAccDiscoveryEntryNetIDBound(t *testing.T) {
	t.Parallel()
	provider := fileProviderHCL(filepath.Join(t.TempDir(), "networks.json"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      provider + entryHCL("net", 0, map[string]string{"net_id": "9007199254740992"}),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)net_id.*net id must be at most 9007199254740991.*JavaScript.*Got\s+9007199254740992`),
			},
			{
				Config:             provider + entryHCL("net", 0, map[string]string{"net_id": "9007199254740991"}),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config:        provider + entryHCL("net", 0, map[string]string{"net_id": "9007199254740992"}),
				ResourceName:  "spacemesh_discovery_entry.net",
				ImportState:   true,
				ImportStateId: "file:///tmp/networks.json#9007199254740992",
				ExpectError:   regexp.MustCompile(`net id from 1 to 9007199254740991`),
			},
		},
	})
}

// Removing an entry from a document that does not exist writes nothing.
func TestDeleteFromAbsentDocumentWritesNothing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "networks.json")
	loc, _ := store.ParseURL("file://" + path)
	d := &providerData{discoveryURL: loc.String(), format: discovery.FormatMission, syncers: map[string]*store.Syncer{}}
	if err := d.mutate(context.Background(), loc.String(), removeEntry(118)); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err == nil {
		t.Errorf("removing an entry from nothing created the document: %q", b)
	}
}

// A create whose write landed but whose response never came fails with its
// timeout; the entry is kept in state (tainted), so the next apply replaces
// it rather than refusing an entry "this state does not manage".
func TestAccDiscoveryEntryCreateThatMayHaveLanded(t *testing.T) {
	t.Parallel()
	gcs := fakegcs.Start(t, "sm-discovery")
	upstream, _ := url.Parse(gcs.URL())
	forward := httputil.NewSingleHostReverseProxy(upstream)
	var hang atomic.Bool
	hang.Store(true)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hang.Load() && r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/upload/") {
			forward.ServeHTTP(httptest.NewRecorder(), r) // the write lands...
			<-r.Context().Done()                         // ...and its response never comes
			return
		}
		forward.ServeHTTP(w, r)
	}))
	defer front.Close()
	cfg := fmt.Sprintf(`
provider "spacemesh" {
  discovery_url    = "gs://sm-discovery/networks.json"
  storage_endpoint = %q
}
`, front.URL+"/storage/v1/") + strings.Replace(entryHCL("net", 118, nil), "}\n", "  timeouts {\n    create = \"3s\"\n    delete = \"30s\"\n  }\n}\n", 1)
	t.Cleanup(func() { hang.Store(false) })
	read := func() []byte { return gcs.Get(t, "sm-discovery", "networks.json") }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Could not add the discovery entry.*may\s+have\s+landed`),
			},
			{
				PreConfig: func() { hang.Store(false) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{doccheck.NetIDs(read, "netID", "118"), doccheck.ClientContract(read)},
			},
		},
	})
}

// A bucket that is gone is an error on refresh, never "every entry was
// removed": the state keeps the entry.
func TestAccDiscoveryEntryMissingBucketIsAnError(t *testing.T) {
	t.Parallel()
	env := gcsEnv(t, "mission")
	client, err := store.NewGCSClient(context.Background(), store.GCSConfig{Endpoint: env.gcs.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	bucket := client.Bucket("sm-discovery")
	cfg := env.provider + entryHCL("net", 118, nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{doccheck.NetIDs(env.read, "net-id", "118")}},
			{
				PreConfig: func() {
					ctx := context.Background()
					if err := bucket.Object("nets/networks.json").Delete(ctx); err != nil {
						t.Fatal(err)
					}
					if err := bucket.Delete(ctx); err != nil {
						t.Fatal(err)
					}
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Could not read the discovery document.*the bucket "sm-discovery" does\s+not\s+exist`),
			},
			{
				// The bucket is back, empty: now the entry is really gone and
				// is created again.
				PreConfig: func() { env.gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "sm-discovery"}) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{doccheck.NetIDs(env.read, "net-id", "118")},
			},
		},
	})
}
