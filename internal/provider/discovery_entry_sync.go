package provider

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/nodestatus"
)

// defaultSyncTimeout is how long wait_for_sync waits by default: a new API
// node of a young network syncs in minutes; an older one takes longer, and the
// operator raises sync_timeout for it.
const defaultSyncTimeout = 30 * time.Minute

// syncPollInterval spaces the status polls of wait_for_sync.
var syncPollInterval = 10 * time.Second

// syncStatusClient asks the node through its public URL like any client does:
// system trust store (SSL_CERT_FILE honoured), HTTPS_PROXY honoured. Tests
// replace it with one that trusts their server.
var syncStatusClient = &http.Client{Timeout: 30 * time.Second, Transport: http.DefaultTransport}

// waitForSync blocks until the entry's node reports synced; false means an
// error was added and nothing may be written.
func (r *discoveryEntryResource) waitForSync(ctx context.Context, plan *discoveryEntryModel, diags *diag.Diagnostics) bool {
	timeout, err := time.ParseDuration(plan.SyncTimeout.ValueString())
	if err != nil { // the schema validator has refused this already
		diags.AddAttributeError(path.Root("sync_timeout"), "Invalid sync_timeout", err.Error())
		return false
	}
	apiJSON := plan.APIJSON.ValueString()
	tflog.Info(ctx, "waiting for the network's API node to be synced before publishing it", map[string]any{
		"api_json": apiJSON, "sync_timeout": timeout.String(),
	})
	_, err = nodestatus.Wait(ctx, syncStatusClient, apiJSON, timeout, syncPollInterval, func(s nodestatus.Status, err error) {
		if err != nil {
			tflog.Info(ctx, "API node status poll failed", map[string]any{"api_json": apiJSON, "error": err.Error()})
			return
		}
		tflog.Info(ctx, "API node status", s.Fields())
	})
	if err != nil {
		diags.AddAttributeError(path.Root("wait_for_sync"), "Network not published: its API node is not synced",
			fmt.Sprintf("%v\n\nNothing was written to the discovery document. Check the node (its logs, its peers), raise sync_timeout if it is only slow, and apply again.", err))
		return false
	}
	return true
}
