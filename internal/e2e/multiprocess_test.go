package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store/storetest"
)

const foreign = `[{"net-id": 7, "net-name": "Foreign", "explorerAPI": "https://e.example.org", "odd": [1, 2.50]}]`

func entryHCL(netID int, smappRelease string) string {
	return fmt.Sprintf(`
resource "spacemesh_discovery_entry" "net" {
  net_id                  = %[1]d
  net_name                = "Open Testnet %[1]d"
  conf                    = "https://configs.example.org/%[1]d.json"
  api_json                = "https://%[1]d.api.example.org:9091"
  api_grpc                = "https://%[1]d.api.example.org:9092"
  explorer                = "https://%[1]d.explore.example.org/"
  dash                    = "https://%[1]d.dash.example.org/"
  min_node_release        = "1.6.0"
  latest_node_release     = "1.7.6"
  min_smapp_release       = "1.6.0"
  latest_smapp_release    = %[2]q
  smapp_base_download_url = "https://smapp.example.org/dist"
  node_base_download_url  = "https://nodes.example.org/builds"
}
`, netID, smappRelease)
}

// documentState returns the document's entries by net id, as generic JSON.
func documentState(t testing.TB, b []byte) map[string]map[string]any {
	t.Helper()
	var list []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&list); err != nil {
		t.Fatalf("the document is not a JSON list: %v\n%s", err, b)
	}
	out := map[string]map[string]any{}
	for _, e := range list {
		id := fmt.Sprint(e["net-id"])
		if _, dup := out[id]; dup {
			t.Fatalf("net id %s twice in\n%s", id, b)
		}
		out[id] = e
	}
	return out
}

func ids(m map[string]map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSeparateProcessesShareOneDocument applies, updates and destroys one
// entry from each of three terraform processes at the same time.
func TestSeparateProcessesShareOneDocument(t *testing.T) {
	gcs := storetest.StartFakeGCS(t, "sm-discovery")
	gcs.Put("sm-discovery", "networks.json", []byte(foreign))
	want := documentState(t, []byte(foreign))["7"]

	provider := fmt.Sprintf(`
provider "spacemesh" {
  discovery_url    = "gs://sm-discovery/networks.json"
  # The tests count entries by the spec's key; the format itself is tested elsewhere.
  discovery_format = "mission"
  storage_endpoint = %q
}
`, gcs.Endpoint())
	netIDs := []int{201, 202, 203}
	ws := make([]*workspace, len(netIDs))
	for i, id := range netIDs {
		ws[i] = newWorkspace(t, fmt.Sprintf("net-%d", id))
		ws[i].setConfig(provider + entryHCL(id, "1.7.2"))
	}
	all(t, ws, "init", "init", "-no-color")

	check := func(stage string, wantIDs []string, smapp string) {
		t.Helper()
		doc := documentState(t, gcs.Get(t, "sm-discovery", "networks.json"))
		if got := ids(doc); !reflect.DeepEqual(got, wantIDs) {
			t.Fatalf("%s: document has %v, want %v", stage, got, wantIDs)
		}
		if !reflect.DeepEqual(doc["7"], want) {
			t.Fatalf("%s: the foreign entry changed: %v", stage, doc["7"])
		}
		for _, id := range netIDs {
			if e, ok := doc[fmt.Sprint(id)]; ok && e["latest-smapp-release"] != smapp {
				t.Fatalf("%s: entry %d has latest-smapp-release %v, want %s", stage, id, e["latest-smapp-release"], smapp)
			}
		}
	}

	all(t, ws, "apply", "apply", "-auto-approve", "-no-color")
	check("after apply", []string{"201", "202", "203", "7"}, "1.7.2")

	for i, id := range netIDs {
		ws[i].setConfig(provider + entryHCL(id, "1.8.0"))
	}
	all(t, ws, "update", "apply", "-auto-approve", "-no-color")
	check("after update", []string{"201", "202", "203", "7"}, "1.8.0")

	// Every workspace's plan is empty again: nobody's write disturbed another's entry.
	all(t, ws, "plan", "plan", "-detailed-exitcode", "-no-color")

	all(t, ws, "destroy", "destroy", "-auto-approve", "-no-color")
	check("after destroy", []string{"7"}, "")
}
