package netconf

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t testing.TB, data []byte) *Config {
	t.Helper()
	c, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantErr error
		wantMsg []string
	}{
		{name: "legacy", data: readTestdata(t, "testnet-118-legacy.json")},
		{name: "current", data: readTestdata(t, "testnet-current.json")},
		{name: "no genesis parses (Identity refuses it)", data: readTestdata(t, "no-genesis.json")},
		{name: "unsafe parses (CheckSafe refuses it)", data: readTestdata(t, "unsafe-public-smesher.json")},
		{
			name: "not json", data: readTestdata(t, "not-json.json"),
			wantErr: ErrNotJSON, wantMsg: []string{"line 1, column 34", "invalid character ','"},
		},
		{
			name: "syntax error on a later line", data: []byte("{\n  \"a\": 1,\n  \"b\": tru\n}"),
			wantErr: ErrNotJSON, wantMsg: []string{"line 3, column"},
		},
		{name: "empty", data: nil, wantErr: ErrNotJSON, wantMsg: []string{"empty"}},
		{name: "whitespace only", data: []byte(" \n\t"), wantErr: ErrNotJSON, wantMsg: []string{"empty"}},
		{name: "truncated", data: []byte(`{"main": {"layer-duration": "5m"`), wantErr: ErrNotJSON, wantMsg: []string{"truncated"}},
		{name: "array", data: []byte(`[{"genesis": {}}]`), wantErr: ErrNotJSON, wantMsg: []string{"must be an object, got an array"}},
		{name: "string", data: []byte(`"config"`), wantErr: ErrNotJSON, wantMsg: []string{"must be an object, got string"}},
		{name: "null", data: []byte(`null`), wantErr: ErrNotJSON, wantMsg: []string{"got null"}},
		{name: "two objects", data: []byte("{}\n{}"), wantErr: ErrNotJSON, wantMsg: []string{"after the top-level object at line 2, column 1"}},
		{name: "trailing garbage", data: []byte(`{} x`), wantErr: ErrNotJSON, wantMsg: []string{"after the top-level object"}},
		{name: "trailing whitespace is fine", data: []byte("{}\n\n")},
		{
			name: "too large", data: append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), MaxConfigSize)...),
			wantErr: ErrTooLarge, wantMsg: []string{"limit is 4194304 bytes (4 MiB)"},
		},
		{name: "html error page", data: []byte("<html><body>404</body></html>"), wantErr: ErrNotJSON, wantMsg: []string{"line 1, column 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.data)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if c.Tree == nil || !bytes.Equal(c.Raw, tt.data) {
					t.Fatalf("Parse kept tree=%v raw=%q", c.Tree, c.Raw)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse error = %v, want %v", err, tt.wantErr)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not contain %q", err, m)
				}
			}
		})
	}
}

func TestParseExactlyMaxSize(t *testing.T) {
	data := []byte(`{"x":"` + strings.Repeat("a", MaxConfigSize-8) + `"}`)
	if len(data) != MaxConfigSize {
		t.Fatalf("test input is %d bytes", len(data))
	}
	if _, err := Parse(data); err != nil {
		t.Fatalf("a config of exactly MaxConfigSize bytes: %v", err)
	}
}

func TestParseKeepsNumbers(t *testing.T) {
	c := mustParse(t, []byte(`{"genesis":{"accounts":{"a":100000000000000000123}},"x":1.50}`))
	acc := c.Tree["genesis"].(map[string]any)["accounts"].(map[string]any)["a"]
	if acc != json.Number("100000000000000000123") {
		t.Errorf("big balance decoded as %#v", acc)
	}
	if c.Tree["x"] != json.Number("1.50") {
		t.Errorf("1.50 decoded as %#v", c.Tree["x"])
	}
}

func TestSHA256(t *testing.T) {
	c := mustParse(t, []byte("{}\n"))
	// sha256 of "{}\n".
	if got, want := c.SHA256(), "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356"; got != want {
		t.Errorf("SHA256 = %s, want %s", got, want)
	}
	if mustParse(t, []byte("{}")).SHA256() == c.SHA256() {
		t.Error("whitespace changes must change the sha: it is the document at the URL that is tracked")
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncd\n")
	for _, tt := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {99, 3, 1}, {-1, 1, 1}} {
		if l, c := lineCol(data, tt.off); l != tt.line || c != tt.col {
			t.Errorf("lineCol(%d) = %d,%d want %d,%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestIdentity(t *testing.T) {
	legacy := readTestdata(t, "testnet-118-legacy.json")
	current := readTestdata(t, "testnet-current.json")
	tests := []struct {
		name     string
		data     []byte
		netID    int64
		want     *Identity // compared field by field where set
		wantErr  error
		wantNet  bool // a *NetIDError is expected
		wantMsgs []string
	}{
		{
			name: "legacy carries its net id", data: legacy,
			want: &Identity{
				NetID: 118, NetIDFromConfig: true,
				GenesisTimeRaw: "2021-11-02T10:00:00Z", GenesisExtra: "tweedledee-118",
				HRP: "sm", LayerDuration: 5 * time.Minute, LayersPerEpoch: 288,
			},
		},
		{name: "legacy with the same net id given", data: legacy, netID: 118, want: &Identity{NetID: 118, NetIDFromConfig: true}},
		{
			name: "legacy with another net id", data: legacy, netID: 119, wantNet: true,
			wantMsgs: []string{"net_id 119", "p2p.network-id 118"},
		},
		{
			name: "current needs a net id", data: current, wantNet: true,
			wantMsgs: []string{"net_id is required", "p2p.network-id"},
		},
		{
			name: "current with a net id", data: current, netID: 42,
			want: &Identity{
				NetID: 42, GenesisTimeRaw: "2026-09-01T12:00:00Z", GenesisExtra: "open-testnet-example-2026-09",
				HRP: "stest", LayerDuration: 5 * time.Minute, LayersPerEpoch: 288,
			},
		},
		{name: "negative net id", data: current, netID: -1, wantNet: true, wantMsgs: []string{"positive", "-1"}},
		{
			name: "no genesis", data: readTestdata(t, "no-genesis.json"), netID: 1, wantErr: ErrMissing,
			wantMsgs: []string{"genesis.genesis-time and genesis.genesis-extra-data"},
		},
		{
			name: "only the time is missing", data: []byte(`{"genesis":{"genesis-extra-data":"x"}}`), netID: 1,
			wantErr: ErrMissing, wantMsgs: []string{"missing from node config: genesis.genesis-time ("},
		},
		{
			name: "only the extra data is missing", data: []byte(`{"genesis":{"genesis-time":"2024-01-01T00:00:00Z"}}`), netID: 1,
			wantErr: ErrMissing, wantMsgs: []string{"missing from node config: genesis.genesis-extra-data ("},
		},
		{
			name: "genesis not an object", data: []byte(`{"genesis":"2024"}`), netID: 1,
			wantErr: ErrInvalid, wantMsgs: []string{"genesis must be an object, got string"},
		},
		{
			name: "time not RFC 3339", data: []byte(`{"genesis":{"genesis-time":"2024-01-01 00:00:00","genesis-extra-data":"x"}}`), netID: 1,
			wantErr: ErrInvalid, wantMsgs: []string{"genesis.genesis-time must be an RFC 3339 time", `"2024-01-01 00:00:00"`},
		},
		{
			name: "time a number", data: []byte(`{"genesis":{"genesis-time":1700000000,"genesis-extra-data":"x"}}`), netID: 1,
			wantErr: ErrInvalid, wantMsgs: []string{"genesis.genesis-time must be a string, got number 1700000000"},
		},
		{
			name: "empty extra data", data: []byte(`{"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":""}}`), netID: 1,
			wantErr: ErrInvalid, wantMsgs: []string{"genesis.genesis-extra-data is empty"},
		},
		{
			name: "extra data too long", netID: 1,
			data:    []byte(`{"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"` + strings.Repeat("x", 256) + `"}}`),
			wantErr: ErrInvalid, wantMsgs: []string{"256 bytes long", "at most 255"},
		},
		{
			name: "net id not an integer", data: []byte(`{"p2p":{"network-id":"118"},"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			wantErr: ErrInvalid, wantMsgs: []string{`p2p.network-id must be an integer, got string "118"`},
		},
		{
			name: "net id zero in config", data: []byte(`{"p2p":{"network-id":0},"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			wantErr: ErrInvalid, wantMsgs: []string{"p2p.network-id must be a positive integer, got 0"},
		},
		{
			name: "every problem at once", data: []byte(`{"main":{"layers-per-epoch":-3}}`),
			wantNet: true, wantErr: ErrMissing,
			wantMsgs: []string{"net_id is required", "genesis.genesis-time and genesis.genesis-extra-data", "main.layers-per-epoch must be positive, got -3"},
		},
		{
			name: "mainnet defaults without a preset", netID: 1,
			data: []byte(`{"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			want: &Identity{HRP: "sm", LayerDuration: 5 * time.Minute, LayersPerEpoch: 4032},
		},
		{
			name: "fastnet preset defaults", netID: 1,
			data: []byte(`{"preset":"fastnet","genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			want: &Identity{HRP: "stest", LayerDuration: 15 * time.Second, LayersPerEpoch: 4},
		},
		{
			name: "unknown preset needs explicit values", netID: 1,
			data:    []byte(`{"preset":"moonnet","genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			wantErr: ErrMissing, wantMsgs: []string{`main.network-hrp is not set and preset "moonnet"`, "main.layer-duration is not set", "main.layers-per-epoch is not set", "post.post-labels-per-unit is not set"},
		},
		{
			name: "unknown preset with explicit values", netID: 1,
			data: []byte(`{"preset":"moonnet","main":{"network-hrp":"moon","layer-duration":"1m30s","layers-per-epoch":7},"post":{"post-labels-per-unit":512},"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			want: &Identity{HRP: "moon", LayerDuration: 90 * time.Second, LayersPerEpoch: 7, LabelsPerUnit: 512},
		},
		{
			name: "layer duration and legacy seconds agree", netID: 1,
			data: []byte(`{"main":{"layer-duration":"30s","layer-duration-sec":30},"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			want: &Identity{LayerDuration: 30 * time.Second},
		},
		{
			name: "layer duration and legacy seconds disagree", netID: 1,
			data:    []byte(`{"main":{"layer-duration":"30s","layer-duration-sec":60},"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			wantErr: ErrInvalid, wantMsgs: []string{"main.layer-duration (30s) and main.layer-duration-sec (60) disagree"},
		},
		{
			name: "layer duration not a duration", netID: 1,
			data:    []byte(`{"main":{"layer-duration":"5 minutes"},"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			wantErr: ErrInvalid, wantMsgs: []string{`main.layer-duration must be a positive Go duration such as "5m", got "5 minutes"`},
		},
		{
			name: "empty hrp", netID: 1,
			data:    []byte(`{"main":{"network-hrp":""},"genesis":{"genesis-time":"2024-01-01T00:00:00Z","genesis-extra-data":"x"}}`),
			wantErr: ErrInvalid, wantMsgs: []string{"main.network-hrp is empty"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := mustParse(t, tt.data).Identity(tt.netID)
			if tt.wantErr != nil || tt.wantNet {
				if err == nil {
					t.Fatalf("Identity = %+v, want an error", id)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v is not %v", err, tt.wantErr)
				}
				var ne *NetIDError
				if errors.As(err, &ne) != tt.wantNet {
					t.Errorf("error %v: NetIDError present = %t, want %t", err, !tt.wantNet, tt.wantNet)
				}
				for _, m := range tt.wantMsgs {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error %q does not contain %q", err, m)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Identity: %v", err)
			}
			w := tt.want
			check := func(field string, got, want any, set bool) {
				if set && got != want {
					t.Errorf("%s = %v, want %v", field, got, want)
				}
			}
			check("NetID", id.NetID, w.NetID, w.NetID != 0)
			check("NetIDFromConfig", id.NetIDFromConfig, w.NetIDFromConfig, w.NetID != 0)
			check("GenesisTimeRaw", id.GenesisTimeRaw, w.GenesisTimeRaw, w.GenesisTimeRaw != "")
			check("GenesisExtra", id.GenesisExtra, w.GenesisExtra, w.GenesisExtra != "")
			check("HRP", id.HRP, w.HRP, w.HRP != "")
			check("LayerDuration", id.LayerDuration, w.LayerDuration, w.LayerDuration != 0)
			check("LayersPerEpoch", id.LayersPerEpoch, w.LayersPerEpoch, w.LayersPerEpoch != 0)
			if len(id.GenesisID) != 40 || len(id.SmappGenesisID) != 40 || id.GenesisID == id.SmappGenesisID {
				t.Errorf("genesis ids %q / %q", id.GenesisID, id.SmappGenesisID)
			}
			if id.ConfigSHA256 != mustParse(t, tt.data).SHA256() {
				t.Errorf("ConfigSHA256 = %s", id.ConfigSHA256)
			}
		})
	}
}

// The ids Spacemesh mainnet is known by. Genesis values: go-spacemesh
// config/mainnet.go (MainnetConfig) and Smapp shared/constants.ts
// (DEFAULT_MAINNET_CONFIG). Published ids: the node's in go-spacemesh
// node/relay_test.go (the mainnet Noise prologue) and smapp-lite
// src/utils/defaultNetworks.ts; Smapp's in its DEFAULT_NETWORKS_LIST.
func TestGenesisIDsOfMainnet(t *testing.T) {
	id, err := mustParse(t, readTestdata(t, "mainnet-excerpt.json")).Identity(1)
	if err != nil {
		t.Fatal(err)
	}
	if want := "9eebff023abb17ccb775c602daade8ed708f0a50"; id.GenesisID != want {
		t.Errorf("GenesisID = %s, want %s", id.GenesisID, want)
	}
	if want := "7c8cef2bfd54447d60c3ffcc5daf974b24b74605"; id.SmappGenesisID != want {
		t.Errorf("SmappGenesisID = %s, want %s", id.SmappGenesisID, want)
	}
}

// go-spacemesh's testnet preset (config/presets/testnet.go) and the id a
// Ledger test script (Zondax/ledger-spacemesh) uses for "testnet".
func TestGenesisIDOfTestnetPreset(t *testing.T) {
	gt, _ := time.Parse(time.RFC3339, "2023-09-13T18:00:00Z")
	got := GenesisID(gt, "0000000000000000000000c76c58ebac180989673fd6d237b40e66ed5c976ec3")
	if want := "e956eff99be943fb70bd385dd509a3f84e9a75dd"; got != want {
		t.Errorf("GenesisID = %s, want %s", got, want)
	}
}

// The node hashes Unix seconds, so writing the same instant differently does
// not change its id; Smapp hashes the text, so it does.
func TestGenesisIDFormulasDiffer(t *testing.T) {
	a := "2022-03-01T12:30:00+01:00"
	b := "2022-03-01T11:30:00Z"
	ta, _ := time.Parse(time.RFC3339, a)
	tb, _ := time.Parse(time.RFC3339, b)
	if GenesisID(ta, "x") != GenesisID(tb, "x") {
		t.Error("node genesis id depends on how the time is written")
	}
	if SmappGenesisID(a, "x") == SmappGenesisID(b, "x") {
		t.Error("smapp genesis id does not depend on how the time is written")
	}
	// Fractional seconds are truncated by Unix().
	tf, _ := time.Parse(time.RFC3339, "2022-03-01T11:30:00.9Z")
	if GenesisID(tf, "x") != GenesisID(tb, "x") {
		t.Error("fractional seconds change the node genesis id")
	}
	if GenesisID(tb, "x") == GenesisID(tb, "y") {
		t.Error("extra data does not change the genesis id")
	}
}

func TestSmappConfigGaps(t *testing.T) {
	full := []byte(`{"main":{"layer-duration":"5m","layers-per-epoch":288},"post":{"post-labels-per-unit":1024,"post-max-numunits":4294967295},
"poet":{"cycle-gap":"2h"},"genesis":{"genesis-time":"2026-09-01T12:00:00Z","genesis-extra-data":"x"}}`)
	if gaps := SmappConfigGaps(mustParse(t, full)); len(gaps) != 0 {
		t.Errorf("a complete config has gaps: %v", gaps)
	}
	legacy := mustParse(t, []byte(`{"main":{"layer-duration-sec":300,"layers-per-epoch":0},"genesis":{"genesis-time":"2026-09-01T12:00:00Z","genesis-extra-data":"x"}}`))
	got := strings.Join(SmappConfigGaps(legacy), "; ")
	for _, want := range []string{"main.layer-duration (a non-empty string)", "main.layers-per-epoch (a number above 0)",
		"post.post-labels-per-unit", "post.post-max-numunits", "poet.cycle-gap"} {
		if !strings.Contains(got, want) {
			t.Errorf("gaps %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "genesis") {
		t.Errorf("genesis reported missing: %s", got)
	}
}
