package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An entry that already clashes with another (another tool wrote the two)
// is still updated in its other values; the apply warns of the clash, as
// terraform shows it to the operator.
func TestApplyWarnsOfAnExistingClash(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "networks.json")
	entry := func(id, name, dashAPI, latest string) string {
		return `{"netID": ` + id + `, "netName": "` + name + `", "conf": "https://configs.example.org/` + id + `.json",
   "jsonAPI": "https://` + id + `.api.example.org", "grpcAPI": "https://` + id + `.api.example.org",
   "explorer": "https://` + id + `.explore.example.org/", "dash": "https://` + id + `.dash.example.org/",
   "minNodeVersion": "1.6.0", "maxNodeVersion": "1.7.6", "minSmappRelease": "1.6.0", "latestSmappRelease": "` + latest + `",
   "smappBaseDownloadUrl": "https://smapp.example.org/dist", "nodeBaseDownloadUrl": "https://nodes.example.org/builds",
   "dashAPI": "` + dashAPI + `"}`
	}
	seed := "[\n  " + entry("5", "Five", "https://stats.example.org/", "1.7.2") + ",\n  " + entry("6", "Six", "https://stats.example.org", "1.7.2") + "\n]\n"
	if err := os.WriteFile(doc, []byte(seed), 0o644); err != nil {
		t.Fatal(err)
	}
	w := newWorkspace(t, "clash")
	w.setConfig(`
provider "spacemesh" {
  discovery_url = "file://` + doc + `"
}

import {
  to = spacemesh_discovery_entry.five
  id = "file://` + doc + `#5"
}

resource "spacemesh_discovery_entry" "five" {
  net_id                  = 5
  net_name                = "Five"
  conf                    = "https://configs.example.org/5.json"
  api_json                = "https://5.api.example.org"
  api_grpc                = "https://5.api.example.org"
  explorer                = "https://5.explore.example.org/"
  dash                    = "https://5.dash.example.org/"
  dash_api                = "https://stats.example.org/"
  min_node_release        = "1.6.0"
  latest_node_release     = "1.7.6"
  min_smapp_release       = "1.6.0"
  latest_smapp_release    = "1.7.3"
  smapp_base_download_url = "https://smapp.example.org/dist"
  node_base_download_url  = "https://nodes.example.org/builds"
}
`)
	w.mustRun("init", "-no-color")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := w.run(ctx, "apply", "-json", "-auto-approve")
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	var warnings []string
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
		if msg.Diagnostic.Severity == "error" {
			t.Errorf("apply reported an error: %s: %s", msg.Diagnostic.Summary, msg.Diagnostic.Detail)
		}
		warnings = append(warnings, msg.Diagnostic.Summary+"\n"+msg.Diagnostic.Detail)
	}
	flat := strings.Join(strings.Fields(strings.Join(warnings, "\n")), " ")
	for _, want := range []string{
		"Discovery entry clashes with another entry, as it did before",
		`net id 5 (Five) would have the dashAPI "https://stats.example.org/", the same as net id 6 (Six) ("https://stats.example.org") once the explorer appends '/'`,
		"The document had this clash before this write",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("apply diagnostics lack %q:\n%s", want, strings.Join(warnings, "\n\n"))
		}
	}
	var written []map[string]any
	if err := json.Unmarshal(mustRead(t, doc), &written); err != nil || len(written) != 2 {
		t.Fatalf("document after the apply (%v):\n%s", err, mustRead(t, doc))
	}
	if got := written[0]["latestSmappRelease"]; got != "1.7.3" {
		t.Errorf("entry 5 not updated: latestSmappRelease %v", got)
	}
	if got := written[1]["dashAPI"]; got != "https://stats.example.org" {
		t.Errorf("entry 6 changed: dashAPI %v", got)
	}
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
