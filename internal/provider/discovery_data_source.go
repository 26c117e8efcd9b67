package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
)

var _ datasource.DataSourceWithConfigure = &discoveryDataSource{}

// NewDiscoveryDataSource is the spacemesh_discovery data source.
func NewDiscoveryDataSource() datasource.DataSource { return &discoveryDataSource{} }

type discoveryDataSource struct {
	data *providerData
}

type discoveryDataSourceModel struct {
	DiscoveryURL         types.String `tfsdk:"discovery_url"`
	EmptyIfBucketMissing types.Bool   `tfsdk:"empty_if_bucket_missing"`
	ID                   types.String `tfsdk:"id"`
	Exists               types.Bool   `tfsdk:"exists"`
	NetIDs               types.List   `tfsdk:"net_ids"`
	Entries              types.List   `tfsdk:"entries"`
	JSON                 types.String `tfsdk:"json"`
}

// entryObjectType is one element of entries: the resource's attributes.
func entryObjectType() types.ObjectType {
	attrTypes := map[string]attr.Type{
		"net_id": types.Int64Type,
		"extra":  types.MapType{ElemType: types.StringType},
	}
	for _, a := range entryAttrs {
		attrTypes[a.name] = types.StringType
	}
	return types.ObjectType{AttrTypes: attrTypes}
}

func (d *discoveryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_discovery"
}

func (d *discoveryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	entryAttributes := map[string]schema.Attribute{
		"net_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "The network id."},
		"extra":  schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Keys the provider does not model, as strings (other JSON values as their JSON text)."},
	}
	for _, a := range entryAttrs {
		entryAttributes[a.name] = schema.StringAttribute{Computed: true, MarkdownDescription: a.desc + " Empty when the entry lacks it."}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the whole discovery document: for `check` blocks, and for workspaces that need other networks' entries.",
		Attributes: map[string]schema.Attribute{
			"discovery_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The document to read, when not the provider's `discovery_url`.",
				Validators:          []validator.String{documentURLValidator()},
			},
			"empty_if_bucket_missing": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Read a `gs://` bucket that does not exist as an absent document (no entries) instead of failing. " +
					"For a configuration that creates the bucket in the same apply that first reads it (the first plan of a new workspace). " +
					"Off by default: a bucket name with a typo would otherwise read as no networks.",
			},
			"id":      schema.StringAttribute{Computed: true, MarkdownDescription: "The document's URL."},
			"exists":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the document exists. An absent document reads as no entries."},
			"net_ids": schema.ListAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: "The entries' net ids, in document order (frontends take the first as their default)."},
			"entries": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every entry, in document order.",
				NestedObject:        schema.NestedAttributeObject{Attributes: entryAttributes},
			},
			"json": schema.StringAttribute{Computed: true, MarkdownDescription: "The document as the provider encodes it (`[]` when absent)."},
		},
	}
}

func (d *discoveryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *discoveryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg discoveryDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	docURL, ok := d.data.documentFor(cfg.DiscoveryURL, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, operationTimeout)
	defer cancel()
	doc, err := d.data.readDocument(ctx, docURL)
	var missing *store.BucketMissingError
	if errors.As(err, &missing) && cfg.EmptyIfBucketMissing.ValueBool() {
		doc, err = nil, nil
	}
	if err != nil {
		resp.Diagnostics.AddError(summaryReadDocumentFailed, err.Error())
		return
	}
	cfg.ID = types.StringValue(docURL)
	cfg.Exists = types.BoolValue(doc != nil)
	if doc == nil {
		doc = discovery.New(d.data.format)
	}
	cfg.JSON = types.StringValue(string(doc.Encode()))

	entries := []attr.Value{}
	objType := entryObjectType()
	for _, e := range doc.Entries() {
		values := map[string]attr.Value{"net_id": types.Int64Value(e.NetID)}
		for _, a := range entryAttrs {
			values[a.name] = types.StringValue(e.Get(a.field))
		}
		extra := map[string]attr.Value{}
		for k, v := range e.Extra {
			extra[k] = types.StringValue(v)
		}
		values["extra"] = types.MapValueMust(types.StringType, extra)
		obj, diags := types.ObjectValue(objType.AttrTypes, values)
		resp.Diagnostics.Append(diags...)
		entries = append(entries, obj)
	}
	ids, diags := types.ListValueFrom(ctx, types.Int64Type, doc.NetIDs())
	resp.Diagnostics.Append(diags...)
	cfg.NetIDs = ids
	cfg.Entries = types.ListValueMust(objType, entries)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
