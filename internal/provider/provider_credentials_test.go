package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/doccheck"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
)

// An http:// storage_endpoint is documented to get no credentials: whichever
// way Google credentials reach the provider, none crosses to it in clear text.
// Not parallel: the cases set the provider's environment variables.
func TestAccStorageEndpointHTTPGetsNoCredentials(t *testing.T) {
	tokens := fakegcs.StartTokenServer(t, "ya29.from-service-account")
	keyFile := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(keyFile, []byte(tokens.ServiceAccountKey(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		attr  string // extra provider attribute
		env   map[string]string
		token string // a secret that must be nowhere in the state
	}{
		{name: "google_access_token", attr: `google_access_token = "ya29.attribute-token"`, token: "ya29.attribute-token"},
		{name: "GOOGLE_OAUTH_ACCESS_TOKEN", env: map[string]string{"GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.env-token"}, token: "ya29.env-token"},
		{name: "GOOGLE_CREDENTIALS", env: map[string]string{"GOOGLE_CREDENTIALS": keyFile}, token: "ya29.from-service-account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			gcs := fakegcs.Start(t, "sm-discovery")
			rec := gcs.RecordAuth(t)
			read := func() []byte { return gcs.Get(t, "sm-discovery", "networks.json") }
			cfg := fmt.Sprintf(`
provider "spacemesh" {
  discovery_url    = "gs://sm-discovery/networks.json"
  storage_endpoint = %q
  %s
}
`, rec.Endpoint(), tc.attr) + entryHCL("net", 118, nil)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: cfg,
					ConfigStateChecks: []statecheck.StateCheck{
						doccheck.NetIDs(read, "netID", "118"),
						notInState(tc.token),
						doccheck.Func(func() error {
							if seen := rec.Authorizations(); len(seen) > 0 {
								return fmt.Errorf("the http:// storage_endpoint received credentials in clear text: %v", seen)
							}
							return nil
						}),
					},
				}},
			})
		})
	}
	if n := tokens.Requests(); n > 0 {
		t.Errorf("%d token(s) were requested for an http:// storage_endpoint", n)
	}
}
