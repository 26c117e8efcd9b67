package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testProviders serves the provider in-process to the real terraform binary.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"spacemesh": providerserver.NewProtocol6WithError(New("test")()),
}

// TestMain pins the terraform binary the acceptance tests use, so that
// terraform-plugin-testing never downloads one.
func TestMain(m *testing.M) {
	os.Unsetenv("TF_ACC_TERRAFORM_VERSION")
	os.Setenv("CHECKPOINT_DISABLE", "1")
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		found, err := exec.LookPath("terraform")
		if err != nil {
			fmt.Fprintln(os.Stderr, "acceptance tests need terraform: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (.ci/run builds one when missing)")
			os.Exit(1)
		}
		tf = found
	}
	if abs, err := filepath.Abs(tf); err == nil {
		tf = abs
	}
	if st, err := os.Stat(tf); err != nil || st.Mode()&0o111 == 0 {
		fmt.Fprintf(os.Stderr, "TF_ACC_TERRAFORM_PATH=%s is not an executable file\n", tf)
		os.Exit(1)
	}
	os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
	// No provider of these tests comes from a registry; keep the user's CLI
	// configuration (dev_overrides, mirrors) out of them.
	os.Setenv("TF_CLI_CONFIG_FILE", os.DevNull)
	os.Exit(m.Run())
}
