package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
)

// operationTimeout bounds one create, read, update or delete unless the
// timeouts block says otherwise, so that a document that stays rate-limited or
// unreachable fails the apply with the last error instead of hanging it.
const operationTimeout = 5 * time.Minute

// entryResourceBase is what both resources share: the provider's data, set by
// Configure, and the release attributes of a discovery entry, whose order is
// checked at plan time.
type entryResourceBase struct {
	data *providerData
}

func (r *entryResourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *entryResourceBase) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		releaseOrder{min: "min_node_release", latest: "latest_node_release"},
		releaseOrder{min: "min_smapp_release", latest: "latest_smapp_release"},
	}
}

// entryReleases are the attributes of a discovery entry that both resources
// have: the releases clients may run and where they download them.
// releaseOrder checks them.
type entryReleases struct {
	MinNodeRelease       types.String `tfsdk:"min_node_release"`
	LatestNodeRelease    types.String `tfsdk:"latest_node_release"`
	MinSmappRelease      types.String `tfsdk:"min_smapp_release"`
	LatestSmappRelease   types.String `tfsdk:"latest_smapp_release"`
	SmappBaseDownloadURL types.String `tfsdk:"smapp_base_download_url"`
	NodeBaseDownloadURL  types.String `tfsdk:"node_base_download_url"`
}

// timeoutFunc is one operation's deadline from a timeouts block, such as
// timeouts.Value.Create.
type timeoutFunc func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// withTimeout bounds ctx by the operation's timeout (operationTimeout when the
// timeouts block does not set it).
func withTimeout(ctx context.Context, timeout timeoutFunc, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := timeout(ctx, operationTimeout)
	diags.Append(ds...)
	return context.WithTimeout(ctx, d)
}

// documentFor is the canonical URL of the document an operation works on:
// own (the resource's discovery_url), else the provider's. Without one, or
// before the provider is configured, it reports why and returns false.
func (d *providerData) documentFor(own types.String, diags *diag.Diagnostics) (string, bool) {
	if !configured(d, diags) {
		return "", false
	}
	docURL, err := d.effectiveURL(own.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("discovery_url"), summaryMissingDocument, err.Error())
		return "", false
	}
	return docURL, true
}

// changeDocument applies fn to the document at docURL within the operation's
// timeout.
func (d *providerData) changeDocument(ctx context.Context, timeout timeoutFunc, docURL string, diags *diag.Diagnostics, fn func(*discovery.Document, bool) error) error {
	ctx, cancel := withTimeout(ctx, timeout, diags)
	defer cancel()
	return d.mutate(ctx, docURL, fn)
}

// configured reports an operation that runs before the provider's Configure.
func configured(d *providerData, diags *diag.Diagnostics) bool {
	if d == nil {
		diags.AddError(summaryMissingProviderConfig, bugDetail("The spacemesh provider was not configured before this operation."))
		return false
	}
	return true
}

// releaseOrder checks min <= latest at plan time, on the latest attribute.
type releaseOrder struct{ min, latest string }

func (v releaseOrder) Description(context.Context) string {
	return v.min + " must not be newer than " + v.latest
}
func (v releaseOrder) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v releaseOrder) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var lo, hi types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(v.min), &lo)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(v.latest), &hi)...)
	if resp.Diagnostics.HasError() || lo.IsNull() || lo.IsUnknown() || hi.IsNull() || hi.IsUnknown() {
		return
	}
	// Malformed releases are the attribute validators' to report.
	if err := discovery.CheckReleaseOrder(lo.ValueString(), hi.ValueString()); errors.Is(err, discovery.ErrReleaseOrder) {
		resp.Diagnostics.AddAttributeError(path.Root(v.latest), summaryInvalidReleaseOrder,
			fmt.Sprintf("%s is %q, older than %s %q: the latest release must be at least the minimum.", v.latest, hi.ValueString(), v.min, lo.ValueString()))
	}
}
