package main

import (
	"os"
	"path/filepath"
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
	if got := run(filepath.Join("..", "..", "internal", "discovery", "testdata", "smapp-current.json")); got != 0 {
		t.Errorf("today's document: exit %d, want 0", got)
	}
	if got := run(filepath.Join(dir, "absent.json")); got != 2 {
		t.Errorf("no file: exit %d, want 2", got)
	}
}
