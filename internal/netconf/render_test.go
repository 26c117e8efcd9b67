package netconf

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"
)

var (
	v12  = semver.MustParse("1.2.13")
	v150 = semver.MustParse("1.5.0")
	v176 = semver.MustParse("1.7.6")
)

func TestCheckSafe(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		wantErr   error
		wantProbs []Problem // Key and Value compared
		wantMsgs  []string
	}{
		{name: "legacy", data: string(readTestdata(t, "testnet-118-legacy.json"))},
		{name: "current", data: string(readTestdata(t, "testnet-current.json"))},
		{name: "legacy with debug public and a public TLS listener", data: string(readTestdata(t, "legacy-public-debug.json"))},
		{name: "no api section", data: `{}`},
		{name: "localhost", data: `{"api":{"grpc-private-listener":"localhost:9093","grpc-post-listener":"127.0.0.2:0"}}`},
		{name: "ipv6 loopback", data: `{"api":{"grpc-private-listener":"[::1]:9093"}}`},
		{name: "post listener off", data: `{"api":{"grpc-post-listener":""}}`},
		{
			name: "the shared unsafe example", data: string(readTestdata(t, "unsafe-public-smesher.json")),
			wantErr: ErrUnsafe,
			wantProbs: []Problem{
				{Key: "api.grpc-private-listener", Value: `"0.0.0.0:9093"`},
				{Key: "api.grpc-public-services", Value: `["smesher", "post", "admin"]`},
			},
			wantMsgs: []string{
				`api.grpc-private-listener = "0.0.0.0:9093": the private listener serves admin and smesher`,
				`api.grpc-public-services = ["smesher", "post", "admin"]`,
				"fix the config at its source",
			},
		},
		{
			name: "private listener on every interface", data: `{"api":{"grpc-private-listener":":9093"}}`,
			wantErr: ErrUnsafe, wantProbs: []Problem{{Key: "api.grpc-private-listener", Value: `":9093"`}},
		},
		{
			name: "private listener on a public ip", data: `{"api":{"grpc-private-listener":"203.0.113.7:9093"}}`,
			wantErr: ErrUnsafe, wantProbs: []Problem{{Key: "api.grpc-private-listener", Value: `"203.0.113.7:9093"`}},
		},
		{
			name: "private listener on a host name", data: `{"api":{"grpc-private-listener":"node.example.org:9093"}}`,
			wantErr: ErrUnsafe, wantProbs: []Problem{{Key: "api.grpc-private-listener", Value: `"node.example.org:9093"`}},
		},
		{
			name: "post listener public", data: `{"api":{"grpc-post-listener":"0.0.0.0:9094"}}`,
			wantErr: ErrUnsafe, wantProbs: []Problem{{Key: "api.grpc-post-listener", Value: `"0.0.0.0:9094"`}},
			wantMsgs: []string{"without authentication"},
		},
		{
			name: "postInfo public", data: `{"api":{"grpc-public-services":["node","postInfo"]}}`,
			wantErr: ErrUnsafe, wantProbs: []Problem{{Key: "api.grpc-public-services", Value: `["postInfo"]`}},
		},
		{name: "listener not host:port", data: `{"api":{"grpc-private-listener":"9093"}}`, wantErr: ErrInvalid, wantMsgs: []string{`api.grpc-private-listener: "9093" is not a "host:port"`}},
		{name: "listener a number", data: `{"api":{"grpc-private-listener":9093}}`, wantErr: ErrInvalid, wantMsgs: []string{"must be a \"host:port\" string, got number 9093"}},
		{name: "services not a list", data: `{"api":{"grpc-public-services":"node,smesher"}}`, wantErr: ErrInvalid, wantMsgs: []string{"api.grpc-public-services must be a list of strings"}},
		{name: "services with a number", data: `{"api":{"grpc-public-services":["node",1]}}`, wantErr: ErrInvalid, wantMsgs: []string{"has number 1"}},
		{name: "api not an object", data: `{"api":[]}`, wantErr: ErrInvalid, wantMsgs: []string{"api must be an object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSafe(mustParse(t, []byte(tt.data)))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckSafe: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CheckSafe = %v, want %v", err, tt.wantErr)
			}
			if tt.wantProbs != nil {
				var ue *UnsafeError
				if !errors.As(err, &ue) {
					t.Fatalf("%T is not an UnsafeError", err)
				}
				if len(ue.Problems) != len(tt.wantProbs) {
					t.Fatalf("problems = %+v, want %+v", ue.Problems, tt.wantProbs)
				}
				for i, p := range ue.Problems {
					if p.Key != tt.wantProbs[i].Key || p.Value != tt.wantProbs[i].Value || p.Why == "" {
						t.Errorf("problem %d = %+v, want %+v", i, p, tt.wantProbs[i])
					}
				}
			}
			for _, m := range tt.wantMsgs {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not contain %q", err, m)
				}
			}
		})
	}
}

func decodeRendered(t *testing.T, out []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("rendered config is not JSON: %v\n%s", err, out)
	}
	return m
}

func at(m map[string]any, path string) any {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[p]
	}
	return cur
}

func TestRenderCurrent(t *testing.T) {
	in := readTestdata(t, "testnet-current.json")
	c := mustParse(t, in)
	before := deepCopy(c.Tree)
	opts := RenderOptions{NodeVersion: v176, CORSOrigins: []string{"https://42.explore.example.org", "https://42.dash.example.org"}}
	r, err := RenderAPINodeConfig(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := r.JSON
	if len(r.Repairs) != 0 || len(r.Dropped) != 0 || len(r.Notes) != 0 {
		t.Errorf("a safe current config reported changes: %+v", r)
	}
	m := decodeRendered(t, out)
	want := map[string]any{
		"api.grpc-public-listener":  "0.0.0.0:9092",
		"api.grpc-json-listener":    "0.0.0.0:9091",
		"api.grpc-private-listener": "127.0.0.1:9093",
		"api.grpc-post-listener":    "127.0.0.1:0",
		"api.grpc-tls-listener":     "",
		"api.grpc-tls-services":     []any{},
		"api.grpc-cors-allowed-origins": []any{
			"https://42.explore.example.org", "https://42.dash.example.org",
		},
		"smeshing.smeshing-start": false,
		// Unknown and untouched keys survive, numbers exactly.
		"preset":                    "testnet",
		"logging.hare":              "warn",
		"poet.phase-shift":          "12h",
		"post.post-labels-per-unit": json.Number("1024"),
		"genesis.accounts.stest1qqqqqqzq2y8n8lgzsxqsr7vxs6gqu8y0e9xkjzqjh6d0q": json.Number("100000000000000000"),
		"main.poet-servers": at(c.Tree, "main.poet-servers"),
	}
	for k, v := range want {
		if got := at(m, k); !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if !reflect.DeepEqual(before, c.Tree) {
		t.Error("RenderAPINodeConfig modified its input")
	}
	if _, ok := at(m, "api").(map[string]any)["grpc-public-services"]; ok {
		t.Error("a current config gained the removed grpc-public-services key (current nodes refuse unknown keys)")
	}
	again, err := RenderAPINodeConfig(mustParse(t, in), opts)
	if err != nil || !bytes.Equal(out, again.JSON) {
		t.Errorf("rendering is not deterministic: %v", err)
	}
	if !bytes.HasSuffix(out, []byte("}\n")) || !bytes.Contains(out, []byte("\n  \"api\": {\n")) {
		t.Errorf("output is not indented JSON:\n%s", out)
	}
}

func TestRenderLegacyRepairs(t *testing.T) {
	c := mustParse(t, readTestdata(t, "legacy-public-debug.json"))
	r, err := RenderAPINodeConfig(c, RenderOptions{NodeVersion: v12, GRPCPort: 443, JSONPort: 8443, CORSOrigins: []string{"https://77.explore.example.org", "https://wallet.example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	out := r.JSON
	m := decodeRendered(t, out)
	want := map[string]any{
		"api.grpc-public-services":  []any{"globalstate", "mesh", "transaction", "node", "activation"},
		"api.grpc-private-services": []any{"admin", "smesher", "debug"},
		"api.grpc-public-listener":  "0.0.0.0:443",
		"api.grpc-json-listener":    "0.0.0.0:8443",
		// v1.2 knows neither the TLS listener nor CORS: both are left out.
		"api.grpc-tls-listener":         nil,
		"api.grpc-tls-services":         nil,
		"api.grpc-cors-allowed-origins": nil,
		"smeshing.smeshing-start":       false,
		"smeshing.smeshing-coinbase":    nil,
		"smeshing.smeshing-opts":        map[string]any{"smeshing-opts-numunits": json.Number("4")},
		"p2p.network-id":                json.Number("77"),
	}
	for k, v := range want {
		if got := at(m, k); !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if bytes.Contains(out, []byte("smeshing-coinbase")) {
		t.Error("coinbase still in the output")
	}
	var repaired, dropped []string
	for _, c := range r.Repairs {
		repaired = append(repaired, c.Key+" -> "+c.To)
	}
	for _, c := range r.Dropped {
		dropped = append(dropped, c.Key)
	}
	// debug moves to the private list without a repair: it exposes nothing
	// that controls the node (see privateServices).
	wantRepaired := []string{"smeshing.smeshing-start -> false", "smeshing.smeshing-coinbase -> (removed)"}
	if !reflect.DeepEqual(repaired, wantRepaired) {
		t.Errorf("repairs = %q, want %q", repaired, wantRepaired)
	}
	if want := []string{"api.grpc-cors-allowed-origins", "api.grpc-tls-listener", "api.grpc-tls-services"}; !reflect.DeepEqual(dropped, want) {
		t.Errorf("dropped = %q, want %q", dropped, want)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "grpc-cors-allowed-origins (it exists from v1.6.0)") {
		t.Errorf("notes = %q", r.Notes)
	}
}

func TestRenderMergesCORSOrigins(t *testing.T) {
	c := mustParse(t, []byte(`{"api":{"grpc-cors-allowed-origins":["", "https://wallet.example.org", "https://77.explore.example.org"]}}`))
	r, err := RenderAPINodeConfig(c, RenderOptions{NodeVersion: v176, CORSOrigins: []string{"https://77.explore.example.org", "https://77.dash.example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	// The config's origins kept, the empty default dropped, no duplicates.
	want := []any{"https://wallet.example.org", "https://77.explore.example.org", "https://77.dash.example.org"}
	if got := at(decodeRendered(t, r.JSON), "api.grpc-cors-allowed-origins"); !reflect.DeepEqual(got, want) {
		t.Errorf("origins = %#v, want %#v", got, want)
	}
}

func TestRenderRepairsTheSharedUnsafeConfig(t *testing.T) {
	r, err := RenderAPINodeConfig(mustParse(t, readTestdata(t, "unsafe-public-smesher.json")), RenderOptions{NodeVersion: v176})
	if err != nil {
		t.Fatal(err)
	}
	m := decodeRendered(t, r.JSON)
	if got := at(m, "api.grpc-private-listener"); got != "127.0.0.1:9093" {
		t.Errorf("private listener = %v", got)
	}
	var changes []string
	for _, c := range append(r.Repairs, r.Dropped...) {
		changes = append(changes, c.String())
	}
	joined := strings.Join(changes, "\n")
	for _, want := range []string{
		`api.grpc-private-listener: "0.0.0.0:9093" -> "127.0.0.1:9093" (the private listener serves admin and smesher`,
		`api.grpc-public-services: ["smesher", "post", "admin"] -> ["node", "mesh"]`,
		// v1.7.6 refuses the legacy lists altogether.
		`api.grpc-public-services: ["node","mesh"] -> (removed) (go-spacemesh v1.7.6 does not know it (it exists before v1.3.0))`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("changes do not contain %q:\n%s", want, joined)
		}
	}
	assertSafeOutput(t, "unsafe-public-smesher.json", r.JSON)
}

func TestNodeVersion(t *testing.T) {
	for _, tt := range []struct{ release, override, want, wantErr string }{
		{release: "v1.7.6", want: "1.7.6"},
		{release: "1.6.0-rc1", want: "1.6.0-rc1"},
		{release: "v1.7.6+1", want: "1.7.6+1"},
		{release: "spacemeshos/go-spacemesh:v1.7.6", want: "1.7.6"},
		{release: "europe-docker.pkg.dev/p/r/go-spacemesh:v1.5.2-hotfix1", want: "1.5.2-hotfix1"},
		{release: "develop", wantErr: `node_release "develop" is not a semver tag`},
		{release: "spacemeshos/go-spacemesh-dev:4f2a9c1", wantErr: "set node_version"},
		{release: "spacemeshos/go-spacemesh@sha256:" + strings.Repeat("a", 64), wantErr: "set node_version"},
		{release: "develop", override: "v1.7.6", want: "1.7.6"},
		{release: "v1.7.6", override: "1.6", wantErr: `expected a go-spacemesh version such as 1.7.6, got "1.6"`},
	} {
		v, err := NodeVersion(tt.release, tt.override)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NodeVersion(%q, %q) = %v, %v; want error containing %q", tt.release, tt.override, v, err, tt.wantErr)
			}
			continue
		}
		if err != nil || v.String() != tt.want {
			t.Errorf("NodeVersion(%q, %q) = %v, %v; want %s", tt.release, tt.override, v, err, tt.want)
		}
	}
}

func TestRenderedKeysFollowTheRelease(t *testing.T) {
	c := mustParse(t, readTestdata(t, "testnet-current.json"))
	for _, tt := range []struct {
		version      string
		have, absent []string
	}{
		{"1.2.13", []string{"grpc-json-listener"}, []string{"grpc-tls-listener", "grpc-post-listener", "grpc-tls-services", "grpc-cors-allowed-origins"}},
		{"1.3.11", []string{"grpc-tls-listener"}, []string{"grpc-post-listener", "grpc-tls-services", "grpc-cors-allowed-origins"}},
		{"1.4.0", []string{"grpc-tls-listener", "grpc-post-listener", "grpc-tls-services"}, []string{"grpc-cors-allowed-origins"}},
		{"1.6.0-rc1", []string{"grpc-cors-allowed-origins", "grpc-post-listener"}, []string{"grpc-public-services"}},
		{"1.7.6+1", []string{"grpc-cors-allowed-origins"}, []string{"grpc-private-services"}},
	} {
		r, err := RenderAPINodeConfig(c, RenderOptions{NodeVersion: semver.MustParse(tt.version), CORSOrigins: []string{"https://1.explore.example.org"}})
		if err != nil {
			t.Fatalf("%s: %v", tt.version, err)
		}
		api, _ := decodeRendered(t, r.JSON)["api"].(map[string]any)
		for _, k := range tt.have {
			if _, ok := api[k]; !ok {
				t.Errorf("%s: api.%s missing", tt.version, k)
			}
		}
		for _, k := range tt.absent {
			if _, ok := api[k]; ok {
				t.Errorf("%s: api.%s present, the release does not know it", tt.version, k)
			}
		}
	}
}

func TestRenderLegacyShared(t *testing.T) {
	r, err := RenderAPINodeConfig(mustParse(t, readTestdata(t, "testnet-118-legacy.json")), RenderOptions{NodeVersion: v12})
	if err != nil {
		t.Fatal(err)
	}
	m := decodeRendered(t, r.JSON)
	// The shared legacy config puts its JSON gateway on 9094; ours uses the
	// chosen port, and the lists it had right stay as they were.
	for k, v := range map[string]any{
		"api.grpc-json-listener":    "0.0.0.0:9091",
		"api.grpc-public-services":  []any{"gateway", "globalstate", "mesh", "node", "transaction", "activation"},
		"api.grpc-private-services": []any{"admin", "smesher", "debug"},
		"smeshing.smeshing-start":   false,
		"main.layer-duration-sec":   json.Number("300"),
	} {
		if got := at(m, k); !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		opts    RenderOptions
		wantErr error
		field   string
		wantMsg string
	}{
		{name: "no node version", data: `{}`, opts: RenderOptions{}, wantMsg: "node release that runs the config is not known"},
		{name: "unparsable private listener", data: `{"api":{"grpc-private-listener":"9093"}}`, opts: RenderOptions{NodeVersion: v176}, wantErr: ErrInvalid, wantMsg: `"9093" is not a "host:port"`},
		{name: "same ports", data: `{}`, opts: RenderOptions{NodeVersion: v176, GRPCPort: 9000, JSONPort: 9000}, field: FieldAPINodeJSONPort, wantMsg: "share port 9000"},
		{name: "bad port", data: `{}`, opts: RenderOptions{NodeVersion: v176, GRPCPort: 65536}, field: FieldAPINodeGRPCPort, wantMsg: "got 65536"},
		{name: "public port collides with private listener", data: `{}`, opts: RenderOptions{NodeVersion: v176, GRPCPort: 9093}, wantErr: ErrInvalid, wantMsg: `api.grpc-private-listener = "127.0.0.1:9093" uses port 9093`},
		{name: "cors not a list", data: `{"api":{"grpc-cors-allowed-origins":"*"}}`, opts: RenderOptions{NodeVersion: v176}, wantErr: ErrInvalid, wantMsg: "api.grpc-cors-allowed-origins must be a list"},
		{name: "smeshing not an object", data: `{"smeshing":true}`, opts: RenderOptions{NodeVersion: v176}, wantErr: ErrInvalid, wantMsg: "smeshing must be an object"},
		{name: "private services not a list", data: `{"api":{"grpc-public-services":["debug"],"grpc-private-services":"admin"}}`, opts: RenderOptions{NodeVersion: v176}, wantErr: ErrInvalid, wantMsg: "api.grpc-private-services must be a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := RenderAPINodeConfig(mustParse(t, []byte(tt.data)), tt.opts)
			if err == nil {
				t.Fatalf("rendered:\n%s", r.JSON)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v is not %v", err, tt.wantErr)
			}
			if tt.field != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Errorf("error %v is not a FieldError for %s", err, tt.field)
				}
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
}

// assertSafeOutput checks a rendered config independently of checkRendered:
// every listener that is not one of the two public ones must be on loopback
// or off, and no public list may hold a private service.
func assertSafeOutput(t *testing.T, name string, out []byte) {
	t.Helper()
	m := decodeRendered(t, out)
	api, ok := m["api"].(map[string]any)
	if !ok {
		t.Errorf("%s: no api section", name)
		return
	}
	public := map[string]bool{"grpc-public-listener": true, "grpc-json-listener": true}
	for k, v := range api {
		if !strings.HasSuffix(k, "-listener") || public[k] {
			continue
		}
		addr, _ := v.(string)
		if addr == "" && k == "grpc-tls-listener" {
			continue
		}
		host, _, err := net.SplitHostPort(addr)
		ip := net.ParseIP(host)
		if err != nil || !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
			t.Errorf("%s: api.%s = %q is reachable from outside", name, k, addr)
		}
	}
	for _, k := range []string{"grpc-public-services", "grpc-tls-services"} {
		list, _ := api[k].([]any)
		for _, s := range list {
			switch s {
			case "admin", "smesher", "post", "postInfo", "debug":
				t.Errorf("%s: api.%s serves %v", name, k, s)
			}
		}
	}
	if ts, _ := api["grpc-tls-services"].([]any); len(ts) > 0 {
		t.Errorf("%s: TLS services left on: %v", name, ts)
	}
	if at(m, "smeshing.smeshing-start") != false || at(m, "smeshing.smeshing-coinbase") != nil {
		t.Errorf("%s: smeshing not off: %v", name, m["smeshing"])
	}
}

// Every config this package renders, from every test input and variants of
// them, is safe; inputs it refuses are refused for a stated reason.
func TestEveryRenderedConfigIsSafe(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) < 7 {
		t.Fatalf("testdata: %v %v", files, err)
	}
	inputs := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = b
	}
	// Variants that must be repaired, not refused.
	inputs["tls-public"] = []byte(`{"api":{"grpc-tls-listener":"0.0.0.0:9094","grpc-tls-services":["post","postInfo","smesher"]}}`)
	inputs["all-private-public-legacy"] = []byte(`{"api":{"grpc-public-services":["debug"],"grpc-private-services":["debug"]}}`)
	inputs["no-api"] = []byte(`{"smeshing":{"smeshing-start":true,"smeshing-coinbase":"sm1x"}}`)
	inputs["extra-listener-keys"] = []byte(`{"api":{"grpc-private-listener":"127.0.0.1:7000","grpc-post-listener":"[::1]:7001"}}`)

	rendered := 0
	for name, data := range inputs {
		c, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrNotJSON) {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		for _, opts := range []RenderOptions{{NodeVersion: v176}, {NodeVersion: v12, GRPCPort: 443, JSONPort: 8443}, {NodeVersion: v150, GRPCPort: 9092, JSONPort: 9095, CORSOrigins: []string{"https://a.example.org"}}} {
			r, err := RenderAPINodeConfig(c, opts)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("%s: %v", name, err)
				}
				continue
			}
			out := r.JSON
			rendered++
			assertSafeOutput(t, name, out)
			if err := checkRendered(decodeRendered(t, out)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			// Rendering the rendered config changes nothing: it is a fixed point.
			again, err := RenderAPINodeConfig(mustParse(t, out), opts)
			if err != nil || !bytes.Equal(again.JSON, out) || len(again.Repairs) != 0 || len(again.Dropped) != 0 {
				t.Errorf("%s: re-rendering changed the config (%v)", name, err)
			}
		}
	}
	if rendered < 20 {
		t.Errorf("only %d configs rendered", rendered)
	}
}
