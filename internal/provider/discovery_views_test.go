package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
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

// viewsEnv is a document with discovery_views on, and a reader of its views
// by name (views/networks/<name>); nil when absent.
type viewsEnv struct {
	name     string
	provider string
	view     func(name string) []byte
	// spoil makes the view of 118 another list, as a failed or missed
	// rewrite leaves it.
	spoil func()
	dir   string // file documents: their directory
}

func viewsEnvs(t *testing.T) []viewsEnv {
	gcs := fakegcs.Start(t, "sm-discovery")
	dir := t.TempDir()
	return []viewsEnv{
		{
			name: "gcs",
			// The mission dialect: the views are in the frontends' keys all the same.
			provider: fmt.Sprintf(`
provider "spacemesh" {
  discovery_url    = "gs://sm-discovery/nets/networks.json"
  discovery_format = "mission"
  discovery_views  = true
  storage_endpoint = %q
}
`, gcs.Endpoint()),
			view:  func(name string) []byte { return gcs.Get(t, "sm-discovery", "nets/views/networks/"+name) },
			spoil: func() { gcs.Put("sm-discovery", "nets/views/networks/118/networks.json", []byte("[]\n")) },
		},
		{
			name: "file",
			provider: fmt.Sprintf(`
provider "spacemesh" {
  discovery_url   = "file://%s/networks.json"
  discovery_views = true
}
`, dir),
			view: func(name string) []byte {
				b, err := os.ReadFile(filepath.Join(dir, "views", "networks", filepath.FromSlash(name)))
				if err != nil {
					return nil
				}
				return b
			},
			spoil: func() {
				if err := os.Remove(filepath.Join(dir, "views", "networks", "118", "networks.json")); err != nil {
					t.Fatal(err)
				}
			},
			dir: dir,
		},
	}
}

// viewLists checks that each named view lists exactly those net ids, in order.
func viewLists(env viewsEnv, want map[string][]int64) statecheck.StateCheck {
	return doccheck.Func(func() error {
		var problems []string
		for name, ids := range want {
			b := env.view(name)
			if b == nil {
				problems = append(problems, name+" is missing")
				continue
			}
			doc, err := discovery.Decode(b, discovery.FormatSmapp)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s is not a list the frontends read: %v", name, err))
				continue
			}
			if got := doc.NetIDs(); !reflect.DeepEqual(got, ids) {
				problems = append(problems, fmt.Sprintf("%s lists %v, want %v", name, got, ids))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "; "))
		}
		return nil
	})
}

// TestAccDiscoveryViewsFollowTheDocument: the frontends' lists change in the
// apply that changes the document, a retired network first of all.
func TestAccDiscoveryViewsFollowTheDocument(t *testing.T) {
	t.Parallel()
	for _, env := range viewsEnvs(t) {
		t.Run(env.name, func(t *testing.T) {
			// 119 after 118, so that the document's order is known.
			after := "[spacemesh_discovery_entry.n118]"
			two := env.provider + entryHCL("n118", 118, nil) + entryHCL("n119", 119, map[string]string{"depends_on": after})
			renamed := env.provider + entryHCL("n118", 118, nil) + entryHCL("n119", 119, map[string]string{"depends_on": after, "net_name": `"Testnet 119 (final)"`})
			one := env.provider + entryHCL("n118", 118, nil)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: two,
						ConfigStateChecks: []statecheck.StateCheck{viewLists(env, map[string][]int64{
							"networks.json": {118, 119}, "118/networks.json": {118, 119}, "119/networks.json": {119, 118},
						})},
					},
					{
						Config: renamed,
						ConfigStateChecks: []statecheck.StateCheck{doccheck.Func(func() error {
							if !strings.Contains(string(env.view("118/networks.json")), `"netName": "Testnet 119 (final)"`) {
								return fmt.Errorf("118's list does not carry 119's new name:\n%s", env.view("118/networks.json"))
							}
							return nil
						})},
					},
					{
						// The block is removed: its entry and every list of it go in this apply.
						Config: one,
						ConfigStateChecks: []statecheck.StateCheck{viewLists(env, map[string][]int64{
							"networks.json": {118}, "118/networks.json": {118}, "119/networks.json": {118},
						})},
					},
				},
			})
		})
	}
}

// TestAccDiscoveryViewsAreRepaired: a list that is missing or behind (views
// just turned on, a rewrite that failed, a list spoilt outside) reads as
// views_written = false, and the next apply rewrites them.
func TestAccDiscoveryViewsAreRepaired(t *testing.T) {
	t.Parallel()
	for _, env := range viewsEnvs(t) {
		t.Run(env.name, func(t *testing.T) {
			withViews := env.provider + entryHCL("n118", 118, nil)
			without := strings.Replace(withViews, "discovery_views", "# discovery_views", 1)
			written := func(want bool) statecheck.StateCheck {
				return statecheck.ExpectKnownValue("spacemesh_discovery_entry.n118", tfjsonpath.New("views_written"), knownvalue.Bool(want))
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: without,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("spacemesh_discovery_entry.n118", tfjsonpath.New("views_written"), knownvalue.Null()),
							doccheck.Func(func() error {
								if env.view("networks.json") != nil {
									return fmt.Errorf("views written without discovery_views")
								}
								return nil
							}),
						},
					},
					{
						// Turned on with nothing else changed: the plan rewrites them.
						Config: withViews,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("spacemesh_discovery_entry.n118", plancheck.ResourceActionUpdate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{written(true), viewLists(env, map[string][]int64{"networks.json": {118}, "118/networks.json": {118}})},
					},
					{
						PreConfig: env.spoil,
						Config:    withViews,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("spacemesh_discovery_entry.n118", plancheck.ResourceActionUpdate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{written(true), viewLists(env, map[string][]int64{"118/networks.json": {118}})},
					},
				},
			})
		})
	}
}

// TestAccDiscoveryViewsFailure: the document is written, the lists cannot be.
// A create warns (an error would taint the new entry, and its replacement
// would take it out of the document for a moment) and records views_written
// = false; a removal is an error. Either way the next apply, once the cause
// is gone, writes the lists: the remaining entry finds its own list behind.
func TestAccDiscoveryViewsFailure(t *testing.T) {
	t.Parallel()
	env := viewsEnvs(t)[1]
	block := func(p string) func() {
		return func() {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("not a directory"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	unblock := func(p string) func() {
		return func() {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A file where a directory of the views goes: no list under it can be written.
	views, of118 := filepath.Join(env.dir, "views"), filepath.Join(env.dir, "views", "networks", "118")
	one := env.provider + entryHCL("n118", 118, nil)
	two := one + entryHCL("n119", 119, map[string]string{"depends_on": "[spacemesh_discovery_entry.n118]"})
	written := func(want bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("spacemesh_discovery_entry.n118", tfjsonpath.New("views_written"), knownvalue.Bool(want))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				PreConfig: block(views),
				Config:    one,
				// The entry is written and recorded, views_written = false: the next plan rewrites them.
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					written(false),
					doccheck.NetIDs(func() []byte { b, _ := os.ReadFile(filepath.Join(env.dir, "networks.json")); return b }, "netID", "118"),
				},
			},
			{
				PreConfig: unblock(views),
				Config:    one,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.n118", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{written(true), viewLists(env, map[string][]int64{"networks.json": {118}, "118/networks.json": {118}})},
			},
			{
				Config:            two,
				ConfigStateChecks: []statecheck.StateCheck{viewLists(env, map[string][]int64{"118/networks.json": {118, 119}})},
			},
			{
				// 119 is removed from the document, but the lists cannot be rewritten.
				PreConfig: func() {
					if err := os.RemoveAll(of118); err != nil {
						t.Fatal(err)
					}
					block(of118)()
				},
				Config:      one,
				ExpectError: regexp.MustCompile(`Network views not rewritten`),
			},
			{
				PreConfig: unblock(of118),
				// The entry that remains finds its list behind and rewrites them all.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spacemesh_discovery_entry.n118", plancheck.ResourceActionUpdate),
				}},
				Config: one,
				ConfigStateChecks: []statecheck.StateCheck{
					written(true),
					viewLists(env, map[string][]int64{"networks.json": {118}, "118/networks.json": {118}, "119/networks.json": {118}}),
				},
			},
		},
	})
}
