package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/doccheck"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
)

// docEnv is one place a test document lives, with direct access to it as an
// outside writer would have.
type docEnv struct {
	name     string
	url      string
	provider string // the provider block
	read     func() []byte
	write    func([]byte)
	gcs      *fakegcs.Server // nil for file documents
}

func gcsEnv(t *testing.T, format string) docEnv {
	gcs := fakegcs.Start(t, "sm-discovery")
	return docEnv{
		name: "gcs",
		url:  "gs://sm-discovery/nets/networks.json",
		provider: fmt.Sprintf(`
provider "spacemesh" {
  discovery_url           = "gs://sm-discovery/nets/networks.json"
  discovery_format        = %q
  storage_endpoint        = %q
  discovery_cache_control = "public, max-age=30"
}
`, format, gcs.Endpoint()),
		read:  func() []byte { return gcs.Get(t, "sm-discovery", "nets/networks.json") },
		write: func(b []byte) { gcs.Put("sm-discovery", "nets/networks.json", b) },
		gcs:   gcs,
	}
}

func fileEnv(t *testing.T) docEnv {
	path := filepath.Join(t.TempDir(), "networks.json")
	return docEnv{
		name: "file",
		url:  "file://" + path,
		provider: fmt.Sprintf(`
provider "spacemesh" {
  discovery_url    = "file://%s"
  discovery_format = "mission"
}
`, path),
		read: func() []byte {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			return b
		},
		write: func(b []byte) {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		},
	}
}

func bothEnvs(t *testing.T) []docEnv {
	return []docEnv{gcsEnv(t, "mission"), fileEnv(t)}
}

// entryHCL renders a spacemesh_discovery_entry with valid defaults; set
// replaces or adds attributes (values are HCL expressions, "" drops one).
func entryHCL(name string, netID int, set map[string]string) string {
	attrs := map[string]string{
		"net_id":                  fmt.Sprint(netID),
		"net_name":                fmt.Sprintf("%q", fmt.Sprintf("Open Testnet %d", netID)),
		"conf":                    fmt.Sprintf(`"https://configs.example.org/%d.json"`, netID),
		"api_json":                fmt.Sprintf(`"https://%d.api.example.org"`, netID),
		"api_grpc":                fmt.Sprintf(`"https://%d.api.example.org"`, netID),
		"stats_api":               fmt.Sprintf(`"https://%d.stats.example.org"`, netID),
		"dash_api":                fmt.Sprintf(`"https://%d.stats.example.org/#dash-%d"`, netID, netID),
		"explorer":                fmt.Sprintf(`"https://%d.explore.example.org/"`, netID),
		"dash":                    fmt.Sprintf(`"https://%d.dash.example.org/"`, netID),
		"min_node_release":        `"1.6.0"`,
		"latest_node_release":     `"v1.7.6"`,
		"min_smapp_release":       `"1.6.0"`,
		"latest_smapp_release":    `"1.7.2"`,
		"smapp_base_download_url": `"https://smapp.example.org/dist"`,
		"node_base_download_url":  `"https://nodes.example.org/builds"`,
	}
	for k, v := range set {
		if v == "" {
			delete(attrs, k)
		} else {
			attrs[k] = v
		}
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"spacemesh_discovery_entry\" %q {\n", name)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %s\n", k, attrs[k])
	}
	b.WriteString("}\n")
	return b.String()
}

// foreignMission is an entry no test configuration manages, with keys the
// provider does not model; every write must keep it as it is.
const foreignMission = `[
  {"net-id": 7, "net-name": "Foreign", "conf": "https://x.example.org/c.json",
   "explorerAPI": "https://e.example.org", "weird": {"nested": [1, 2.50, null]}, "beta": true}
]
`

// decodeEntries reads a document's entries by net id, as generic JSON.
func decodeEntries(t *testing.T, b []byte, idKey string) map[string]map[string]any {
	t.Helper()
	var list []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&list); err != nil {
		t.Fatalf("document is not a JSON list: %v\n%s", err, b)
	}
	out := map[string]map[string]any{}
	for _, e := range list {
		out[fmt.Sprint(e[idKey])] = e
	}
	return out
}

func TestAccDiscoveryEntryLifecycle(t *testing.T) {
	t.Parallel()
	for _, env := range bothEnvs(t) {
		t.Run(env.name, func(t *testing.T) {
			env.write([]byte(foreignMission))
			base := env.provider + entryHCL("net", 118, nil)
			updated := env.provider + entryHCL("net", 118, map[string]string{
				"latest_smapp_release": `"1.8.0"`,
				"explorer_api":         `"https://118.stats.example.org"`,
				"extra":                `{ explorerVersion = "v2.1.0" }`,
			})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: base,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("spacemesh_discovery_entry.net", tfjsonpath.New("id"), knownvalue.StringExact(env.url+"#118")),
							statecheck.ExpectKnownValue("spacemesh_discovery_entry.net", tfjsonpath.New("genesis_id"), knownvalue.Null()),
							doccheck.NetIDs(env.read, "net-id", "7", "118"),
							doccheck.Kept(env.read, []byte(foreignMission), "net-id"),
							doccheck.Func(func() error {
								if env.gcs == nil {
									return nil
								}
								obj, err := env.gcs.GetObject("sm-discovery", "nets/networks.json")
								if err != nil {
									return err
								}
								if obj.ContentType != "application/json" || obj.CacheControl != "public, max-age=30" {
									return fmt.Errorf("object written with Content-Type %q, Cache-Control %q", obj.ContentType, obj.CacheControl)
								}
								return nil
							}),
							// latest_node_release is "v1.7.6" in the configuration: clients get bare semver.
							doccheck.Entry(env.read, "net-id", "118", map[string]any{
								"api-grpc": "https://118.api.example.org", "latest-node-release": "1.7.6", "net-id": json.Number("118"),
								"stats-api": "https://118.stats.example.org", "dash-api": "https://118.stats.example.org/#dash-118",
							}),
						},
					},
					{
						ResourceName:      "spacemesh_discovery_entry.net",
						ImportState:       true,
						ImportStateId:     env.url + "#118",
						ImportStateVerify: true,
						// Import reads the document, which holds bare semver ("1.7.6"); the
						// configuration says "v1.7.6". The same release: the next apply rewrites
						// the entry to the same bytes.
						ImportStateVerifyIgnore: []string{"latest_node_release"},
					},
					{
						Config: updated,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionUpdate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							doccheck.NetIDs(env.read, "net-id", "7", "118"),
							doccheck.Kept(env.read, []byte(foreignMission), "net-id"),
							doccheck.Entry(env.read, "net-id", "118", map[string]any{
								"latest-smapp-release": "1.8.0", "explorer-api": "https://118.stats.example.org", "explorerVersion": "v2.1.0",
							}),
						},
					},
					{
						// An outside edit of the managed entry is drift, planned as an update.
						PreConfig: func() {
							editEntry(t, env, 118, func(e *discovery.Entry) { e.Fields[discovery.FieldNetName] = "hijacked" })
						},
						Config: updated,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionUpdate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							doccheck.Entry(env.read, "net-id", "118", map[string]any{"net-name": "Open Testnet 118"}),
						},
					},
					{
						// An outside removal plans a re-create.
						PreConfig: func() { editDocument(t, env, func(d *discovery.Document) { d.Remove(118) }) },
						Config:    updated,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionCreate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							doccheck.NetIDs(env.read, "net-id", "7", "118"),
							doccheck.Kept(env.read, []byte(foreignMission), "net-id"),
						},
					},
					{
						// Other entries changing outside never cause drift.
						PreConfig: func() {
							editDocument(t, env, func(d *discovery.Document) {
								e := discovery.Entry{NetID: 9}
								e.Fields[discovery.FieldNetName] = "added outside"
								if err := d.Insert(e); err != nil {
									t.Fatal(err)
								}
							})
						},
						Config:   updated,
						PlanOnly: true,
					},
				},
				CheckDestroy: afterDestroy(doccheck.NetIDs(env.read, "net-id", "7", "9"), doccheck.Kept(env.read, []byte(foreignMission), "net-id")),
			})
		})
	}
}

// editDocument rewrites the document as an outside writer would.
func editDocument(t *testing.T, env docEnv, fn func(*discovery.Document)) {
	t.Helper()
	doc, err := discovery.Decode(env.read(), discovery.FormatMission)
	if err != nil {
		t.Fatal(err)
	}
	fn(doc)
	env.write(doc.Encode())
}

func editEntry(t *testing.T, env docEnv, id int64, fn func(*discovery.Entry)) {
	editDocument(t, env, func(d *discovery.Document) {
		e, ok := d.Find(id)
		if !ok {
			t.Fatalf("entry %d not in the document", id)
		}
		fn(&e)
		if err := d.Upsert(e); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAccDiscoveryEntryManyInOneConfig(t *testing.T) {
	t.Parallel()
	for _, coalesce := range []bool{true, false} {
		for _, env := range bothEnvs(t) {
			t.Run(fmt.Sprintf("%s/coalesce=%v", env.name, coalesce), func(t *testing.T) {
				manyInOneConfig(t, env, coalesce)
			})
		}
	}
}

func manyInOneConfig(t *testing.T, env docEnv, coalesce bool) {
	var cfg strings.Builder
	cfg.WriteString(strings.Replace(env.provider, "provider \"spacemesh\" {\n", fmt.Sprintf("provider \"spacemesh\" {\n  coalesce_requests = %v\n", coalesce), 1))
	var ids []string
	for i := 1; i <= 12; i++ {
		cfg.WriteString(entryHCL(fmt.Sprintf("n%d", i), 100+i, nil))
		ids = append(ids, fmt.Sprint(100+i))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: cfg.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				doccheck.Func(func() error {
					got := decodeEntries(t, env.read(), "net-id")
					for _, id := range ids {
						if got[id] == nil {
							return fmt.Errorf("entry %s missing; document has %d entries", id, len(got))
						}
					}
					if len(got) != len(ids) {
						return fmt.Errorf("document has %d entries, want %d", len(got), len(ids))
					}
					return nil
				}),
			},
		}},
		// The last entry removed leaves an empty list, never a deleted object.
		CheckDestroy: afterDestroy(doccheck.Exactly(env.read, []byte("[]\n"))),
	})
}

func TestAccDiscoveryEntryRefusesUnmanagedEntry(t *testing.T) {
	t.Parallel()
	for _, env := range bothEnvs(t) {
		t.Run(env.name, func(t *testing.T) {
			seed := []byte(`[{"net-id": 118, "net-name": "someone else's"}]` + "\n")
			env.write(seed)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      env.provider + entryHCL("net", 118, nil),
					ExpectError: regexp.MustCompile(`(?s)already has an entry for net id 118.*terraform import spacemesh_discovery_entry\.<name>`),
				}},
			})
			// The create failed, so the state is empty and no CheckDestroy
			// would run: check here.
			checkNow(t, doccheck.Exactly(env.read, seed))
		})
	}
}

func TestAccDiscoveryEntryLeavesBrokenDocumentsAlone(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"truncated.json":     `(?s)cannot be used.*truncated`,
		"duplicate-ids.json": `(?s)cannot be used.*net id 5 appears twice`,
	}
	for file, want := range cases {
		seed, err := os.ReadFile(filepath.Join("..", "discovery", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		for _, env := range bothEnvs(t) {
			t.Run(file+"/"+env.name, func(t *testing.T) {
				env.write(seed)
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviders,
					Steps: []resource.TestStep{{
						Config:      env.provider + entryHCL("net", 118, nil),
						ExpectError: regexp.MustCompile(want),
					}},
				})
				checkNow(t, doccheck.Exactly(env.read, seed)) // the state is empty: no CheckDestroy runs
			})
		}
	}
}

// The smapp format as the clients read it: netID a number, bare semver,
// genesisID optional, the frontends' keys first-class; every document written
// passes every client's schema.
func TestAccDiscoveryEntrySmappFormat(t *testing.T) {
	t.Parallel()
	seed, err := os.ReadFile(filepath.Join("..", "discovery", "testdata", "smapp-current.json"))
	if err != nil {
		t.Fatal(err)
	}
	env := gcsEnv(t, "smapp")
	env.write(seed)
	genesis := `"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"`
	noGenesis := env.provider + entryHCL("net", 118, map[string]string{
		"latest_smapp_release": `"v1.7.2"`, "explorer_api": `"https://118.stats.example.org"`,
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: noGenesis,
				ConfigStateChecks: []statecheck.StateCheck{
					doccheck.NetIDs(env.read, "netID", "15", "118"),
					doccheck.Kept(env.read, seed, "netID"),
					doccheck.ClientContract(env.read),
					// The configuration's "v1.7.2" stays in state; the document has "1.7.2".
					statecheck.ExpectKnownValue("spacemesh_discovery_entry.net", tfjsonpath.New("latest_smapp_release"), knownvalue.StringExact("v1.7.2")),
					doccheck.Suffix(env.read, `
  {
    "netID": 118,
    "netName": "Open Testnet 118",
    "conf": "https://configs.example.org/118.json",
    "jsonAPI": "https://118.api.example.org",
    "grpcAPI": "https://118.api.example.org",
    "explorer": "https://118.explore.example.org/",
    "dash": "https://118.dash.example.org/",
    "minNodeVersion": "1.6.0",
    "maxNodeVersion": "1.7.6",
    "minSmappRelease": "1.6.0",
    "latestSmappRelease": "1.7.2",
    "smappBaseDownloadUrl": "https://smapp.example.org/dist",
    "nodeBaseDownloadUrl": "https://nodes.example.org/builds",
    "statsAPI": "https://118.stats.example.org",
    "dashAPI": "https://118.stats.example.org/#dash-118",
    "explorerAPI": "https://118.stats.example.org"
  }
]
`),
				},
			},
			// "v1.7.2" and "1.7.2" are the same release: nothing drifts.
			{Config: noGenesis, PlanOnly: true},
			{
				Config: env.provider + entryHCL("net", 118, map[string]string{"genesis_id": genesis, "explorer_api": `"https://118.stats.example.org"`}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					doccheck.NetIDs(env.read, "netID", "15", "118"),
					doccheck.Kept(env.read, seed, "netID"),
					doccheck.ClientContract(env.read),
					doccheck.Entry(env.read, "netID", "118", map[string]any{
						"netID": json.Number("118"), "genesisID": strings.Trim(genesis, `"`), "latestSmappRelease": "1.7.2",
					}),
				},
			},
		},
	})
}

// An entry older tools wrote with a string netID is read, imported, and
// rewritten with a number on its next update.
func TestAccDiscoveryEntrySmappStringNetIDRewrittenAsNumber(t *testing.T) {
	t.Parallel()
	seed, err := os.ReadFile(filepath.Join("..", "discovery", "testdata", "smapp-format.json"))
	if err != nil {
		t.Fatal(err)
	}
	env := gcsEnv(t, "smapp")
	env.write(seed)
	cfg := env.provider + entryHCL("old", 15, map[string]string{"net_name": `"Testnet 15 (renamed)"`})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       "spacemesh_discovery_entry.old",
				ImportState:        true,
				ImportStateId:      env.url + "#15",
				ImportStatePersist: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.old", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					doccheck.ClientContract(env.read),
					doccheck.Func(func() error {
						if b := env.read(); !bytes.Contains(b, []byte(`"netID": 15,`)) || bytes.Contains(b, []byte(`"netID": "15"`)) {
							return fmt.Errorf("netID not rewritten as a number:\n%s", b)
						}
						return nil
					}),
				},
			},
		},
	})
}

func TestAccDiscoveryEntryValidation(t *testing.T) {
	t.Parallel()
	env := fileEnv(t)
	cases := []struct {
		name string
		set  map[string]string
		want string
	}{
		{"http url", map[string]string{"api_json": `"http://118.api.example.org:9091"`}, `(?s)api_json.*expected an https URL.*http://118`},
		{"ip host", map[string]string{"dash": `"https://10.0.0.1/"`}, `(?s)dash.*expected a DNS name, got the IP address`},
		{"bad host", map[string]string{"explorer": `"https://bad_host.example.org/"`}, `(?s)explorer.*invalid\s+label\s+"bad_host"`},
		{"not semver", map[string]string{"min_node_release": `"latest"`}, `(?s)min_node_release.*expected a semantic version.*"latest"`},
		{"min after latest", map[string]string{"min_smapp_release": `"2.0.0"`}, `(?s)latest_smapp_release.*"1.7.2", older than min_smapp_release "2.0.0"`},
		{"node min after latest", map[string]string{"min_node_release": `"v1.8.0"`}, `(?s)latest_node_release.*older than min_node_release`},
		{"extra shadows", map[string]string{"extra": `{ "api-json" = "x" }`}, `(?s)extra.*api-json`},
		{"extra shadows smapp key", map[string]string{"extra": `{ netID = "1" }`}, `(?s)extra.*netID`},
		{"net id zero", map[string]string{"net_id": "0"}, `(?s)net_id.*at least 1, got: 0`},
		{"bad genesis id", map[string]string{"genesis_id": `"XYZ"`}, `(?s)genesis_id.*40 lower-case hex digits`},
		{"empty name", map[string]string{"net_name": `""`}, `(?s)net_name.*at least 1`},
		{"bad discovery url", map[string]string{"discovery_url": `"https://example.org/networks.json"`}, `(?s)discovery_url.*expected gs://BUCKET/OBJECT or file:///ABSOLUTE/PATH`},
		{"missing attribute", map[string]string{"conf": ""}, `(?s)"conf" is required`},
		{"base url with trailing slash", map[string]string{"smapp_base_download_url": `"https://smapp.example.org/dist/"`}, `(?s)smapp_base_download_url.*without a trailing '/'.*"https://smapp.example.org/dist//v1.2.3"`},
		{"node base url with trailing slash", map[string]string{"node_base_download_url": `"https://nodes.example.org/"`}, `(?s)node_base_download_url.*without a trailing '/'`},
		{"http stats api", map[string]string{"stats_api": `"http://118.stats.example.org"`}, `(?s)stats_api.*expected an https URL`},
		{"ws dash api", map[string]string{"dash_api": `"ws://118.dash.example.org/ws"`}, `(?s)dash_api.*expected an https URL`},
		{"extra shadows a frontend key", map[string]string{"extra": `{ statsAPI = "https://s.example.org" }`}, `(?s)extra.*statsAPI`},
		{"bad sync timeout", map[string]string{"sync_timeout": `"soon"`}, `(?s)sync_timeout.*expected a Go duration such as "30m"`},
		{"negative sync timeout", map[string]string{"sync_timeout": `"-5m"`}, `(?s)sync_timeout.*expected a positive duration`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      env.provider + entryHCL("net", 118, c.set),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
	if env.read() != nil {
		t.Errorf("a plan-time failure wrote the document: %s", env.read())
	}
}

func TestAccDiscoveryEntryNeedsADocument(t *testing.T) {
	t.Setenv("SPACEMESH_DISCOVERY_URL", "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      entryHCL("net", 118, nil),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Missing discovery document.*no discovery document is\s+configured`),
		}},
	})
}

func TestAccDiscoveryEntryOwnDiscoveryURLAndEnv(t *testing.T) {
	// The provider's document comes from the environment; one entry overrides it.
	envDoc := filepath.Join(t.TempDir(), "env.json")
	ownDoc := filepath.Join(t.TempDir(), "own.json")
	t.Setenv("SPACEMESH_DISCOVERY_URL", "file://"+envDoc)
	cfg := `provider "spacemesh" {}` + "\n" + entryHCL("a", 1, nil) +
		entryHCL("b", 2, map[string]string{"discovery_url": fmt.Sprintf("%q", "file://"+ownDoc)})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("spacemesh_discovery_entry.a", tfjsonpath.New("id"), knownvalue.StringExact("file://"+envDoc+"#1")),
					statecheck.ExpectKnownValue("spacemesh_discovery_entry.b", tfjsonpath.New("id"), knownvalue.StringExact("file://"+ownDoc+"#2")),
					// The provider's default format is smapp: netID a number.
					doccheck.NetIDs(readFile(envDoc), "netID", "1"),
					doccheck.NetIDs(readFile(ownDoc), "netID", "2"),
					doccheck.ClientContract(readFile(envDoc)),
					doccheck.ClientContract(readFile(ownDoc)),
				},
			},
			{
				ResourceName:      "spacemesh_discovery_entry.b",
				ImportState:       true,
				ImportStateId:     "file://" + ownDoc + "#2",
				ImportStateVerify: true,
				// Import reads the document, which holds bare semver ("1.7.6"); the
				// configuration says "v1.7.6". The same release: the next apply rewrites
				// the entry to the same bytes.
				ImportStateVerifyIgnore: []string{"latest_node_release"},
			},
			{
				ResourceName:  "spacemesh_discovery_entry.b",
				ImportState:   true,
				ImportStateId: "file://" + ownDoc,
				ExpectError:   regexp.MustCompile(`expected <discovery_url>#<net_id>`),
			},
		},
	})
}

func TestAccDiscoveryDataSource(t *testing.T) {
	t.Parallel()
	env := gcsEnv(t, "mission")
	env.write([]byte(foreignMission))
	cfg := env.provider + entryHCL("net", 118, map[string]string{"extra": `{ explorerVersion = "v2.1.0" }`}) + `
data "spacemesh_discovery" "all" {
  depends_on = [spacemesh_discovery_entry.net]
}
`
	const all = "data.spacemesh_discovery.all"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(all, tfjsonpath.New("id"), knownvalue.StringExact(env.url)),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("exists"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("net_ids"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.Int64Exact(7), knownvalue.Int64Exact(118),
					})),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("entries").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"dash": knownvalue.StringExact(""),
						"extra": knownvalue.MapExact(map[string]knownvalue.Check{
							"explorerAPI": knownvalue.StringExact("https://e.example.org"),
							"beta":        knownvalue.StringExact("true"),
							"weird":       knownvalue.StringExact(`{"nested":[1,2.50,null]}`),
						}),
					})),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("entries").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"net_id":    knownvalue.Int64Exact(118),
						"api_json":  knownvalue.StringExact("https://118.api.example.org"),
						"stats_api": knownvalue.StringExact("https://118.stats.example.org"),
						"extra":     knownvalue.MapExact(map[string]knownvalue.Check{"explorerVersion": knownvalue.StringExact("v2.1.0")}),
					})),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("json"), decodesAs(discovery.FormatMission)),
				},
			},
		},
	})
}

func TestAccDiscoveryDataSourceAbsentAndBroken(t *testing.T) {
	t.Parallel()
	env := fileEnv(t)
	cfg := env.provider + `data "spacemesh_discovery" "all" {}` + "\n"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.spacemesh_discovery.all", tfjsonpath.New("exists"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.spacemesh_discovery.all", tfjsonpath.New("entries"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.spacemesh_discovery.all", tfjsonpath.New("json"), knownvalue.StringExact("[]\n")),
				},
			},
			{
				PreConfig:   func() { env.write([]byte(`[{"net-id": 1}, {"net-id": 1}]`)) },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)cannot be used.*net id 1 appears twice`),
			},
		},
	})
}

// A configuration that creates the document's bucket and reads the document in the same plan (the
// first plan of a new workspace) reads a missing bucket as no entries when it says so; without
// empty_if_bucket_missing a missing bucket stays an error.
func TestAccDiscoveryDataSourceMissingBucket(t *testing.T) {
	t.Parallel()
	gcs := fakegcs.Start(t, "sm-other-bucket")
	provider := fmt.Sprintf(`
provider "spacemesh" {
  discovery_url    = "gs://sm-not-created-yet/networks.json"
  storage_endpoint = %q
}
`, gcs.Endpoint())
	const all = "data.spacemesh_discovery.all"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      provider + `data "spacemesh_discovery" "all" {}` + "\n",
				ExpectError: regexp.MustCompile(`the bucket\s+"sm-not-created-yet"\s+does not exist`),
			},
			{
				Config: provider + `data "spacemesh_discovery" "all" {
  empty_if_bucket_missing = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(all, tfjsonpath.New("exists"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("net_ids"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("entries"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(all, tfjsonpath.New("json"), knownvalue.StringExact("[]\n")),
				},
			},
		},
	})
}

func TestAccDiscoveryEntryFirst(t *testing.T) {
	t.Parallel()
	env := fileEnv(t)
	env.write([]byte(foreignMission))
	order := func(want ...string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			doccheck.NetIDs(env.read, "net-id", want...),
			doccheck.Kept(env.read, []byte(foreignMission), "net-id"),
		}
	}
	withFirst := env.provider + entryHCL("a", 1, nil) + entryHCL("b", 2, map[string]string{"first": "true"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: withFirst,
				ConfigStateChecks: append(order("2", "7", "1"),
					statecheck.ExpectKnownValue("spacemesh_discovery_entry.a", tfjsonpath.New("first"), knownvalue.Bool(false)),
				),
			},
			{
				// Another entry moved in front is drift of the one that should be first.
				PreConfig: func() { editDocument(t, env, func(d *discovery.Document) { d.MoveToFront(7) }) },
				Config:    withFirst,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.b", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.a", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: order("2", "7", "1"),
			},
			{
				// Entries that need not be first stay where they are.
				PreConfig:         func() { editDocument(t, env, func(d *discovery.Document) { d.MoveToFront(1) }) },
				Config:            env.provider + entryHCL("a", 1, nil) + entryHCL("b", 2, nil),
				ConfigStateChecks: order("1", "2", "7"),
			},
		},
	})
}

func TestAccDiscoveryEntryTimeoutNamesLastError(t *testing.T) {
	t.Parallel()
	// Nothing listens on this port: every attempt fails until the timeout.
	cfg := `
provider "spacemesh" {
  discovery_url    = "gs://sm-discovery/networks.json"
  storage_endpoint = "http://127.0.0.1:1/storage/v1/"
}
` + strings.Replace(entryHCL("net", 118, nil), "}\n", "  timeouts {\n    create = \"3s\"\n  }\n}\n", 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Could not add the discovery entry.*context deadline exceeded.*last error.*connection refused`),
		}},
	})
}
