package clientcontract

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFixture(t *testing.T, name string) []byte { return readFixtureB(t, name) }

func readFixtureB(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "discovery", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func violations(t *testing.T, doc []byte) string {
	t.Helper()
	vs, err := Check(doc)
	if err != nil {
		t.Fatal(err)
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = v.String()
	}
	return strings.Join(lines, "\n")
}

func TestEverySchemaCompilesAndCitesItsSource(t *testing.T) {
	t.Parallel()
	clients, err := Clients()
	if err != nil {
		t.Fatal(err)
	}
	if len(clients) != 5 {
		t.Errorf("%d clients, want Smapp 1.x, Smapp 0.2, smcli and both frontends", len(clients))
	}
	for _, c := range clients {
		raw, _ := schemaFiles.ReadFile("schemas/" + c.File)
		if !strings.Contains(string(raw), ".ts") && !strings.Contains(string(raw), ".go") && !strings.Contains(string(raw), ".js") {
			t.Errorf("%s does not cite the upstream file it encodes", c.File)
		}
	}
}

func TestTodaysDocumentSatisfiesEveryClient(t *testing.T) {
	t.Parallel()
	if got := violations(t, readFixture(t, "smapp-current.json")); got != "" {
		t.Errorf("smapp-current.json:\n%s", got)
	}
}

func TestEachClientRefusesWhatBreaksIt(t *testing.T) {
	t.Parallel()
	good := `{"netName":"N","netID":%s,"conf":"https://c.example.org/c.json","grpcAPI":"%s","jsonAPI":"https://1.api.example.org",
"explorer":"https://1.explore.example.org/","dash":"https://1.dash.example.org/","dashAPI":"%s","statsAPI":"https://1.stats.example.org",
"minSmappRelease":"1.6.0","latestSmappRelease":"%s","smappBaseDownloadUrl":"%s"}`
	build := func(vals ...string) string {
		s := good
		for _, v := range vals {
			s = strings.Replace(s, "%s", v, 1)
		}
		return s
	}
	ok := []string{"1", "https://1.api.example.org", "https://1.stats.example.org/#dash-1", "1.7.2", "https://smapp.example.org/dist"}
	with := func(i int, v string) string {
		vals := append([]string(nil), ok...)
		vals[i] = v
		return "[" + build(vals...) + "]"
	}
	if got := violations(t, []byte("["+build(ok...)+"]")); got != "" {
		t.Fatalf("the good entry fails:\n%s", got)
	}
	for _, tt := range []struct {
		name, doc string
		want      []string
	}{
		{"string netID", with(0, `"1"`), []string{"Smapp 0.2.0 to 0.2.8", "smcli v1.0.0 and v1.0.1"}},
		{"gRPC on 9092", with(1, "https://1.api.example.org:9092"), []string{`Smapp gRPC: entry 1 (N): grpcAPI "https://1.api.example.org:9092" is not https on 443`}},
		{"v-prefixed release", with(3, "v1.7.2"), []string{"Smapp 1.x", `Smapp updater: entry 1 (N): feed URL "https://smapp.example.org/dist/vv1.7.2" is malformed`}},
		{"base URL with trailing slash", with(4, "https://smapp.example.org/dist/"), []string{"Smapp 1.x", "Smapp updater"}},
		{"empty dashAPI", with(2, ""), []string{"explorer-frontend (Explorer V2)", "dash-frontend (V2)"}},
		{"no statsAPI", `[{"netName":"N","conf":"c","dash":"d","explorer":"e","minSmappRelease":"1.0.0","latestSmappRelease":"1.0.0","smappBaseDownloadUrl":"https://s.example.org","dashAPI":"x","jsonAPI":"https://j.example.org","grpcAPI":"https://j.example.org"}]`,
			[]string{"explorer-frontend (Explorer V2)", "dash-frontend (V2)", "statsAPI"}},
		{"same dashAPI twice", "[" + build(ok...) + "," + build(ok...) + "]", []string{"has the dashAPI of entry 1"}},
		{"not an array", `{"netName":"N"}`, []string{"Smapp 1.x", "smcli", "explorer-frontend"}},
	} {
		got := violations(t, []byte(tt.doc))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: violations do not mention %q:\n%s", tt.name, w, got)
			}
		}
	}
}

func TestOlderDocumentsFailTheClientsTheyWouldFail(t *testing.T) {
	t.Parallel()
	// As older tools wrote it: netID a string, no statsAPI, "v" releases.
	got := violations(t, readFixture(t, "smapp-format.json"))
	for _, w := range []string{"Smapp 0.2.0 to 0.2.8", "smcli", "explorer-frontend (Explorer V2)", "dash-frontend (V2)"} {
		if !strings.Contains(got, w) {
			t.Errorf("smapp-format.json: no %s violation:\n%s", w, got)
		}
	}
	// The spec's keys: no released client reads them.
	got = violations(t, readFixture(t, "mission-format.json"))
	for _, w := range []string{"Smapp 1.x", "explorer-frontend (Explorer V2)", "dash-frontend (V2)"} {
		if !strings.Contains(got, w) {
			t.Errorf("mission-format.json: no %s violation:\n%s", w, got)
		}
	}
}

// The compiled schemas are shared: checks from parallel tests must not race
// (run with -race, as make test runs the provider's tests that call Check).
func TestConcurrentChecks(t *testing.T) {
	t.Parallel()
	doc := readFixture(t, "smapp-current.json")
	done := make(chan error, 8)
	for range 8 {
		go func() {
			vs, err := Check(doc)
			if err == nil && len(vs) != 0 {
				err = fmt.Errorf("violations: %v", vs)
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
