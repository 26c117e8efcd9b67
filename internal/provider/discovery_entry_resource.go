package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
)

var (
	_ resource.ResourceWithConfigure        = &discoveryEntryResource{}
	_ resource.ResourceWithImportState      = &discoveryEntryResource{}
	_ resource.ResourceWithModifyPlan       = &discoveryEntryResource{}
	_ resource.ResourceWithConfigValidators = &discoveryEntryResource{}
)

// NewDiscoveryEntryResource is the spacemesh_discovery_entry resource.
func NewDiscoveryEntryResource() resource.Resource { return &discoveryEntryResource{} }

type discoveryEntryResource struct {
	entryResourceBase
}

type discoveryEntryModel struct {
	ID           types.String `tfsdk:"id"`
	DiscoveryURL types.String `tfsdk:"discovery_url"`
	NetID        types.Int64  `tfsdk:"net_id"`
	NetName      types.String `tfsdk:"net_name"`
	Conf         types.String `tfsdk:"conf"`
	APIJSON      types.String `tfsdk:"api_json"`
	APIGRPC      types.String `tfsdk:"api_grpc"`
	Explorer     types.String `tfsdk:"explorer"`
	Dash         types.String `tfsdk:"dash"`
	entryReleases
	GenesisID   types.String   `tfsdk:"genesis_id"`
	StatsAPI    types.String   `tfsdk:"stats_api"`
	DashAPI     types.String   `tfsdk:"dash_api"`
	ExplorerAPI types.String   `tfsdk:"explorer_api"`
	WaitForSync types.Bool     `tfsdk:"wait_for_sync"`
	SyncTimeout types.String   `tfsdk:"sync_timeout"`
	Extra       types.Map      `tfsdk:"extra"`
	ExtraJSON   types.Map      `tfsdk:"extra_json"`
	First       types.Bool     `tfsdk:"first"`
	ViewsOK     types.Bool     `tfsdk:"views_written"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// entryAttrs names each modelled field's attribute; the data source uses the
// same names.
var entryAttrs = [...]struct {
	name  string
	field discovery.Field
	desc  string
}{
	{"net_name", discovery.FieldNetName, "Friendly network name (`net-name` / `netName`)."},
	{"conf", discovery.FieldConf, "https URL of the network's node config file (`conf`), ending in a file name of its own, without a query or fragment: Smapp keeps every network's config in one directory under the last part of its `conf` URL and starts the network from that copy when the config cannot be fetched. Two entries of one document whose `conf` URLs end in the same file name (compared case-insensitively) are refused when the second is written, and so is `networks.json`, the name of Smapp's copy of the document."},
	{"api_json", discovery.FieldAPIJSON, "https URL of the public JSON gateway (`api-json` / `jsonAPI`), without a query or fragment: the explorer appends the API's paths to it."},
	{"api_grpc", discovery.FieldAPIGRPC, "https URL of the public gRPC API (`api-grpc` / `grpcAPI`), without a query or fragment: the dashboard appends the JSON API's paths to it. Smapp dials port 443 whatever port this names."},
	{"explorer", discovery.FieldExplorer, "https URL of the explorer (`explorer`), ending in `/`, without a query or fragment: Smapp and the dashboard append paths such as `accounts/<address>` to it."},
	{"dash", discovery.FieldDash, "https URL of the dashboard (`dash`), without a query or fragment: Smapp opens it with `?hide-right-line&darkMode` appended."},
	{"min_node_release", discovery.FieldMinNodeRelease, "Oldest supported full-node release, semver (`min-node-release` / `minNodeVersion`). A leading `v` is accepted and not written: clients get bare semver."},
	{"latest_node_release", discovery.FieldLatestNodeRelease, "Newest supported full-node release, semver (`latest-node-release` / `maxNodeVersion`). Written as bare semver."},
	{"min_smapp_release", discovery.FieldMinSmappRelease, "Oldest supported Smapp release, semver (`min-smapp-release` / `minSmappRelease`). Written as bare semver."},
	{"latest_smapp_release", discovery.FieldLatestSmappRelease, "Newest supported Smapp release, semver (`latest-smapp-release` / `latestSmappRelease`). Written as bare semver (`1.7.2`, never `v1.7.2`): Smapp's updater fetches `${smappBaseDownloadUrl}/v${latestSmappRelease}`."},
	{"smapp_base_download_url", discovery.FieldSmappBaseDownloadURL, "https base URL of Smapp downloads, without a trailing `/`, query or fragment (`smapp-base-download-url` / `smappBaseDownloadUrl`): Smapp appends `/v<release>`."},
	{"node_base_download_url", discovery.FieldNodeBaseDownloadURL, "https base URL of node downloads, without a trailing `/`, query or fragment (`node-base-download-url` / `nodeBaseDownloadUrl`)."},
	{"genesis_id", discovery.FieldGenesisID, "Genesis id as Smapp computes it, 40 hex digits (`genesis-id` / `genesisID`; `spacemesh_network` exports it as `smapp_genesis_id`). Optional: Smapp >= 1.0 recomputes it from the config; older builds read it."},
	{"stats_api", discovery.FieldStatsAPI, "https URL of the network's explorer stats API, `explorer-stats-api` (`stats-api` / `statsAPI`), without a query or fragment: the explorer and dashboard frontends append paths to it."},
	{"dash_api", discovery.FieldDashAPI, "The frontends' per-network key (`dash-api` / `dashAPI`): the explorer and dashboard frontends select a network by it, so two entries of one document with the same `dash_api` (a trailing `/` aside) are refused when the second is written. An https or wss URL; its query and fragment are kept (the frontends only compare it), so `<stats_api>/#dash-<net_id>` is a key of its own."},
	{"explorer_api", discovery.FieldExplorerAPI, "https URL of the explorer API (`explorer-api` / `explorerAPI`), without a query or fragment: explorers append paths to it."},
}

// optionalEntryField tells which modelled fields may be left out.
func optionalEntryField(f discovery.Field) bool {
	switch f {
	case discovery.FieldGenesisID, discovery.FieldStatsAPI, discovery.FieldDashAPI, discovery.FieldExplorerAPI:
		return true
	}
	return false
}

func (m *discoveryEntryModel) field(f discovery.Field) *types.String {
	return [...]*types.String{
		discovery.FieldNetName:              &m.NetName,
		discovery.FieldConf:                 &m.Conf,
		discovery.FieldAPIJSON:              &m.APIJSON,
		discovery.FieldAPIGRPC:              &m.APIGRPC,
		discovery.FieldExplorer:             &m.Explorer,
		discovery.FieldDash:                 &m.Dash,
		discovery.FieldMinNodeRelease:       &m.MinNodeRelease,
		discovery.FieldLatestNodeRelease:    &m.LatestNodeRelease,
		discovery.FieldMinSmappRelease:      &m.MinSmappRelease,
		discovery.FieldLatestSmappRelease:   &m.LatestSmappRelease,
		discovery.FieldSmappBaseDownloadURL: &m.SmappBaseDownloadURL,
		discovery.FieldNodeBaseDownloadURL:  &m.NodeBaseDownloadURL,
		discovery.FieldGenesisID:            &m.GenesisID,
		discovery.FieldStatsAPI:             &m.StatsAPI,
		discovery.FieldDashAPI:              &m.DashAPI,
		discovery.FieldExplorerAPI:          &m.ExplorerAPI,
	}[f]
}

func (r *discoveryEntryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_discovery_entry"
}

func (r *discoveryEntryResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`<discovery_url>#<net_id>`, the import id.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"discovery_url": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "The document this entry lives in, when not the provider's `discovery_url`. The entry stays in the document it was created in (its `id` names it): a change of the document this resolves to, or of the provider's `discovery_url` when this is not set, moves the entry (replacement). Another spelling of the same document is no change.",
			Validators:          []validator.String{documentURLValidator()},
		},
		"net_id": schema.Int64Attribute{
			Required:            true,
			MarkdownDescription: "The network id, the entry's key (`net-id` / `netID`). Changing it replaces the entry.",
			Validators:          []validator.Int64{int64validator.AtLeast(1), netIDBound{}},
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"first": schema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			MarkdownDescription: "Keep this entry first in the document: the web frontends take the first entry as their default network. New entries are otherwise added at the end, and entries keep their positions. Moving another entry in front of this one is drift, put back by the next apply; setting it to `false` leaves the entry where it is. Give it to one entry per document.",
		},
		"wait_for_sync": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "Publish the network only once it answers: before the entry is created, poll `POST <api_json>/spacemesh.v2alpha1.NodeService/Status` through the public URL until the node reports `SYNC_STATUS_SYNCED`, logging its progress. " +
				"On timeout nothing is written and the error says what the node answered last. Uses the system trust store, `SSL_CERT_FILE` and `HTTPS_PROXY`. Only creation waits; updates are written at once.",
		},
		"sync_timeout": schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString(defaultSyncTimeout.String()),
			MarkdownDescription: "How long `wait_for_sync` waits, as a Go duration (default `30m0s`). The `timeouts.create` deadline applies to the document write after it.",
			Validators:          []validator.String{durationValidator()},
		},
		"extra": schema.MapAttribute{
			ElementType:         types.StringType,
			Optional:            true,
			MarkdownDescription: "Further keys written as they are, e.g. `explorerVersion`. May not use a key the provider manages in either format. Values are written as JSON strings; a key whose value in the document is other JSON (a number, an object) reads here as its JSON text, e.g. `\"5\"`, and keeps its JSON while that text is unchanged.",
			Validators: []validator.Map{
				mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1), stringvalidator.NoneOf(discovery.KnownKeys()...)),
			},
		},
		"views_written": schema.BoolAttribute{
			Computed: true,
			MarkdownDescription: "With the provider's `discovery_views`: whether this network's list beside the document (`views/<name>/<net_id>/networks.json`) is what the document makes of it; null without. " +
				"A list that is missing or behind (a rewrite that failed, or `discovery_views` just turned on) reads as `false`, so the plan shows `false -> true` and the apply rewrites every list of the document.",
		},
		"extra_json": schema.MapAttribute{
			ElementType: types.StringType,
			Computed:    true,
			MarkdownDescription: "Each `extra` value as the JSON the document holds: `\"5\"` (quotes included) for the string, `5` for the number. " +
				"A value turned outside Terraform from the string into other JSON with the same text (`\"5\"` into `5`) is drift: the plan shows it here and the apply writes the string back. " +
				"Other JSON the entry had when this state first saw the key (an imported number) is kept while `extra` gives its text.",
		},
	}
	for _, a := range entryAttrs {
		s := schema.StringAttribute{Required: !optionalEntryField(a.field), Optional: optionalEntryField(a.field), MarkdownDescription: a.desc}
		switch a.field {
		case discovery.FieldNetName:
			s.Validators = []validator.String{stringvalidator.LengthAtLeast(1)}
		case discovery.FieldMinNodeRelease, discovery.FieldLatestNodeRelease, discovery.FieldMinSmappRelease, discovery.FieldLatestSmappRelease:
			s.Validators = []validator.String{releaseValidator()}
		case discovery.FieldGenesisID:
			s.Validators = []validator.String{genesisIDValidator()}
		default:
			s.Validators = []validator.String{fieldURLValidator(a.field)}
		}
		attrs[a.name] = s
	}
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
		MarkdownDescription: "One network's entry in the shared discovery document. Each resource touches only its own entry: every other entry, its key order and keys the provider does not know are kept as they were. Writes are compare-and-swap on the document (GCS generation, or a lock and atomic rename for files), so concurrent writers never lose each other's entries; a document that cannot be parsed is never written.",
		Attributes:          attrs,
	}
}

// ModifyPlan checks at plan time what needs the provider's configuration.
func (r *discoveryEntryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	r.planDocumentMove(ctx, req, resp)
	planExtraJSON(ctx, req, resp)
	if r.data == nil {
		return
	}
	var plan discoveryEntryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.DiscoveryURL.IsUnknown() {
		return
	}
	docURL, ok := r.data.documentFor(plan.DiscoveryURL, &resp.Diagnostics)
	if !ok {
		return
	}
	if !plan.NetID.IsUnknown() {
		plan.ID = types.StringValue(entryID(docURL, plan.NetID.ValueInt64()))
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.ID)...)
	}
	// Lists that are behind make an update that rewrites them; without
	// discovery_views there is nothing to say. (A create or an update of
	// anything else leaves it unknown: the apply tells.)
	if !r.data.views {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("views_written"), types.BoolNull())...)
	} else if !req.State.Raw.IsNull() {
		var prior types.Bool
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("views_written"), &prior)...)
		if !prior.ValueBool() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("views_written"), types.BoolUnknown())...)
		}
	}
	if r.data.format == discovery.FormatSmapp {
		if u, err := url.Parse(plan.APIGRPC.ValueString()); err == nil && u.Port() != "" && u.Port() != "443" && !plan.APIGRPC.IsUnknown() {
			resp.Diagnostics.AddAttributeWarning(path.Root("api_grpc"), summarySmappIgnoresPort,
				fmt.Sprintf("api_grpc is %q, but Smapp dials grpcAPI on port 443 whatever port the URL names: serve gRPC on 443 or Smapp clients will not reach it.", plan.APIGRPC.ValueString()))
		}
	}
}

// placeFirst moves the entry to the front when first is set.
func placeFirst(doc *discovery.Document, netID int64, first bool) {
	if first {
		doc.MoveToFront(netID)
	}
}

func entryID(docURL string, netID int64) string { return docURL + "#" + strconv.FormatInt(netID, 10) }

// toEntry converts the model to the document's entry.
func (m *discoveryEntryModel) toEntry(ctx context.Context) (discovery.Entry, diag.Diagnostics) {
	e := discovery.Entry{NetID: m.NetID.ValueInt64()}
	for _, a := range entryAttrs {
		e.Fields[a.field] = m.field(a.field).ValueString()
	}
	var diags diag.Diagnostics
	if !m.Extra.IsNull() {
		diags = m.Extra.ElementsAs(ctx, &e.Extra, false)
	}
	applyExtraKinds(&e, m.ExtraJSON)
	return e, diags
}

// fromEntry sets the model from the document's entry. Extra stays null when
// the entry has none and the model had none, so that neither form drifts;
// extra_json is null exactly when extra is.
func (m *discoveryEntryModel) fromEntry(e discovery.Entry) diag.Diagnostics {
	diags := m.fromEntryFields(e)
	m.ExtraJSON = types.MapNull(types.StringType)
	if !m.Extra.IsNull() {
		m.ExtraJSON = extraJSONOf(e, e.Extra)
	}
	return diags
}

func (m *discoveryEntryModel) fromEntryFields(e discovery.Entry) diag.Diagnostics {
	m.NetID = types.Int64Value(e.NetID)
	for _, a := range entryAttrs {
		v, have := e.Get(a.field), m.field(a.field)
		switch {
		case v == "" && optionalEntryField(a.field):
			*have = types.StringNull()
		case discovery.IsRelease(a.field) && !have.IsNull() && discovery.NormalizeRelease(have.ValueString()) == v:
			// The configuration may write "v1.7.2"; the document holds
			// "1.7.2". Same release: keep the configuration's spelling.
		default:
			*have = types.StringValue(v)
		}
	}
	if len(e.Extra) == 0 && m.Extra.IsNull() {
		return nil
	}
	if e.Extra == nil {
		m.Extra = types.MapValueMust(types.StringType, map[string]attr.Value{})
		return nil
	}
	var diags diag.Diagnostics
	m.Extra, diags = types.MapValueFrom(context.Background(), types.StringType, e.Extra)
	return diags
}

func (r *discoveryEntryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan discoveryEntryModel
	docURL, entry, ok := r.fromPlan(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	if plan.WaitForSync.ValueBool() {
		// A create that would be refused is refused before the wait.
		if !r.refuseExisting(ctx, &plan, docURL, entry.NetID, &resp.Diagnostics) || !r.waitForSync(ctx, &plan, &resp.Diagnostics) {
			return
		}
	}
	first := plan.First.ValueBool()
	var written writtenEntry
	err := r.data.changeDocument(ctx, plan.Timeouts.Create, docURL, &resp.Diagnostics, func(doc *discovery.Document, mayHaveLanded bool) error {
		// After a write with an unknown outcome, an entry exactly as it
		// wrote it (releases as written: "1.7.6" for "v1.7.6") is that
		// write, landed. Anything else with this net id is someone else's,
		// and Insert refuses it.
		if !mayHaveLanded || !doc.Holds(entry) {
			if err := doc.Insert(entry); err != nil {
				return err
			}
		}
		placeFirst(doc, entry.NetID, first)
		written.set(doc, entry.NetID)
		return nil
	})
	if addClashErrors(&resp.Diagnostics, err) {
		return
	}
	var exists *discovery.ExistsError
	if errors.As(err, &exists) {
		addExistsError(&resp.Diagnostics, docURL, entry.NetID)
		return
	}
	if !writeOutcome(&resp.Diagnostics, err, summaryAddEntryFailed, true) {
		if mayHaveLanded(err) {
			// Kept in state, where Terraform marks it tainted: the next apply
			// replaces it instead of finding an entry it does not manage,
			// but only while the document's entry is the one written here.
			plan.ExtraJSON = knownExtraJSON(plan, entry)
			// Whether the write landed is unknown, so is whether the views were rewritten.
			plan.ViewsOK = r.data.viewsOutcome(&viewsError{err})
			setUnconfirmed(ctx, resp.Private, true, &resp.Diagnostics)
			saveEntry(ctx, &resp.State, &plan, docURL, &resp.Diagnostics)
		}
		return
	}
	plan.ExtraJSON = written.extraJSON(plan)
	plan.ViewsOK = r.data.viewsOutcome(err)
	saveEntry(ctx, &resp.State, &plan, docURL, &resp.Diagnostics)
}

// refuseExisting fails a create whose net id the document already has, as
// the create itself would, before anything slow (wait_for_sync) runs.
func (r *discoveryEntryResource) refuseExisting(ctx context.Context, plan *discoveryEntryModel, docURL string, netID int64, diags *diag.Diagnostics) bool {
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, diags)
	defer cancel()
	doc, err := r.data.readDocument(ctx, docURL)
	if err != nil {
		diags.AddError(summaryReadDocumentFailed, err.Error())
		return false
	}
	if doc != nil {
		if _, found := doc.Find(netID); found {
			addExistsError(diags, docURL, netID)
			return false
		}
	}
	return true
}

// addExistsError refuses to create an entry for a net id the document has.
func addExistsError(diags *diag.Diagnostics, docURL string, netID int64) {
	id := entryID(docURL, netID)
	diags.AddAttributeError(path.Root("net_id"), summaryEntryExists,
		fmt.Sprintf("%s already has an entry for net id %d that this Terraform state does not manage. "+
			"It was left as it is. To manage it here, import it:\n\n  terraform import spacemesh_discovery_entry.<name> '%s'\n\n"+
			"(or an import block with id = %q).", docURL, netID, id, id))
}

func (r *discoveryEntryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, docURL, ok := r.fromState(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, &resp.Diagnostics)
	defer cancel()
	doc, err := r.data.readDocument(ctx, docURL)
	if err != nil {
		resp.Diagnostics.AddError(summaryReadDocumentFailed, err.Error())
		return
	}
	var entry discovery.Entry
	found := false
	if doc != nil {
		entry, found = doc.Find(state.NetID.ValueInt64())
	}
	if !found {
		// Removed outside Terraform (or the document is gone): plan a re-create.
		resp.State.RemoveResource(ctx)
		return
	}
	if isUnconfirmed(ctx, req.Private, &resp.Diagnostics) {
		mine, d := state.toEntry(ctx)
		resp.Diagnostics.Append(d...)
		if !doc.Holds(mine) {
			// Not what this state's create wrote: someone else's. Let go of
			// it, so that the next apply refuses as any create would.
			resp.Diagnostics.AddWarning(summaryEntryNotOurs, notOursDetail(docURL, entry.NetID, "It is no longer tracked here: the next apply refuses to create the entry, as for any entry this state does not manage."))
			resp.State.RemoveResource(ctx)
			return
		}
	}
	retyped := retypedExtra(state.ExtraJSON, entry, retypedKeys(ctx, req.Private, &resp.Diagnostics))
	setRetypedKeys(ctx, resp.Private, retyped, &resp.Diagnostics)
	resp.Diagnostics.Append(state.fromEntry(entry)...)
	// Only an entry that should be first can drift by position: the others
	// keep whatever place they have.
	if state.First.ValueBool() {
		state.First = types.BoolValue(doc.Index(entry.NetID) == 0)
	}
	state.ID = types.StringValue(entryID(docURL, entry.NetID))
	state.ViewsOK = r.data.viewsWritten(ctx, docURL, doc, entry.NetID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *discoveryEntryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan discoveryEntryModel
	docURL, entry, ok := r.fromPlan(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	if pinned, ok := r.data.pinnedDocumentOf(ctx, req.State, &resp.Diagnostics); !ok {
		return
	} else if pinned != docURL {
		resp.Diagnostics.AddAttributeError(path.Root("discovery_url"), summaryEntryInAnotherDocument,
			bugDetail("The entry lives in %s, not in %s: moving it is a replacement, never an update.", pinned, docURL))
		return
	}
	// An entry whose create had an unknown outcome (untainted by hand) is
	// updated only while it is exactly what that create wrote.
	unconfirmed := isUnconfirmed(ctx, req.Private, &resp.Diagnostics)
	var mine discovery.Entry
	if unconfirmed {
		var prior discoveryEntryModel
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		var d diag.Diagnostics
		mine, d = prior.toEntry(ctx)
		resp.Diagnostics.Append(d...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	first := plan.First.ValueBool()
	var kept []*discovery.ClashError // clashes the document had before
	var written writtenEntry
	err := r.data.changeDocument(ctx, plan.Timeouts.Update, docURL, &resp.Diagnostics, func(doc *discovery.Document, mayHaveLanded bool) error {
		if unconfirmed && !mayHaveLanded && !doc.Holds(mine) {
			return errors.New(notOursDetail(docURL, entry.NetID, "Nothing was written."))
		}
		if err := doc.Upsert(entry); err != nil {
			return err
		}
		kept = doc.Clashes(entry)
		placeFirst(doc, entry.NetID, first)
		written.set(doc, entry.NetID)
		return nil
	})
	if addClashErrors(&resp.Diagnostics, err) {
		return
	}
	if writeOutcome(&resp.Diagnostics, err, summaryUpdateEntryFailed, false) {
		plan.ExtraJSON = written.extraJSON(plan)
		plan.ViewsOK = r.data.viewsOutcome(err)
		// The lists were behind (a failed rewrite, or discovery_views just
		// turned on). A change that left the document as it was wrote
		// nothing, so nothing rewrote them: do it here. (After a change that
		// wrote, this finds them current: two reads and a listing.)
		var prior types.Bool
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("views_written"), &prior)...)
		if r.data.views && !prior.ValueBool() && plan.ViewsOK.ValueBool() {
			ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics)
			defer cancel()
			if err := r.data.rewriteViews(ctx, docURL); err != nil {
				resp.Diagnostics.AddError(summaryViewsNotWritten, err.Error()+"\n\nThe entry is in the state; the next plan shows views_written = false -> true again.")
				plan.ViewsOK = types.BoolValue(false)
			}
		}
		setUnconfirmed(ctx, resp.Private, false, &resp.Diagnostics)
		setRetypedKeys(ctx, resp.Private, nil, &resp.Diagnostics)
		saveEntry(ctx, &resp.State, &plan, docURL, &resp.Diagnostics)
		addClashWarnings(&resp.Diagnostics, kept)
	}
}

func (r *discoveryEntryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, docURL, ok := r.fromState(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	remove := removeEntry(state.NetID.ValueInt64())
	var leftAlone atomic.Bool
	if isUnconfirmed(ctx, req.Private, &resp.Diagnostics) {
		// Removed only while it is exactly what this state's create wrote.
		mine, d := state.toEntry(ctx)
		resp.Diagnostics.Append(d...)
		remove = removeEntryIfHeld(mine, &leftAlone)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.data.changeDocument(ctx, state.Timeouts.Delete, docURL, &resp.Diagnostics, remove)
	if !writeOutcome(&resp.Diagnostics, err, summaryRemoveEntryFailed, false) {
		return
	}
	// A removal whose lists could not be rewritten has failed above; the next
	// refresh finds the entry gone, and the entries that remain find their
	// lists behind (views_written), so that apply rewrites them.
	if leftAlone.Load() {
		resp.Diagnostics.AddWarning(summaryEntryNotOurs, notOursDetail(docURL, state.NetID.ValueInt64(), "It was left as it is."))
	}
}

// notOursDetail explains an entry with this state's net id that is not the
// one its create wrote, which had an unknown outcome.
func notOursDetail(docURL string, netID int64, outcome string) string {
	id := entryID(docURL, netID)
	return fmt.Sprintf("This state's create of net id %d in %s had an unknown outcome, and the document's entry for net id %d is not the one it wrote: "+
		"someone else published this net id. %s If it is this configuration's entry after all, import it:\n\n  terraform import spacemesh_discovery_entry.<name> '%s'", netID, docURL, netID, outcome, id)
}

// ImportState accepts `<discovery_url>#<net_id>`.
func (r *discoveryEntryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	docURL, idText, ok := strings.Cut(req.ID, "#")
	netID, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || netID <= 0 || netID > maxNetID {
		resp.Diagnostics.AddError(summaryInvalidImportID,
			fmt.Sprintf("expected <discovery_url>#<net_id> with a net id from 1 to %d, e.g. 'gs://bucket/networks.json#118', got %q", maxNetID, req.ID))
		return
	}
	loc, err := store.ParseURL(docURL)
	if err != nil {
		resp.Diagnostics.AddError(summaryInvalidImportID, fmt.Sprintf("in %q: %v", req.ID, err))
		return
	}
	canonical := loc.String()
	// The provider's own document is left implicit, so a configuration that
	// does not set discovery_url matches the imported state.
	own := types.StringValue(canonical)
	if r.data != nil && canonical == r.data.discoveryURL {
		own = types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("discovery_url"), own)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("net_id"), netID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), entryID(canonical, netID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("first"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_sync"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("sync_timeout"), defaultSyncTimeout.String())...)
}

// fromPlan reads the plan into m, and resolves the document URL and the
// entry to write.
func (r *discoveryEntryResource) fromPlan(ctx context.Context, p tfsdk.Plan, m *discoveryEntryModel, diags *diag.Diagnostics) (string, discovery.Entry, bool) {
	diags.Append(p.Get(ctx, m)...)
	if diags.HasError() {
		return "", discovery.Entry{}, false
	}
	docURL, ok := r.data.documentFor(m.DiscoveryURL, diags)
	if !ok {
		return "", discovery.Entry{}, false
	}
	entry, d := m.toEntry(ctx)
	diags.Append(d...)
	return docURL, entry, !diags.HasError()
}

// fromState reads the state, and resolves the document the entry lives in.
func (r *discoveryEntryResource) fromState(ctx context.Context, st tfsdk.State, diags *diag.Diagnostics) (discoveryEntryModel, string, bool) {
	var m discoveryEntryModel
	diags.Append(st.Get(ctx, &m)...)
	if diags.HasError() {
		return m, "", false
	}
	docURL, ok := r.data.pinnedDocumentOf(ctx, st, diags)
	return m, docURL, ok
}

// saveEntry records m in the state, under the id that names its document.
func saveEntry(ctx context.Context, st *tfsdk.State, m *discoveryEntryModel, docURL string, diags *diag.Diagnostics) {
	m.ID = types.StringValue(entryID(docURL, m.NetID.ValueInt64()))
	diags.Append(st.Set(ctx, m)...)
}
