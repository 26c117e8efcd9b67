// Package e2e runs the built provider in real terraform processes, each with
// its own working directory and state, against one shared document.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// providerVersion is the version the local filesystem mirror serves.
const providerVersion = "0.0.1"

var (
	mirrorDir string
	cliConfig string
	terraform string
)

// TestMain builds the provider once into a filesystem mirror that terraform
// installs it from, as it would from the registry.
func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "spacemesh-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(tmp)
		if err := setup(tmp); err != nil {
			fmt.Fprintln(os.Stderr, "e2e setup:", err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

func setup(tmp string) error {
	terraform = os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			return fmt.Errorf("these tests need terraform: set TF_ACC_TERRAFORM_PATH or put terraform on PATH")
		}
	}
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	mirrorDir = filepath.Join(tmp, "mirror")
	bin := filepath.Join(mirrorDir, "registry.terraform.io", "spacemeshos", "spacemesh", providerVersion,
		"linux_amd64", "terraform-provider-spacemesh_v"+providerVersion)
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Dir(strings.TrimSpace(string(root)))
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider: %v\n%s", err, out)
	}
	cliConfig = filepath.Join(tmp, "terraform.rc")
	rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/spacemeshos/spacemesh"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`, mirrorDir)
	return os.WriteFile(cliConfig, []byte(rc), 0o644)
}

// workspace is one terraform working directory with its own state.
type workspace struct {
	t   testing.TB
	dir string
}

func newWorkspace(t testing.TB, name string) *workspace {
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &workspace{t: t, dir: dir}
}

// setConfig replaces the workspace's main.tf.
func (w *workspace) setConfig(hcl string) {
	w.t.Helper()
	full := fmt.Sprintf(`terraform {
  required_providers {
    spacemesh = {
      source  = "spacemeshos/spacemesh"
      version = %q
    }
  }
}

%s`, providerVersion, hcl)
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(full), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// run runs terraform with args and returns its combined output.
func (w *workspace) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, terraform, args...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_INPUT=0",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// mustRun runs terraform and fails the test with its output on failure.
func (w *workspace) mustRun(args ...string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if out, err := w.run(ctx, args...); err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// all runs fn on every workspace at the same time and fails the test with
// each failure's output.
func all(t *testing.T, ws []*workspace, what string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(ws))
	start := make(chan struct{})
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if out, err := w.run(ctx, args...); err != nil {
				errs[i] = fmt.Errorf("%s in %s: %v\n%s", what, filepath.Base(w.dir), err, out)
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}
