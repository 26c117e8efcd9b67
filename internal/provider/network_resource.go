package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/netconf"
)

var (
	_ resource.ResourceWithConfigure        = &networkResource{}
	_ resource.ResourceWithModifyPlan       = &networkResource{}
	_ resource.ResourceWithConfigValidators = &networkResource{}
)

// networkConfigClient fetches config_url. nil means netconf's default client,
// which trusts only the system's roots; tests set a client that trusts their
// own server. Unexported so that no configuration can weaken it.
var networkConfigClient *http.Client

// NewNetworkResource is the spacemesh_network resource.
func NewNetworkResource() resource.Resource { return &networkResource{} }

type networkResource struct {
	entryResourceBase
}

type networkModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	ConfigURL   types.String `tfsdk:"config_url"`
	ConfigJSON  types.String `tfsdk:"config_json"`
	NetID       types.Int64  `tfsdk:"net_id"`
	Domain      types.String `tfsdk:"domain"`
	NodeRelease types.String `tfsdk:"node_release"`
	entryReleases
	APIHostPattern      types.String `tfsdk:"api_host_pattern"`
	ExplorerHostPattern types.String `tfsdk:"explorer_host_pattern"`
	DashHostPattern     types.String `tfsdk:"dash_host_pattern"`
	APIJSONPort         types.Int64  `tfsdk:"api_json_port"`
	APIGRPCPort         types.Int64  `tfsdk:"api_grpc_port"`
	StatsHostPattern    types.String `tfsdk:"stats_api_host_pattern"`
	NodeVersion         types.String `tfsdk:"node_version"`
	APINodeGRPCPort     types.Int64  `tfsdk:"api_node_grpc_port"`
	APINodeJSONPort     types.Int64  `tfsdk:"api_node_json_port"`
	CORSOrigins         types.List   `tfsdk:"cors_origins"`

	GenesisTime    types.String `tfsdk:"genesis_time"`
	GenesisID      types.String `tfsdk:"genesis_id"`
	SmappGenesisID types.String `tfsdk:"smapp_genesis_id"`
	HRP            types.String `tfsdk:"hrp"`
	LayerDuration  types.String `tfsdk:"layer_duration"`
	LayersPerEpoch types.Int64  `tfsdk:"layers_per_epoch"`
	ConfigSHA256   types.String `tfsdk:"config_sha256"`
	APIJSONURL     types.String `tfsdk:"api_json_url"`
	APIGRPCURL     types.String `tfsdk:"api_grpc_url"`
	ExplorerURL    types.String `tfsdk:"explorer_url"`
	DashURL        types.String `tfsdk:"dash_url"`
	APIHost        types.String `tfsdk:"api_host"`
	ExplorerHost   types.String `tfsdk:"explorer_host"`
	DashHost       types.String `tfsdk:"dash_host"`
	APINodeConfig  types.String `tfsdk:"api_node_config"`
	DiscoveryEntry types.Object `tfsdk:"discovery_entry"`

	StatsAPIURL          types.String `tfsdk:"stats_api_url"`
	StatsAPIHost         types.String `tfsdk:"stats_api_host"`
	DashAPIURL           types.String `tfsdk:"dash_api_url"`
	ExplorerAPIURL       types.String `tfsdk:"explorer_api_url"`
	LabelsPerUnit        types.Int64  `tfsdk:"labels_per_unit"`
	LayerDurationSeconds types.Int64  `tfsdk:"layer_duration_seconds"`
	AllowedOrigins       types.List   `tfsdk:"allowed_origins"`
	ResolvedNodeVersion  types.String `tfsdk:"api_node_version"`
}

// discoveryEntryAttrs are exactly the inputs of spacemesh_discovery_entry
// this resource knows, so that a module passes each with one line.
var discoveryEntryAttrs = map[string]attr.Type{
	"net_id":                  types.Int64Type,
	"net_name":                types.StringType,
	"conf":                    types.StringType,
	"api_json":                types.StringType,
	"api_grpc":                types.StringType,
	"explorer":                types.StringType,
	"dash":                    types.StringType,
	"min_node_release":        types.StringType,
	"latest_node_release":     types.StringType,
	"min_smapp_release":       types.StringType,
	"latest_smapp_release":    types.StringType,
	"smapp_base_download_url": types.StringType,
	"node_base_download_url":  types.StringType,
	"genesis_id":              types.StringType,
	"stats_api":               types.StringType,
	"dash_api":                types.StringType,
	"explorer_api":            types.StringType,
}

func (r *networkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_network"
}

func (r *networkResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	release := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: []validator.String{releaseValidator()}}
	}
	pattern := func(def, what string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString(def),
			MarkdownDescription: fmt.Sprintf("Host name pattern of the %s (default `%s`). Placeholders: `{net_id}` (required, so that networks never share a host name) and `{domain}`.", what, def),
			Validators:          []validator.String{stringCheck{summaryInvalidHostPattern, "must be a host name pattern containing {net_id}", netconf.ValidateHostPattern}},
		}
	}
	port := func(def int64, what string) schema.Int64Attribute {
		return schema.Int64Attribute{
			Optional: true, Computed: true, Default: int64default.StaticInt64(def),
			MarkdownDescription: fmt.Sprintf("Port of the %s in its public URL (default `%d`, left out of the URL: one https host on 443 serves gRPC and the JSON gateway, routed by content type). Smapp dials `grpcAPI` on 443 whatever port the URL names.", what, def),
			Validators:          []validator.Int64{int64validator.Between(1, 65535)},
		}
	}
	nodePort := func(def int64, what string) schema.Int64Attribute {
		return schema.Int64Attribute{
			Optional: true, Computed: true, Default: int64default.StaticInt64(def),
			MarkdownDescription: fmt.Sprintf("Port of the API node's own %s listener, on 0.0.0.0 inside the cluster (default `%d`); the ingress forwards to it.", what, def),
			Validators:          []validator.Int64{int64validator.Between(1, 65535)},
		}
	}
	entryAttrs := map[string]schema.Attribute{}
	for name, t := range discoveryEntryAttrs {
		if t == types.Int64Type {
			entryAttrs[name] = schema.Int64Attribute{Computed: true}
		} else {
			entryAttrs[name] = schema.StringAttribute{Computed: true}
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Spacemesh network's identity and everything derived from it: genesis ids, service URLs, and the config its public API node runs with. " +
			"It calls nothing but `config_url` (at plan time, when `config_json` is not given). " +
			"The genesis is the network: a changed genesis or net id, or a changed document at `config_url`, plans a replacement (a new network); release fields update in place.",
		Attributes: map[string]schema.Attribute{
			"id": computed("The net id, as a string."),
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Friendly network name, e.g. `TweedleDee Open Testnet 118` (the discovery entry's `net_name`).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"config_url": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Permanent https URL of the network's node config, published as the discovery entry's `conf`, so it follows `conf`'s rules: a file name of its own at the end, no query or fragment. Fetched at plan time unless `config_json` is given; a changed document there is a new network.",
				Validators:          []validator.String{fieldURLValidator(discovery.FieldConf)},
			},
			"config_json": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The node config's contents (e.g. `file(\"config.json\")`). When given, nothing is fetched; a changed genesis in it plans a replacement, other changes update in place.",
				Validators: []validator.String{stringCheck{summaryInvalidNodeConfig, "must be a JSON node config", func(s string) error {
					_, err := netconf.Parse([]byte(s))
					return err
				}}},
			},
			"net_id": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The network id. Legacy configs carry it (`p2p.network-id`) and a different value here is an error; current configs carry none, and then it is required. A change is a new network.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"domain": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Domain of the service host names; default: the provider's `domain`.",
				Validators:          []validator.String{hostnameValidator()},
			},
			"node_release": schema.StringAttribute{
				Required: true, MarkdownDescription: "The exact go-spacemesh image tag (e.g. `v1.7.6`), image reference or git ref the API node runs. " +
					"A tag with `+` (devnet tags such as `v1.7.6+1`) is refused: Docker tags cannot hold `+`, and go-spacemesh's image workflow pushes the git tag as it is, so no such image exists; run the commit's image (`spacemeshos/go-spacemesh-dev:<short sha>`) with `node_version` instead.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringCheck{summaryInvalidNodeRelease, "must be an image tag or reference without '+'", netconf.CheckNodeRelease}},
			},
			"node_version": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The go-spacemesh version `node_release` runs, e.g. `1.7.6`, when `node_release` is a branch, a commit or an image by digest. The API node's config holds only keys that version knows (go-spacemesh >= 1.4 refuses unknown keys). Default: the version in `node_release`'s semver tag.",
				Validators:          []validator.String{releaseValidator()},
			},
			"cors_origins": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Further browser origins allowed to call the API node's JSON gateway and the stats API, e.g. the frontends' shared hosts `https://explore.example.org` (the per-network explorer and dashboard origins are always allowed).",
				Validators:          []validator.List{listvalidator.ValueStringsAre(stringCheck{summaryInvalidOrigin, "must be an https origin", netconf.CheckOrigin})},
			},
			"min_node_release":        release("Oldest supported node release, semver (a leading `v` is allowed)."),
			"latest_node_release":     release("Newest node release, semver; at least `min_node_release`."),
			"min_smapp_release":       release("Oldest supported Smapp release, semver."),
			"latest_smapp_release":    release("Newest Smapp release, semver; at least `min_smapp_release`."),
			"smapp_base_download_url": schema.StringAttribute{Required: true, MarkdownDescription: "https base URL of Smapp downloads, without a trailing `/`, query or fragment (Smapp appends `/v<release>`).", Validators: []validator.String{fieldURLValidator(discovery.FieldSmappBaseDownloadURL)}},
			"node_base_download_url":  schema.StringAttribute{Required: true, MarkdownDescription: "https base URL of node downloads, without a trailing `/`, query or fragment.", Validators: []validator.String{fieldURLValidator(discovery.FieldNodeBaseDownloadURL)}},
			"api_host_pattern":        pattern(netconf.DefaultAPIHostPattern, "public API (gRPC and JSON gateway)"),
			"explorer_host_pattern":   pattern(netconf.DefaultExplorerHostPattern, "explorer"),
			"dash_host_pattern":       pattern(netconf.DefaultDashHostPattern, "dashboard"),
			"api_json_port":           port(netconf.DefaultAPIJSONPort, "JSON gateway"),
			"api_grpc_port":           port(netconf.DefaultAPIGRPCPort, "public gRPC API"),
			"stats_api_host_pattern":  pattern(netconf.DefaultStatsHostPattern, "explorer stats API (`explorer-stats-api`)"),
			"api_node_grpc_port":      nodePort(netconf.DefaultNodeGRPCPort, "public gRPC"),
			"api_node_json_port":      nodePort(netconf.DefaultNodeJSONPort, "JSON gateway"),

			"genesis_time":           computed("`genesis.genesis-time`, as written in the config."),
			"genesis_id":             computed("The node's genesis id: first 20 bytes, hex, of blake3(Unix seconds of the genesis time ++ genesis extra data)."),
			"smapp_genesis_id":       computed("The genesis id Smapp computes and expects in the discovery entry: blake3 of the genesis-time *string* ++ extra data, first 20 bytes, hex. It differs from `genesis_id`."),
			"hrp":                    computed("Address prefix (`main.network-hrp`, else the node's default for the config's preset)."),
			"layer_duration":         computed("Layer duration as a Go duration, e.g. `5m0s`."),
			"layers_per_epoch":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Layers per epoch."},
			"layer_duration_seconds": schema.Int64Attribute{Computed: true, MarkdownDescription: "Layer duration in seconds."},
			"labels_per_unit":        schema.Int64Attribute{Computed: true, MarkdownDescription: "`post.post-labels-per-unit`, else the node's default for the config's preset (mainnet 4294967296, testnet 1024): the explorer stats API's `SPACEMESH_LABELS_PER_UNIT` and the frontends' `REACT_APP_LABELS_PER_UNIT`."},
			"stats_api_url":          computed("https URL of the explorer stats API (the entry's `statsAPI`)."),
			"stats_api_host":         computed("Host name of the explorer stats API, for its DNS record."),
			"explorer_api_url":       computed("The entry's `explorerAPI`: the stats API, which serves the explorer."),
			"dash_api_url":           computed("The entry's `dashAPI`: `<stats_api_url>/#dash-<net_id>`. The explorer frontend uses `dashAPI` only as the key that tells networks apart, so it must be unique per network; this one is, and it points at the service the dashboard reads."),
			"allowed_origins": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Every browser origin allowed to call the JSON gateway and the stats API: the network's explorer and dashboard, then `cors_origins` (the stats API's `ALLOWED_ORIGINS`).",
			},
			"api_node_version": computed("The go-spacemesh version the API node's config is rendered for: `node_version`, else the version in `node_release`."),
			"config_sha256":    computed("sha256 of the config document, hex."),
			"api_json_url":     computed("https URL of the JSON gateway."),
			"api_grpc_url":     computed("https URL of the public gRPC API."),
			"explorer_url":     computed("https URL of the explorer."),
			"dash_url":         computed("https URL of the dashboard."),
			"api_host":         computed("Host name of the API, for its DNS record."),
			"explorer_host":    computed("Host name of the explorer, for its DNS record."),
			"dash_host":        computed("Host name of the dashboard, for its DNS record."),
			"api_node_config": computed("The node config the public API node runs with: the network config with only the public gRPC and JSON listeners on 0.0.0.0, " +
				"the private and post listeners on loopback, the TLS listener off, CORS for `allowed_origins`, smeshing off, and only keys `api_node_version` knows. " +
				"A network config that exposes private services is repaired in this copy, with a plan-time warning naming each key changed; only a value that cannot be judged (wrong type, an address that does not parse) is refused."),
			"discovery_entry": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The attributes of this network's `spacemesh_discovery_entry` (its `genesis_id` is `smapp_genesis_id`).",
				Attributes:          entryAttrs,
			},
		},
	}
}

// ModifyPlan derives everything at plan time, fetching config_url when
// config_json is not given, and plans a replacement when the network changed.
func (r *networkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy: nothing to derive
	}
	var plan networkModel
	if !planned(ctx, req.Plan, req.Config, &plan, r.derive, &resp.Diagnostics) {
		return
	}
	if !req.State.Raw.IsNull() {
		var state networkModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if paths, changes := newNetwork(&state, &plan); len(paths) > 0 {
			resp.RequiresReplace = append(resp.RequiresReplace, paths...)
			resp.Diagnostics.AddAttributeWarning(paths[0], summaryNewNetwork,
				"The network's identity changed ("+strings.Join(changes, "; ")+"). "+
					"Everything that depends on this resource (the API node, the explorer, the dashboard and the discovery entry) belongs to the old network and is replaced with it. "+
					"If this is not a new network, the config changed by mistake.")
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// newNetwork compares identities known in both state and plan. The genesis
// and the net id are the network; so is the whole document at config_url
// (a new network republished there), but not an edit of config_json that
// keeps the genesis (bootnodes, poets, ...).
func newNetwork(state, plan *networkModel) (path.Paths, []string) {
	var paths path.Paths
	var changes []string
	differ := func(a, b attr.Value) bool {
		return !a.IsUnknown() && !b.IsUnknown() && !a.IsNull() && !b.IsNull() && !a.Equal(b)
	}
	if differ(state.NetID, plan.NetID) {
		paths = append(paths, path.Root("net_id"))
		changes = append(changes, fmt.Sprintf("net id %d -> %d", state.NetID.ValueInt64(), plan.NetID.ValueInt64()))
	}
	for _, f := range []struct {
		name     string
		old, new types.String
	}{
		{"genesis_time", state.GenesisTime, plan.GenesisTime},
		{"genesis_id", state.GenesisID, plan.GenesisID},
		{"smapp_genesis_id", state.SmappGenesisID, plan.SmappGenesisID},
	} {
		if differ(f.old, f.new) {
			paths = append(paths, path.Root(f.name))
			changes = append(changes, fmt.Sprintf("%s %s -> %s", f.name, f.old.ValueString(), f.new.ValueString()))
		}
	}
	if plan.ConfigJSON.IsNull() && state.ConfigJSON.IsNull() && differ(state.ConfigSHA256, plan.ConfigSHA256) {
		paths = append(paths, path.Root("config_sha256"))
		changes = append(changes, fmt.Sprintf("the document at %s changed: sha256 %s -> %s",
			plan.ConfigURL.ValueString(), state.ConfigSHA256.ValueString(), plan.ConfigSHA256.ValueString()))
	}
	return paths, changes
}

// derive sets m's computed attributes from its inputs, leaving unknown what
// depends on an unknown input. configuredNetID is net_id as written in the
// configuration (null when left out). The steps: the config (given or
// fetched), the identity in it, the service URLs, the API node's config, and
// the discovery entry.
func (r *networkResource) derive(ctx context.Context, m *networkModel, configuredNetID types.Int64) diag.Diagnostics {
	var diags diag.Diagnostics
	m.setUnknown(configuredNetID)
	src := loadNetworkConfig(ctx, m, &diags)
	if diags.HasError() {
		return diags
	}
	if src.cfg != nil {
		if setIdentity(m, src, configuredNetID, &diags); diags.HasError() {
			return diags
		}
	}
	svc := r.setServices(m, &diags)
	if diags.HasError() {
		return diags
	}
	if src.cfg != nil && svc != nil {
		setAPINodeConfig(m, src, svc, &diags)
	}
	diags.Append(m.setDiscoveryEntry()...)
	return diags
}

// setUnknown marks every computed attribute unknown until a step sets it.
func (m *networkModel) setUnknown(configuredNetID types.Int64) {
	for _, p := range []*types.String{&m.ID, &m.GenesisTime, &m.GenesisID, &m.SmappGenesisID, &m.HRP, &m.LayerDuration,
		&m.ConfigSHA256, &m.APIJSONURL, &m.APIGRPCURL, &m.ExplorerURL, &m.DashURL, &m.APIHost, &m.ExplorerHost, &m.DashHost, &m.APINodeConfig,
		&m.StatsAPIURL, &m.StatsAPIHost, &m.DashAPIURL, &m.ExplorerAPIURL, &m.ResolvedNodeVersion} {
		*p = types.StringUnknown()
	}
	m.LayersPerEpoch, m.LabelsPerUnit, m.LayerDurationSeconds = types.Int64Unknown(), types.Int64Unknown(), types.Int64Unknown()
	m.AllowedOrigins = types.ListUnknown(types.StringType)
	m.NetID = configuredNetID
	if configuredNetID.IsNull() {
		m.NetID = types.Int64Unknown()
	}
}

// configSource is the node config and where it came from, for messages.
type configSource struct {
	cfg  *netconf.Config
	path path.Path
	desc string
}

// loadNetworkConfig parses config_json, or fetches config_url when
// config_json is not given. A nil cfg means it is not known yet.
func loadNetworkConfig(ctx context.Context, m *networkModel, diags *diag.Diagnostics) configSource {
	src := configSource{path: path.Root("config_json"), desc: "config_json"}
	var raw []byte
	switch {
	case m.ConfigJSON.IsUnknown():
		return src
	case !m.ConfigJSON.IsNull():
		raw = []byte(m.ConfigJSON.ValueString())
	case m.ConfigURL.IsUnknown():
		src.path = path.Root("config_url")
		return src
	default:
		src.path, src.desc = path.Root("config_url"), "the node config at "+m.ConfigURL.ValueString()
		b, err := netconf.Fetcher{Client: networkConfigClient, Logger: tflogLogger{ctx}}.Fetch(ctx, m.ConfigURL.ValueString())
		if err != nil {
			diags.AddAttributeError(src.path, summaryFetchNodeConfigFailed,
				fmt.Sprintf("%v\nThe config is fetched at plan time because config_json is not set; set config_json to plan without network access.", err))
			return src
		}
		raw = b
	}
	cfg, err := netconf.Parse(raw)
	if err != nil {
		diags.AddAttributeError(src.path, summaryInvalidNodeConfig, fmt.Sprintf("%s: %v", src.desc, err))
		return src
	}
	src.cfg = cfg
	return src
}

// setIdentity derives the network identity from the config.
func setIdentity(m *networkModel, src configSource, configuredNetID types.Int64, diags *diag.Diagnostics) {
	given := configuredNetID.ValueInt64() // 0 when null or unknown
	id, err := src.cfg.Identity(given)
	for _, e := range splitJoined(err) {
		var ne *netconf.NetIDError
		switch {
		case errors.As(e, &ne) && configuredNetID.IsUnknown() && strings.Contains(ne.Msg, "is required"):
			// net_id is still to come; nothing to say yet.
		case errors.As(e, &ne):
			diags.AddAttributeError(path.Root("net_id"), summaryInvalidNetID, ne.Msg)
		default:
			diags.AddAttributeError(src.path, summaryInvalidNodeConfig, fmt.Sprintf("%s: %v", src.desc, e))
		}
	}
	if err != nil {
		return
	}
	m.NetID = types.Int64Value(id.NetID)
	m.GenesisTime = types.StringValue(id.GenesisTimeRaw)
	m.GenesisID = types.StringValue(id.GenesisID)
	m.SmappGenesisID = types.StringValue(id.SmappGenesisID)
	m.HRP = types.StringValue(id.HRP)
	m.LayerDuration = types.StringValue(id.LayerDuration.String())
	m.LayerDurationSeconds = types.Int64Value(int64(id.LayerDuration / time.Second))
	m.LayersPerEpoch = types.Int64Value(id.LayersPerEpoch)
	m.LabelsPerUnit = types.Int64Value(id.LabelsPerUnit)
	m.ConfigSHA256 = types.StringValue(id.ConfigSHA256)
	if gaps := netconf.SmappConfigGaps(src.cfg); len(gaps) > 0 {
		diags.AddAttributeWarning(src.path, summaryNoSmappFallback,
			fmt.Sprintf("%s lacks what Smapp's isNetConfig (smapp shared/types/guards.ts) requires of the config it caches: %s. "+
				"The node fills these from its preset; Smapp does not, so wallets have no fallback when the config URL is unreachable. Publish them in the config.",
				src.desc, strings.Join(gaps, ", ")))
	}
}

// setServices builds the service URLs once the net id, the domain, the
// patterns and the origins are known; nil means not yet.
func (r *networkResource) setServices(m *networkModel, diags *diag.Diagnostics) *netconf.Services {
	if !m.NetID.IsUnknown() {
		m.ID = types.StringValue(strconv.FormatInt(m.NetID.ValueInt64(), 10))
	}
	domain, domainKnown := m.Domain.ValueString(), !m.Domain.IsUnknown()
	if m.Domain.IsNull() {
		domainKnown = r.data != nil
		if r.data != nil {
			domain = r.data.domain
		}
	}
	if m.NetID.IsUnknown() || !domainKnown || !allKnown(m.APIHostPattern, m.ExplorerHostPattern, m.DashHostPattern, m.StatsHostPattern,
		m.APIJSONPort, m.APIGRPCPort, m.CORSOrigins) || !allKnown(m.CORSOrigins.Elements()...) {
		return nil
	}
	var extraOrigins []string
	if !m.CORSOrigins.IsNull() {
		diags.Append(m.CORSOrigins.ElementsAs(context.Background(), &extraOrigins, false)...)
	}
	s, err := netconf.ServiceURLs(netconf.ServiceOptions{
		NetID: m.NetID.ValueInt64(), Domain: domain,
		APIHostPattern: m.APIHostPattern.ValueString(), ExplorerHostPattern: m.ExplorerHostPattern.ValueString(),
		DashHostPattern: m.DashHostPattern.ValueString(), StatsHostPattern: m.StatsHostPattern.ValueString(),
		APIJSONPort: int(m.APIJSONPort.ValueInt64()), APIGRPCPort: int(m.APIGRPCPort.ValueInt64()),
		ExtraOrigins: extraOrigins,
	})
	if err != nil {
		diags.Append(fieldDiag(err, m.Domain.IsNull()))
		return nil
	}
	m.APIHost, m.ExplorerHost, m.DashHost = types.StringValue(s.APIHost), types.StringValue(s.ExplorerHost), types.StringValue(s.DashHost)
	m.StatsAPIHost = types.StringValue(s.StatsHost)
	m.APIJSONURL, m.APIGRPCURL = types.StringValue(s.APIJSONURL), types.StringValue(s.APIGRPCURL)
	m.ExplorerURL, m.DashURL = types.StringValue(s.ExplorerURL), types.StringValue(s.DashURL)
	m.StatsAPIURL, m.ExplorerAPIURL, m.DashAPIURL = types.StringValue(s.StatsAPIURL), types.StringValue(s.ExplorerAPIURL), types.StringValue(s.DashAPIURL)
	origins, d := types.ListValueFrom(context.Background(), types.StringType, s.Origins())
	diags.Append(d...)
	m.AllowedOrigins = origins
	return &s
}

// setAPINodeConfig renders the API node's config for the release it runs,
// warning about every value of the published config it had to change.
func setAPINodeConfig(m *networkModel, src configSource, svc *netconf.Services, diags *diag.Diagnostics) {
	if !allKnown(m.NodeRelease, m.NodeVersion, m.APINodeGRPCPort, m.APINodeJSONPort) {
		return
	}
	version, err := netconf.NodeVersion(m.NodeRelease.ValueString(), m.NodeVersion.ValueString())
	if err != nil {
		diags.Append(fieldDiag(err, false))
		return
	}
	m.ResolvedNodeVersion = types.StringValue(version.String())
	rendered, err := netconf.RenderAPINodeConfig(src.cfg, netconf.RenderOptions{
		NodeVersion: version,
		GRPCPort:    int(m.APINodeGRPCPort.ValueInt64()), JSONPort: int(m.APINodeJSONPort.ValueInt64()),
		CORSOrigins: svc.Origins(),
	})
	var fe *netconf.FieldError
	switch {
	case errors.As(err, &fe):
		diags.Append(fieldDiag(err, m.Domain.IsNull()))
		return
	case err != nil:
		diags.AddAttributeError(src.path, summaryRenderAPINodeFailed, fmt.Sprintf("%s: %v", src.desc, err))
		return
	}
	m.APINodeConfig = types.StringValue(string(rendered.JSON))
	if len(rendered.Repairs) > 0 {
		diags.AddAttributeWarning(src.path, summaryUnsafeNodeConfig,
			fmt.Sprintf("%s exposes what a public node must not. api_node_config changes:\n%s\n"+
				"Every other node that runs the published config as it is exposes the same: fix it at its source.",
				src.desc, bullets(rendered.Repairs)))
	}
	if len(rendered.Dropped) > 0 {
		diags.AddAttributeWarning(src.path, summaryKeysLeftOut,
			fmt.Sprintf("go-spacemesh %s refuses to start on config keys it does not know (from v1.4.0), so api_node_config leaves out:\n%s",
				version, bullets(rendered.Dropped)))
	}
	for _, n := range rendered.Notes {
		diags.AddAttributeWarning(path.Root("node_release"), summaryReleaseLimitReached, n)
	}
}

func bullets(changes []netconf.Change) string {
	lines := make([]string, len(changes))
	for i, c := range changes {
		lines[i] = "  - " + c.String()
	}
	return strings.Join(lines, "\n")
}

// setDiscoveryEntry fills the object a module passes to
// spacemesh_discovery_entry, one attribute per line.
func (m *networkModel) setDiscoveryEntry() diag.Diagnostics {
	entry := map[string]attr.Value{
		"net_id":                  m.NetID,
		"net_name":                m.Name,
		"conf":                    m.ConfigURL,
		"api_json":                m.APIJSONURL,
		"api_grpc":                m.APIGRPCURL,
		"explorer":                m.ExplorerURL,
		"dash":                    m.DashURL,
		"min_node_release":        m.MinNodeRelease,
		"latest_node_release":     m.LatestNodeRelease,
		"min_smapp_release":       m.MinSmappRelease,
		"latest_smapp_release":    m.LatestSmappRelease,
		"smapp_base_download_url": m.SmappBaseDownloadURL,
		"node_base_download_url":  m.NodeBaseDownloadURL,
		"genesis_id":              m.SmappGenesisID,
		"stats_api":               m.StatsAPIURL,
		"dash_api":                m.DashAPIURL,
		"explorer_api":            m.ExplorerAPIURL,
	}
	obj, diags := types.ObjectValue(discoveryEntryAttrs, entry)
	m.DiscoveryEntry = obj
	return diags
}

// fieldDiag points a netconf.FieldError at its attribute.
func fieldDiag(err error, domainFromProvider bool) diag.Diagnostic {
	var fe *netconf.FieldError
	if !errors.As(err, &fe) {
		return diag.NewErrorDiagnostic(summaryInvalidNetwork, err.Error())
	}
	msg := fe.Error()
	if fe.Field == netconf.FieldDomain && domainFromProvider {
		msg += " (the domain comes from the provider's domain or SPACEMESH_DOMAIN)"
	}
	return diag.NewAttributeErrorDiagnostic(path.Root(fe.Field), summaryInvalidField(fe.Field), msg)
}

func allKnown(vs ...attr.Value) bool {
	for _, v := range vs {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// splitJoined undoes errors.Join, so each problem gets its own diagnostic.
func splitJoined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// hasUnknown tells whether derive left something for apply time.
func (m *networkModel) hasUnknown() bool {
	return !allKnown(m.ID, m.NetID, m.GenesisTime, m.GenesisID, m.SmappGenesisID, m.HRP, m.LayerDuration, m.LayersPerEpoch,
		m.ConfigSHA256, m.APIJSONURL, m.APIGRPCURL, m.ExplorerURL, m.DashURL, m.APIHost, m.ExplorerHost, m.DashHost,
		m.APINodeConfig, m.DiscoveryEntry, m.StatsAPIURL, m.StatsAPIHost, m.DashAPIURL, m.ExplorerAPIURL, m.LabelsPerUnit,
		m.LayerDurationSeconds, m.AllowedOrigins, m.ResolvedNodeVersion) || !allKnown(objectValues(m.DiscoveryEntry)...)
}

func objectValues(o types.Object) []attr.Value {
	var vs []attr.Value
	for _, v := range o.Attributes() {
		vs = append(vs, v)
	}
	return vs
}

// planned reads the plan into m and completes it with step (derive at plan
// time, apply at apply time), which takes net_id as the configuration has
// it; false when it reported an error.
func planned(ctx context.Context, p tfsdk.Plan, config tfsdk.Config, m *networkModel,
	step func(context.Context, *networkModel, types.Int64) diag.Diagnostics, diags *diag.Diagnostics) bool {
	var configuredNetID types.Int64
	diags.Append(p.Get(ctx, m)...)
	diags.Append(config.GetAttribute(ctx, path.Root("net_id"), &configuredNetID)...)
	if diags.HasError() {
		return false
	}
	diags.Append(step(ctx, m, configuredNetID)...)
	return !diags.HasError()
}

// apply stores the plan, deriving at apply time only what the plan could not
// know: values known at plan time are never recomputed, so that apply
// produces exactly what was planned.
func (r *networkResource) apply(ctx context.Context, plan *networkModel, configuredNetID types.Int64) diag.Diagnostics {
	if !plan.hasUnknown() {
		return nil
	}
	return r.derive(ctx, plan, configuredNetID)
}

func (r *networkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan networkModel
	if planned(ctx, req.Plan, req.Config, &plan, r.apply, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// Read keeps the state: the resource is derived from its inputs, and a
// changed document at config_url is found by ModifyPlan, which fetches it on
// every plan.
func (r *networkResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *networkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state networkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !planned(ctx, req.Plan, req.Config, &plan, r.apply, &resp.Diagnostics) {
		return
	}
	// The identity was unknown at plan time (config_json from another
	// resource), so no replacement could be planned.
	if paths, changes := newNetwork(&state, &plan); len(paths) > 0 {
		resp.Diagnostics.AddAttributeWarning(paths[0], summaryIdentityChanged,
			"The identity was not known at plan time, so no replacement could be planned ("+strings.Join(changes, "; ")+"). "+
				"Resources that depend on this network still describe the old one: replace them (terraform apply -replace=...).")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete has nothing to remove: the resource owns no remote object.
func (r *networkResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
