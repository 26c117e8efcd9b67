package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"netID": "1"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := run(bad); got != 1 {
		t.Errorf("a document clients refuse: exit %d, want 1", got)
	}
	// Two networks whose configs Smapp would cache in one file: each entry
	// is fine alone, the document is not.
	current, err := os.ReadFile(filepath.Join("..", "..", "internal", "discovery", "testdata", "smapp-current.json"))
	if err != nil {
		t.Fatal(err)
	}
	entry := strings.TrimSuffix(strings.TrimSpace(string(current)), "]")
	second := strings.NewReplacer(`"netID": 15`, `"netID": 16`, "#dash-15", "#dash-16", "testnet-15.json", "16/Testnet-15.json").Replace(entry)
	clash := filepath.Join(dir, "clash.json")
	if err := os.WriteFile(clash, []byte(entry+",\n"+strings.TrimPrefix(strings.TrimSpace(second), "[")+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := run(clash); got != 1 {
		t.Errorf("two entries with one config file name: exit %d, want 1", got)
	}
	if got := run(filepath.Join("..", "..", "internal", "discovery", "testdata", "smapp-current.json")); got != 0 {
		t.Errorf("today's document: exit %d, want 0", got)
	}
	if got := run(filepath.Join(dir, "absent.json")); got != 2 {
		t.Errorf("no file: exit %d, want 2", got)
	}
}
