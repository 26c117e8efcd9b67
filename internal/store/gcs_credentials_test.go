package store_test

import (
	"context"
	"testing"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
)

// An http:// endpoint is an emulator or a test proxy: credentials sent to it
// cross the network in clear text, so it gets none, whichever way they are
// given.
func TestGCSPlainHTTPEndpointGetsNoCredentials(t *testing.T) {
	// The token endpoint of the key file: a client that means to send a
	// token to the storage endpoint asks here for one first.
	tokens := fakegcs.StartTokenServer(t, "ya29.from-service-account")
	for name, cfg := range map[string]store.GCSConfig{
		"google_access_token": {AccessToken: "ya29.test-access-token"},
		"google_credentials":  {CredentialsJSON: tokens.ServiceAccountKey(t)},
	} {
		t.Run(name, func(t *testing.T) {
			gcs := fakegcs.Start(t, "sm-test")
			rec := gcs.RecordAuth(t)
			cfg.Endpoint = rec.Endpoint()
			client, err := store.NewGCSClient(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			loc, _ := store.ParseURL("gs://sm-test/networks.json")
			s := store.NewGCS(client, loc, "")
			if _, _, err := s.Read(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Write(context.Background(), []byte("[]\n"), store.Version{}); err != nil {
				t.Fatal(err)
			}
			if seen := rec.Authorizations(); len(seen) > 0 {
				t.Errorf("the http:// endpoint %s received credentials in clear text:\n%v", cfg.Endpoint, seen)
			}
		})
	}
	if n := tokens.Requests(); n > 0 {
		t.Errorf("%d token(s) were requested for a client of an http:// endpoint", n)
	}
}
