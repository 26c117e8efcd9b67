package webtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/webrelease"
)

// repoRoot is the repository's top directory (this file is internal/webtest/site_test.go).
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test's source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// terraformBinary is the real terraform: TF_ACC_TERRAFORM_PATH (as the acceptance tests use), else PATH.
func terraformBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform not found: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (tools/install-terraform.sh builds one)")
	}
	return p
}

// siteOutput is what modules/static-web/site computes.
type siteOutput struct {
	Routes  map[string]Route `json:"routes"`
	Objects map[string]struct {
		Content      string `json:"content"`
		ContentType  string `json:"content_type"`
		CacheControl string `json:"cache_control"`
	} `json:"objects"`
	Hosts     []string          `json:"hosts"`
	InfoHost  string            `json:"info_host"`
	InfoURLs  map[string]string `json:"info_urls"`
	AliasURLs map[string]int    `json:"alias_urls"`
}

// siteFixture is the site the module tests describe too: the same networks, frontends and aliases.
func siteFixture(t testing.TB) string {
	return filepath.Join(repoRoot(t), "modules", "static-web", "tests", "site.tfvars.json")
}

const rootConfig = `
variable "domain" { type = string }
variable "networks" { type = any }
variable "frontends" { type = any }
variable "aliases" {
  type    = map(number)
  default = {}
}
module "site" {
  source    = %q
  domain    = var.domain
  networks  = var.networks
  frontends = var.frontends
  aliases   = var.aliases
}
output "site" { value = module.site }
`

// renderSite evaluates modules/static-web/site with the real terraform (it has no providers, so this
// runs offline) on the module tests' fixture (modules/static-web/tests/site.tfvars.json) plus the given -var overrides, and returns its outputs.
func renderSite(t testing.TB, vars ...string) siteOutput {
	t.Helper()
	out, err := tryRenderSite(t, vars...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tryRenderSite is renderSite returning terraform's failure (with its output) instead of failing.
func tryRenderSite(t testing.TB, vars ...string) (siteOutput, error) {
	t.Helper()
	tf := terraformBinary(t)
	dir := t.TempDir()
	src := filepath.Join(repoRoot(t), "modules", "static-web", "site")
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), fmt.Appendf(nil, rootConfig, src), 0o644); err != nil {
		return siteOutput{}, err
	}
	varFile := siteFixture(t)
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command(tf, append([]string{"-chdir=" + dir}, args...)...)
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "none.tfrc"))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("terraform %v: %w\n%s%s", args, err, stdout.String(), stderr.String())
		}
		return stdout.Bytes(), nil
	}
	if err := os.WriteFile(filepath.Join(dir, "none.tfrc"), nil, 0o644); err != nil {
		return siteOutput{}, err
	}
	if _, err := run("init", "-input=false", "-no-color"); err != nil {
		return siteOutput{}, err
	}
	args := []string{"apply", "-input=false", "-no-color", "-auto-approve", "-var-file=" + varFile}
	for _, v := range vars {
		args = append(args, "-var="+v)
	}
	if _, err := run(args...); err != nil {
		return siteOutput{}, err
	}
	b, err := run("output", "-no-color", "-json", "site")
	if err != nil {
		return siteOutput{}, err
	}
	var out siteOutput
	if err := json.Unmarshal(b, &out); err != nil {
		return siteOutput{}, fmt.Errorf("terraform output: %w", err)
	}
	return out, nil
}

// newSiteServer serves the rendered site: its routes, its generated objects, and the release dirs.
func newSiteServer(t testing.TB, site siteOutput, releases map[string]string) *Server {
	t.Helper()
	m, err := webrelease.LoadMapping(filepath.Join(repoRoot(t), "modules", "static-web", "content-types.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer()
	s.DefaultHost = site.InfoHost
	s.SetRoutes(site.Routes)
	for name, o := range site.Objects {
		s.Put(name, Object{Body: []byte(o.Content), ContentType: o.ContentType, CacheControl: o.CacheControl})
	}
	for prefix, dir := range releases {
		if err := s.UploadRelease(m, prefix, dir); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
