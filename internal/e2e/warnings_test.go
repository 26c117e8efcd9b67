package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Plan-time warnings are what the operator reads before anything happens:
// they are asserted here on terraform's own output, as a user sees it.
func TestPlanWarnings(t *testing.T) {
	unsafe, err := filepath.Abs(filepath.Join("..", "netconf", "testdata", "unsafe-public-smesher.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(t.TempDir(), "networks.json")
	w := newWorkspace(t, "warnings")
	w.setConfig(`
provider "spacemesh" {
  discovery_url = "file://` + doc + `"
  domain        = "example.org"
}

resource "spacemesh_network" "unsafe" {
  name                    = "Unsafe Net"
  config_url              = "https://configs.example.org/5.json"
  config_json             = file("` + unsafe + `")
  net_id                  = 5
  node_release            = "v1.7.6"
  min_node_release        = "1.6.0"
  latest_node_release     = "1.7.6"
  min_smapp_release       = "1.6.0"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.example.org/dist"
  node_base_download_url  = "https://nodes.example.org/builds"
}

resource "spacemesh_network" "old_node" {
  name                    = "Old Node Net"
  config_url              = "https://configs.example.org/6.json"
  config_json             = jsonencode({ genesis = { genesis-time = "2026-09-01T12:00:00Z", genesis-extra-data = "six" }, main = { network-hrp = "stest", layer-duration = "5m", layers-per-epoch = 288 }, post = { post-labels-per-unit = 1024 } })
  net_id                  = 6
  node_release            = "v1.5.8"
  min_node_release        = "1.5.0"
  latest_node_release     = "1.5.8"
  min_smapp_release       = "1.6.0"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.example.org/dist"
  node_base_download_url  = "https://nodes.example.org/builds"
}

resource "spacemesh_discovery_entry" "grpc_port" {
  net_id                  = 7
  net_name                = "gRPC on 9092"
  conf                    = "https://configs.example.org/7.json"
  api_json                = "https://7.api.example.org"
  api_grpc                = "https://7.api.example.org:9092"
  explorer                = "https://7.explore.example.org/"
  dash                    = "https://7.dash.example.org/"
  min_node_release        = "1.6.0"
  latest_node_release     = "1.7.6"
  min_smapp_release       = "1.6.0"
  latest_smapp_release    = "1.7.2"
  smapp_base_download_url = "https://smapp.example.org/dist"
  node_base_download_url  = "https://nodes.example.org/builds"
}
`)
	w.mustRun("init", "-no-color")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// -json: terraform's human output folds warnings with the same summary.
	out, err := w.run(ctx, "plan", "-json")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	var diags []string
	for _, line := range strings.Split(out, "\n") {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail string
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) != nil || msg.Type != "diagnostic" {
			continue
		}
		d := msg.Diagnostic
		if d.Severity == "error" {
			t.Errorf("plan reported an error: %s: %s", d.Summary, d.Detail)
		}
		diags = append(diags, "Warning: "+d.Summary+"\n"+d.Detail)
	}
	flat := strings.Join(strings.Fields(strings.Join(diags, "\n")), " ")
	for _, want := range []string{
		// The published config is repaired in the API node's copy, each key named.
		`Warning: The published node config is unsafe; the API node runs a repaired copy`,
		`api.grpc-private-listener: "0.0.0.0:9093" -> "127.0.0.1:9093" (the private listener serves admin and smesher`,
		`api.grpc-public-services: ["smesher", "post", "admin"] -> ["node", "mesh"]`,
		`fix it at its source`,
		// go-spacemesh 1.7.6 refuses the legacy lists.
		`Warning: Keys left out of the API node config`,
		`api.grpc-public-services: ["node","mesh"] -> (removed) (go-spacemesh v1.7.6 does not know it (it exists before v1.3.0))`,
		// 1.5.8 has no CORS list.
		`Warning: API node release limit`,
		`go-spacemesh 1.5.8 has no api.grpc-cors-allowed-origins (it exists from v1.6.0)`,
		// Smapp's isNetConfig wants keys the node takes from its preset.
		`Warning: Smapp cannot keep this config as its offline fallback`,
		`lacks what Smapp's isNetConfig (smapp shared/types/guards.ts) requires of the config it caches: post.post-max-numunits (a number above 0), poet.cycle-gap (a non-empty string)`,
		// Smapp dials 443.
		`Warning: Smapp ignores this port`,
		`api_grpc is "https://7.api.example.org:9092", but Smapp dials grpcAPI on port 443`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("plan diagnostics lack %q:\n%s", want, strings.Join(diags, "\n\n"))
		}
	}
}
