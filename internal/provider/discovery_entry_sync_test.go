package provider

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/nodestatus"
)

// fakeNode answers NodeService/Status over TLS like go-spacemesh's JSON
// gateway, syncing for the first `syncing` polls (forever when negative). The
// entry names it https://example.com (the name in httptest's certificate); the
// client dials the server whatever the host, and trusts only its certificate.
func fakeNode(t *testing.T, syncing int32) *atomic.Int32 {
	t.Helper()
	var polls atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != nodestatus.StatusPath {
			http.NotFound(w, r)
			return
		}
		n := polls.Add(1)
		status := "SYNC_STATUS_SYNCING"
		if syncing >= 0 && n > syncing {
			status = nodestatus.Synced
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"connectedPeers": "9", "status": status, "latestLayer": 4000 + n, "currentLayer": 4100})
	}))
	t.Cleanup(srv.Close)
	client := srv.Client()
	tr := client.Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	client.Transport = tr
	prevClient, prevInterval := syncStatusClient, syncPollInterval
	syncStatusClient, syncPollInterval = client, 50*time.Millisecond
	t.Cleanup(func() { syncStatusClient, syncPollInterval = prevClient, prevInterval })
	return &polls
}

func TestAccDiscoveryEntryWaitsForSync(t *testing.T) {
	polls := fakeNode(t, 3)
	env := fileEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: env.provider + entryHCL("net", 118, map[string]string{
				"api_json": `"https://example.com"`, "wait_for_sync": "true",
			}),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkDocument(t, env, "", "net-id", "118"),
				resource.TestCheckResourceAttr("spacemesh_discovery_entry.net", "sync_timeout", "30m0s"),
				func(*terraform.State) error {
					if n := polls.Load(); n != 4 {
						t.Errorf("the node was polled %d times, want 3 syncing answers and 1 synced", n)
					}
					return nil
				},
			),
		}},
	})
}

func TestAccDiscoveryEntryNotPublishedWhileSyncing(t *testing.T) {
	polls := fakeNode(t, -1)
	env := fileEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: env.provider + entryHCL("net", 118, map[string]string{
				"api_json": `"https://example.com"`, "wait_for_sync": "true", "sync_timeout": `"1s"`,
			}),
			ExpectError: regexp.MustCompile(`(?s)Network not published: its API node is not synced.*not synced after 1s.*SYNC_STATUS_SYNCING.*Nothing was written`),
		}},
	})
	if b := env.read(); b != nil {
		t.Errorf("a network that never synced was written:\n%s", b)
	}
	if polls.Load() < 2 {
		t.Errorf("polled %d times", polls.Load())
	}
}
