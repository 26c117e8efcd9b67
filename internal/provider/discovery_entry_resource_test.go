package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/clientcontract"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store/storetest"
)

// docEnv is one place a test document lives, with direct access to it as an
// outside writer would have.
type docEnv struct {
	name     string
	url      string
	provider string // the provider block
	read     func() []byte
	write    func([]byte)
	gcs      *storetest.FakeGCS // nil for file documents
}

func gcsEnv(t *testing.T, format string) docEnv {
	gcs := storetest.StartFakeGCS(t, "sm-discovery")
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

// checkDocument asserts the document's net ids (in order) and that the
// foreign entry, when given, is unchanged in meaning.
func checkDocument(t *testing.T, env docEnv, foreign string, idKey string, wantIDs ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		b := env.read()
		var list []map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&list); err != nil {
			return fmt.Errorf("document is not a JSON list: %v\n%s", err, b)
		}
		var got []string
		for _, e := range list {
			got = append(got, fmt.Sprint(e[idKey]))
		}
		if !reflect.DeepEqual(got, wantIDs) && (len(got) != 0 || len(wantIDs) != 0) {
			return fmt.Errorf("document net ids %v, want %v:\n%s", got, wantIDs, b)
		}
		if foreign != "" {
			want := decodeEntries(t, []byte(foreign), idKey)
			have := decodeEntries(t, b, idKey)
			for id, e := range want {
				if !reflect.DeepEqual(have[id], e) {
					return fmt.Errorf("foreign entry %s changed:\nwant %v\nhave %v", id, e, have[id])
				}
			}
		}
		return nil
	}
}

func TestAccDiscoveryEntryLifecycle(t *testing.T) {
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
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr("spacemesh_discovery_entry.net", "id", env.url+"#118"),
							resource.TestCheckNoResourceAttr("spacemesh_discovery_entry.net", "genesis_id"),
							checkDocument(t, env, foreignMission, "net-id", "7", "118"),
							func(*terraform.State) error {
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
							},
							func(*terraform.State) error {
								e := decodeEntries(t, env.read(), "net-id")["118"]
								// latest_node_release is "v1.7.6" in the configuration: clients get bare semver.
								if e["api-grpc"] != "https://118.api.example.org" || e["latest-node-release"] != "1.7.6" || e["net-id"] != json.Number("118") ||
									e["stats-api"] != "https://118.stats.example.org" || e["dash-api"] != "https://118.stats.example.org/#dash-118" {
									return fmt.Errorf("entry written wrongly: %v", e)
								}
								return nil
							},
						),
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
						Check: resource.ComposeAggregateTestCheckFunc(
							checkDocument(t, env, foreignMission, "net-id", "7", "118"),
							func(*terraform.State) error {
								e := decodeEntries(t, env.read(), "net-id")["118"]
								if e["latest-smapp-release"] != "1.8.0" || e["explorer-api"] != "https://118.stats.example.org" || e["explorerVersion"] != "v2.1.0" {
									return fmt.Errorf("update not written: %v", e)
								}
								return nil
							},
						),
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
						Check: func(*terraform.State) error {
							if e := decodeEntries(t, env.read(), "net-id")["118"]; e["net-name"] != "Open Testnet 118" {
								return fmt.Errorf("drift not repaired: %v", e)
							}
							return nil
						},
					},
					{
						// An outside removal plans a re-create.
						PreConfig: func() { editDocument(t, env, func(d *discovery.Document) { d.Remove(118) }) },
						Config:    updated,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionCreate),
						}},
						Check: checkDocument(t, env, foreignMission, "net-id", "7", "118"),
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
				CheckDestroy: checkDocument(t, env, foreignMission, "net-id", "7", "9"),
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
			Check: func(*terraform.State) error {
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
			},
		}},
		// The last entry removed leaves an empty list, never a deleted object.
		CheckDestroy: func(*terraform.State) error {
			if b := env.read(); strings.TrimSpace(string(b)) != "[]" {
				return fmt.Errorf("after destroy the document is %q, want []", b)
			}
			return nil
		},
	})
}

func TestAccDiscoveryEntryRefusesUnmanagedEntry(t *testing.T) {
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
				CheckDestroy: func(*terraform.State) error {
					if !bytes.Equal(env.read(), seed) {
						return fmt.Errorf("the document was changed: %s", env.read())
					}
					return nil
				},
			})
		})
	}
}

func TestAccDiscoveryEntryLeavesBrokenDocumentsAlone(t *testing.T) {
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
					CheckDestroy: func(*terraform.State) error {
						if !bytes.Equal(env.read(), seed) {
							return fmt.Errorf("the broken document was rewritten:\n%s", env.read())
						}
						return nil
					},
				})
			})
		}
	}
}

// The smapp format as the clients read it: netID a number, bare semver,
// genesisID optional, the frontends' keys first-class; every document written
// passes every client's schema.
func TestAccDiscoveryEntrySmappFormat(t *testing.T) {
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
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDocument(t, env, string(seed), "netID", "15", "118"),
					checkClientContract(env),
					// The configuration's "v1.7.2" stays in state; the document has "1.7.2".
					resource.TestCheckResourceAttr("spacemesh_discovery_entry.net", "latest_smapp_release", "v1.7.2"),
					func(*terraform.State) error {
						b := env.read()
						want := `
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
`
						if !bytes.HasSuffix(b, []byte(want)) {
							return fmt.Errorf("entry 118 is not written as the clients read it:\n%s", b)
						}
						return nil
					},
				),
			},
			// "v1.7.2" and "1.7.2" are the same release: nothing drifts.
			{Config: noGenesis, PlanOnly: true},
			{
				Config: env.provider + entryHCL("net", 118, map[string]string{"genesis_id": genesis, "explorer_api": `"https://118.stats.example.org"`}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.net", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDocument(t, env, string(seed), "netID", "15", "118"),
					checkClientContract(env),
					func(*terraform.State) error {
						e := decodeEntries(t, env.read(), "netID")["118"]
						if e["netID"] != json.Number("118") || e["genesisID"] != strings.Trim(genesis, `"`) || e["latestSmappRelease"] != "1.7.2" {
							return fmt.Errorf("smapp entry: %v", e)
						}
						return nil
					},
				),
			},
		},
	})
}

// An entry older tools wrote with a string netID is read, imported, and
// rewritten with a number on its next update.
func TestAccDiscoveryEntrySmappStringNetIDRewrittenAsNumber(t *testing.T) {
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
				Check: resource.ComposeAggregateTestCheckFunc(
					checkClientContract(env),
					func(*terraform.State) error {
						if b := env.read(); !bytes.Contains(b, []byte(`"netID": 15,`)) || bytes.Contains(b, []byte(`"netID": "15"`)) {
							return fmt.Errorf("netID not rewritten as a number:\n%s", b)
						}
						return nil
					},
				),
			},
		},
	})
}

// checkClientContract fails when a client of the smapp format would refuse
// the document (internal/clientcontract: a JSON Schema per client).
func checkClientContract(env docEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		vs, err := clientcontract.Check(env.read())
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			lines := make([]string, len(vs))
			for i, v := range vs {
				lines[i] = v.String()
			}
			return fmt.Errorf("a client would refuse the document:\n%s\n%s", strings.Join(lines, "\n"), env.read())
		}
		return nil
	}
}

func TestAccDiscoveryEntryValidation(t *testing.T) {
	env := fileEnv(t)
	cases := []struct {
		name string
		set  map[string]string
		want string
	}{
		{"http url", map[string]string{"api_json": `"http://118.api.example.org:9091"`}, `(?s)api_json.*expected an https URL.*http://118`},
		{"ip host", map[string]string{"dash": `"https://10.0.0.1/"`}, `(?s)dash.*expected a DNS name, got the IP address`},
		{"bad host", map[string]string{"explorer": `"https://bad_host.example.org/"`}, `(?s)explorer.*not a\s+valid\s+DNS\s+name`},
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
			ExpectError: regexp.MustCompile(`(?s)No discovery document.*no discovery document is\s+configured`),
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
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("spacemesh_discovery_entry.a", "id", "file://"+envDoc+"#1"),
					resource.TestCheckResourceAttr("spacemesh_discovery_entry.b", "id", "file://"+ownDoc+"#2"),
					func(*terraform.State) error {
						a, _ := os.ReadFile(envDoc)
						b, _ := os.ReadFile(ownDoc)
						// The provider's default format is smapp: netID a number.
						if !bytes.Contains(a, []byte(`"netID": 1,`)) || bytes.Contains(a, []byte(`"netID": 2,`)) || !bytes.Contains(b, []byte(`"netID": 2,`)) {
							return fmt.Errorf("entries in the wrong documents:\n%s\n%s", a, b)
						}
						for _, doc := range [][]byte{a, b} {
							if err := checkClientContract(docEnv{read: func() []byte { return doc }})(nil); err != nil {
								return err
							}
						}
						return nil
					},
				),
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
	env := gcsEnv(t, "mission")
	env.write([]byte(foreignMission))
	cfg := env.provider + entryHCL("net", 118, map[string]string{"extra": `{ explorerVersion = "v2.1.0" }`}) + `
data "spacemesh_discovery" "all" {
  depends_on = [spacemesh_discovery_entry.net]
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "id", env.url),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "exists", "true"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "net_ids.#", "2"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "net_ids.0", "7"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "entries.0.extra.explorerAPI", "https://e.example.org"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "entries.0.extra.beta", "true"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "entries.0.dash", ""),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "entries.1.net_id", "118"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "entries.1.api_json", "https://118.api.example.org"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "entries.1.stats_api", "https://118.stats.example.org"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "entries.1.extra.explorerVersion", "v2.1.0"),
					resource.TestCheckResourceAttrWith("data.spacemesh_discovery.all", "json", func(v string) error {
						if _, err := discovery.Decode([]byte(v), discovery.FormatMission); err != nil {
							return err
						}
						return nil
					}),
				),
			},
		},
	})
}

func TestAccDiscoveryDataSourceAbsentAndBroken(t *testing.T) {
	env := fileEnv(t)
	cfg := env.provider + `data "spacemesh_discovery" "all" {}` + "\n"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "exists", "false"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "entries.#", "0"),
					resource.TestCheckResourceAttr("data.spacemesh_discovery.all", "json", "[]\n"),
				),
			},
			{
				PreConfig:   func() { env.write([]byte(`[{"net-id": 1}, {"net-id": 1}]`)) },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)cannot be used.*net id 1 appears twice`),
			},
		},
	})
}

func TestAccDiscoveryEntryFirst(t *testing.T) {
	env := fileEnv(t)
	env.write([]byte(foreignMission))
	order := func(want ...string) resource.TestCheckFunc {
		return checkDocument(t, env, foreignMission, "net-id", want...)
	}
	withFirst := env.provider + entryHCL("a", 1, nil) + entryHCL("b", 2, map[string]string{"first": "true"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: withFirst,
				Check: resource.ComposeAggregateTestCheckFunc(
					order("2", "7", "1"),
					resource.TestCheckResourceAttr("spacemesh_discovery_entry.a", "first", "false"),
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
				Check: order("2", "7", "1"),
			},
			{
				// Entries that need not be first stay where they are.
				PreConfig: func() { editDocument(t, env, func(d *discovery.Document) { d.MoveToFront(1) }) },
				Config:    env.provider + entryHCL("a", 1, nil) + entryHCL("b", 2, nil),
				Check:     order("1", "2", "7"),
			},
		},
	})
}

func TestAccDiscoveryEntryTimeoutNamesLastError(t *testing.T) {
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
