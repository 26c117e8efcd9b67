package netconf

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes through everything that reads a config:
// nothing may panic, errors must be of the documented kinds, and whatever is
// rendered must be safe and parse again.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, int64(0))
			f.Add(b, int64(118))
		}
	}
	f.Add([]byte(`{"api":{"grpc-public-services":["debug","admin"],"grpc-private-listener":"[::1]:1"}}`), int64(-1))
	f.Add([]byte(`{"p2p":{"network-id":1e3},"genesis":{"genesis-time":"2024-02-29T23:59:60Z","genesis-extra-data":"\u0000"}}`), int64(1))
	f.Fuzz(func(t *testing.T, data []byte, netID int64) {
		c, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrNotJSON) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrAmbiguousKey) {
				t.Fatalf("Parse error of an unknown kind: %v", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("Parse accepted invalid JSON %q", data)
		}
		if id, err := c.Identity(netID); err == nil {
			if id.NetID <= 0 || len(id.GenesisID) != 40 || len(id.SmappGenesisID) != 40 || id.HRP == "" ||
				id.LayerDuration <= 0 || id.LayersPerEpoch <= 0 {
				t.Fatalf("Identity accepted an incomplete identity: %+v", id)
			}
		}
		r, err := RenderAPINodeConfig(c, RenderOptions{NodeVersion: v176, CORSOrigins: []string{"https://x.example.org"}})
		if err != nil {
			return
		}
		out := r.JSON
		c2, err := Parse(out)
		if err != nil {
			t.Fatalf("rendered config does not parse: %v\n%s", err, out)
		}
		if err := checkRendered(c2.Tree); err != nil {
			t.Fatalf("rendered config is unsafe: %v\n%s", err, out)
		}
		if err := CheckSafe(c2); err != nil {
			t.Fatalf("rendered config fails CheckSafe: %v\n%s", err, out)
		}
	})
}
