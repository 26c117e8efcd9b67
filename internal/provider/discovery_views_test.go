package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

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
			view: func(name string) []byte { return gcs.Get(t, "sm-discovery", "nets/views/networks/"+name) },
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
