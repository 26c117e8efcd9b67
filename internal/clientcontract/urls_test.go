package clientcontract

import (
	"strings"
	"testing"
)

// The clients build URLs by appending to the document's values: each one
// refuses a value that its appending would break, and two entries whose
// conf URLs end in one file name fail Smapp's offline cache.
func TestClientsRefuseWhatTheirAppendingBreaks(t *testing.T) {
	t.Parallel()
	entry := func(id string, set map[string]string) string {
		e := map[string]string{
			"netName": "Net " + id, "conf": "https://c.example.org/" + id + "/testnet-" + id + ".json",
			"grpcAPI": "https://" + id + ".api.example.org", "jsonAPI": "https://" + id + ".api.example.org",
			"explorer": "https://" + id + ".explore.example.org/", "dash": "https://" + id + ".dash.example.org/",
			"dashAPI": "https://" + id + ".stats.example.org/#dash-" + id, "statsAPI": "https://" + id + ".stats.example.org",
			"minSmappRelease": "1.6.0", "latestSmappRelease": "1.7.2", "smappBaseDownloadUrl": "https://smapp.example.org/dist",
		}
		for k, v := range set {
			e[k] = v
		}
		var b strings.Builder
		b.WriteString(`{"netID":` + id)
		for k, v := range e {
			b.WriteString(`,"` + k + `":"` + v + `"`)
		}
		b.WriteString("}")
		return b.String()
	}
	one := func(set map[string]string) string { return "[" + entry("1", set) + "]" }
	if got := violations(t, []byte(one(map[string]string{"dashAPI": "https://1.stats.example.org/?net=1#dash-1", "dash": "https://1.dash.example.org"}))); got != "" {
		t.Errorf("dashAPI with a query and fragment, dash without '/': only compared or appended a query to, yet\n%s", got)
	}
	for _, tt := range []struct {
		name, doc string
		want      []string
	}{
		{"explorer without '/'", one(map[string]string{"explorer": "https://1.explore.example.org"}), []string{"Smapp 1.x", "dash-frontend (V2)", "/0/explorer"}},
		{"query in the Smapp base URL", one(map[string]string{"smappBaseDownloadUrl": "https://smapp.example.org/dist?channel=beta"}),
			[]string{"Smapp 1.x", `Smapp updater: entry 1 (Net 1): feed URL "https://smapp.example.org/dist?channel=beta/v1.7.2" is malformed`}},
		{"fragment in statsAPI", one(map[string]string{"statsAPI": "https://1.stats.example.org#x"}), []string{"explorer-frontend (Explorer V2)", "dash-frontend (V2)", "/0/statsAPI"}},
		{"query in jsonAPI", one(map[string]string{"jsonAPI": "https://1.api.example.org/?k=1"}), []string{"explorer-frontend (Explorer V2)", "/0/jsonAPI"}},
		{"query in grpcAPI", one(map[string]string{"grpcAPI": "https://1.api.example.org?k=1"}), []string{"dash-frontend (V2)", "/0/grpcAPI"}},
		{"fragment in dash", one(map[string]string{"dash": "https://1.dash.example.org/#1"}), []string{"Smapp 1.x", "/0/dash"}},
		{"query in conf", one(map[string]string{"conf": "https://c.example.org/1.json?v=2"}), []string{"Smapp 1.x", "/0/conf"}},
		{"conf naming a directory", one(map[string]string{"conf": "https://c.example.org/1/"}), []string{"Smapp 1.x", "/0/conf"}},
		{"conf named like Smapp's networks.json", one(map[string]string{"conf": "https://c.example.org/1/Networks.json"}), []string{"Smapp 1.x", "/0/conf"}},
		{"conf file name twice", "[" + entry("1", map[string]string{"conf": "https://c.example.org/1/config.json"}) + "," + entry("2", map[string]string{"conf": "https://c.example.org/2/Config.json"}) + "]",
			[]string{`Smapp offline cache: entry 2 (Net 2): conf "https://c.example.org/2/Config.json" ends in the file name of entry 1 (Net 1)'s "https://c.example.org/1/config.json"`}},
	} {
		got := violations(t, []byte(tt.doc))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: violations do not mention %q:\n%s", tt.name, w, got)
			}
		}
	}
}
