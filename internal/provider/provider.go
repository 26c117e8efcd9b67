// Package provider is the Terraform glue of the spacemesh provider: schemas,
// plan-time validation and CRUD that call the internal packages.
package provider

import (
	"context"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/cdn"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
)

var _ provider.Provider = &spacemeshProvider{}

type spacemeshProvider struct {
	version string
}

// New returns a constructor of the provider at version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &spacemeshProvider{version: version} }
}

type providerModel struct {
	DiscoveryURL          types.String `tfsdk:"discovery_url"`
	DiscoveryFormat       types.String `tfsdk:"discovery_format"`
	DiscoveryCacheControl types.String `tfsdk:"discovery_cache_control"`
	CoalesceRequests      types.Bool   `tfsdk:"coalesce_requests"`
	Domain                types.String `tfsdk:"domain"`
	GoogleCredentials     types.String `tfsdk:"google_credentials"`
	GoogleAccessToken     types.String `tfsdk:"google_access_token"`
	StorageEndpoint       types.String `tfsdk:"storage_endpoint"`
	CloudflareAPIToken    types.String `tfsdk:"cloudflare_api_token"`
	CloudflareZoneID      types.String `tfsdk:"cloudflare_zone_id"`
	CloudflareBaseURL     types.String `tfsdk:"cloudflare_base_url"`
	DiscoveryPublicURLs   types.List   `tfsdk:"discovery_public_urls"`
	DiscoveryViews        types.Bool   `tfsdk:"discovery_views"`
}

func (p *spacemeshProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "spacemesh"
	resp.Version = p.version
}

func (p *spacemeshProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	formats := make([]string, len(discovery.Formats))
	for i, f := range discovery.Formats {
		formats[i] = string(f)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Spacemesh networks' public web services: each network's identity and service URLs, and its entry in the shared discovery document that Smapp and the web frontends read.",
		Attributes: map[string]schema.Attribute{
			"discovery_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Where the discovery document lives: `gs://BUCKET/OBJECT` or `file:///ABSOLUTE/PATH`. May also be set with `SPACEMESH_DISCOVERY_URL`. Resources may override it.",
				Validators:          []validator.String{documentURLValidator()},
			},
			"discovery_format": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Wire dialect of the document: `smapp` (default: the keys Spacemesh's released clients parse: Smapp, smcli, the explorer and dashboard frontends; `netID` a number, every other value a string) or `mission` (the keys of the web-services spec, which no released client reads).",
				Validators:          []validator.String{stringvalidator.OneOf(formats...)},
			},
			"discovery_cache_control": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`Cache-Control` written on the GCS object (default `" + store.DefaultCacheControl + "`). Keep it short: GCS otherwise lets caches keep a public object for an hour.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"discovery_views": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Also keep the web frontends' network lists beside every document this provider writes (default `false`): " +
					"`views/<document name less .json>/networks.json` (every network, in document order) and `views/<name>/<net_id>/networks.json` " +
					"(that network first, where the explorer and the dashboard open), in the `smapp` dialect whatever `discovery_format` is, " +
					"with the document's `Cache-Control`. They are rewritten after every write of the document, in the same apply, so a network " +
					"leaves them with its entry; the list of a network no longer in the document lists the others. " +
					"`modules/static-web` serves them at `/networks.json`.",
			},
			"coalesce_requests": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Batch concurrent entry changes into one compare-and-swap write per round and let concurrent reads share one GET (default `true`). Turn off only to compare against one request per entry.",
			},
			"domain": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The DNS domain the networks' service names live under, e.g. `spacemesh.io`. May also be set with `SPACEMESH_DOMAIN`.",
				Validators:          []validator.String{hostnameValidator()},
			},
			"google_credentials": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Contents of a Google credentials JSON file. Default: Application Default Credentials. May also be set with `GOOGLE_CREDENTIALS`.",
			},
			"google_access_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "A Google OAuth2 access token, used as it is. May also be set with `GOOGLE_OAUTH_ACCESS_TOKEN`.",
			},
			"cloudflare_api_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Cloudflare API token with the Zone > Cache Purge permission, used to purge `discovery_public_urls` after every write of the document. May also be set with `CLOUDFLARE_API_TOKEN`.",
			},
			"cloudflare_zone_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Id of the Cloudflare zone that serves `discovery_public_urls`. Setting it turns the purge on.",
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("discovery_public_urls"))},
			},
			"discovery_public_urls": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "The https URLs clients fetch the provider's document (`discovery_url`) from (e.g. `https://discover.spacemesh.io/`), purged from Cloudflare's cache after every write of that document. A failed purge is a warning: the write has landed, and caches may serve the old document until its max-age passes.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(httpsURLValidator()),
					listvalidator.AlsoRequires(path.MatchRoot("cloudflare_zone_id")),
				},
			},
			"cloudflare_base_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Cloudflare API base URL (default `https://api.cloudflare.com/client/v4/`; env `CLOUDFLARE_BASE_URL`). For tests against a local server.",
			},
			"storage_endpoint": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Cloud Storage JSON API endpoint, for emulators, e.g. `http://127.0.0.1:4443/storage/v1/`. An `http://` endpoint is used without credentials, even when `google_credentials`, `google_access_token` or their environment variables are set (a token would cross the network in clear text). `STORAGE_EMULATOR_HOST` is honoured too.",
			},
		},
	}
}

func (p *spacemeshProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := p.newProviderData(&cfg)
	for _, step := range []func(*providerModel, *diag.Diagnostics){
		data.configureDocument, data.configureDomain, data.configurePurge, data.configureGoogleCredentials,
	} {
		if step(&cfg, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
	}
	resp.DataSourceData = data
	resp.ResourceData = data
}

// newProviderData is what needs no checking: defaults and attributes as
// they are (the schema has validated them).
func (p *spacemeshProvider) newProviderData(cfg *providerModel) *providerData {
	data := &providerData{
		format:   discovery.FormatSmapp,
		coalesce: cfg.CoalesceRequests.IsNull() || cfg.CoalesceRequests.ValueBool(),
		views:    cfg.DiscoveryViews.ValueBool(),
		gcs: store.GCSConfig{
			CredentialsJSON: stringOrEnv(cfg.GoogleCredentials, "GOOGLE_CREDENTIALS"),
			AccessToken:     stringOrEnv(cfg.GoogleAccessToken, "GOOGLE_OAUTH_ACCESS_TOKEN"),
			Endpoint:        cfg.StorageEndpoint.ValueString(),
			UserAgent:       "terraform-provider-spacemesh/" + p.version,
		},
		cacheControl: cfg.DiscoveryCacheControl.ValueString(),
		syncers:      map[string]*store.Syncer{},
	}
	if f := cfg.DiscoveryFormat.ValueString(); f != "" {
		data.format = discovery.Format(f)
	}
	return data
}

// configureDocument sets the provider's document, from discovery_url or
// SPACEMESH_DISCOVERY_URL (which no schema validator sees).
func (d *providerData) configureDocument(cfg *providerModel, diags *diag.Diagnostics) {
	u := stringOrEnv(cfg.DiscoveryURL, "SPACEMESH_DISCOVERY_URL")
	if u == "" {
		return
	}
	loc, err := store.ParseURL(u)
	if err != nil {
		detail := err.Error()
		if cfg.DiscoveryURL.IsNull() {
			detail = "SPACEMESH_DISCOVERY_URL: " + detail
		}
		diags.AddAttributeError(path.Root("discovery_url"), summaryInvalidDocumentURL, detail)
		return
	}
	d.discoveryURL = loc.String()
}

// configureDomain sets the domain, checking SPACEMESH_DOMAIN as the schema
// checks the attribute.
func (d *providerData) configureDomain(cfg *providerModel, diags *diag.Diagnostics) {
	d.domain = stringOrEnv(cfg.Domain, "SPACEMESH_DOMAIN")
	if d.domain != "" && cfg.Domain.IsNull() {
		if err := discovery.CheckHostname(d.domain); err != nil {
			diags.AddAttributeError(path.Root("domain"), summaryInvalidDomain, "SPACEMESH_DOMAIN: "+err.Error())
		}
	}
}

// configurePurge sets up the Cloudflare cache purge when a zone is given.
func (d *providerData) configurePurge(cfg *providerModel, diags *diag.Diagnostics) {
	if cfg.CloudflareZoneID.IsNull() {
		return
	}
	token := stringOrEnv(cfg.CloudflareAPIToken, "CLOUDFLARE_API_TOKEN")
	if token == "" {
		diags.AddAttributeError(path.Root("cloudflare_api_token"), summaryMissingCloudflareToken,
			"cloudflare_zone_id is set, so the provider purges discovery_public_urls after every write: set cloudflare_api_token or CLOUDFLARE_API_TOKEN (a token with Zone > Cache Purge).")
		return
	}
	purger, err := cdn.NewPurger(cdn.Config{
		APIToken: token,
		ZoneID:   cfg.CloudflareZoneID.ValueString(),
		BaseURL:  cfg.CloudflareBaseURL.ValueString(),
	})
	if err != nil {
		diags.AddAttributeError(path.Root("cloudflare_zone_id"), summaryInvalidCloudflare, err.Error())
		return
	}
	diags.Append(cfg.DiscoveryPublicURLs.ElementsAs(context.Background(), &d.publicURLs, false)...)
	d.purger = purger
}

// configureGoogleCredentials reads GOOGLE_CREDENTIALS from the file it
// names, as the google provider does, when it is not a JSON document.
func (d *providerData) configureGoogleCredentials(_ *providerModel, diags *diag.Diagnostics) {
	creds := d.gcs.CredentialsJSON
	if creds == "" || strings.HasPrefix(strings.TrimSpace(creds), "{") {
		return
	}
	b, err := os.ReadFile(creds)
	if err != nil {
		diags.AddAttributeError(path.Root("google_credentials"), summaryReadCredentialsFailed,
			"google_credentials (or GOOGLE_CREDENTIALS) is neither a JSON credentials document nor a readable file.")
		return
	}
	d.gcs.CredentialsJSON = string(b)
}

// stringOrEnv is the attribute's value, else the environment variable's.
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func (p *spacemeshProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewDiscoveryEntryResource,
		NewNetworkResource,
	}
}

func (p *spacemeshProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewDiscoveryDataSource,
	}
}
