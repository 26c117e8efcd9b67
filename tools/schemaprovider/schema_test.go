package main

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func useSchema(t *testing.T, file string) {
	t.Helper()
	old := schemaFile
	schemaFile = file
	t.Cleanup(func() { schemaFile = old })
}

func TestEmbeddedSchemaNeedsAChoice(t *testing.T) {
	useSchema(t, "")
	if _, err := embeddedSchema(); err == nil || !strings.Contains(err.Error(), "choose one") {
		t.Fatalf("with several schemas embedded and none chosen, want an error, got %v", err)
	}
}

func TestEmbeddedHTTPSchema(t *testing.T) {
	useSchema(t, "hashicorp-http-3.5.0.json")
	ps, err := embeddedSchema()
	if err != nil {
		t.Fatal(err)
	}
	if ps.Address != "registry.terraform.io/hashicorp/http" {
		t.Fatalf("address %q", ps.Address)
	}
	ds := ps.DataSources["http"]
	if ds == nil {
		t.Fatal("no http data source")
	}
	got := map[string]bool{}
	for _, a := range ds.Block.Attributes {
		got[a.Name] = true
	}
	for _, want := range []string{"url", "method", "request_headers", "request_body", "status_code", "response_body"} {
		if !got[want] {
			t.Errorf("http data source lacks %s", want)
		}
	}
	if len(ds.Block.BlockTypes) != 1 || ds.Block.BlockTypes[0].TypeName != "retry" {
		t.Errorf("http data source should have one retry block, got %+v", ds.Block.BlockTypes)
	}
}

func TestEmbeddedCloudflareSchema(t *testing.T) {
	useSchema(t, "cloudflare-cloudflare-5.24.0.json.gz")
	ps, err := embeddedSchema()
	if err != nil {
		t.Fatal(err)
	}
	if ps.Address != "registry.terraform.io/cloudflare/cloudflare" {
		t.Fatalf("address %q", ps.Address)
	}
	rec, ok := ps.Resources["cloudflare_dns_record"]
	if !ok {
		t.Fatal("no cloudflare_dns_record")
	}
	if _, ok := ps.Resources["cloudflare_record"]; ok {
		t.Fatal("cloudflare_record is a v4 name; the recorded schema must be v5")
	}
	attrs := map[string]*tfprotov6.SchemaAttribute{}
	for _, a := range rec.Block.Attributes {
		attrs[a.Name] = a
	}
	for name, want := range map[string]struct {
		required, optional, computed bool
		typ                          tftypes.Type
	}{
		"zone_id": {required: true, typ: tftypes.String},
		"name":    {required: true, typ: tftypes.String},
		"type":    {required: true, typ: tftypes.String},
		"ttl":     {required: true, typ: tftypes.Number},
		"content": {optional: true, computed: true, typ: tftypes.String},
		"proxied": {optional: true, computed: true, typ: tftypes.Bool},
		"id":      {computed: true, typ: tftypes.String},
	} {
		a, ok := attrs[name]
		if !ok {
			t.Errorf("cloudflare_dns_record.%s missing", name)
			continue
		}
		if a.Required != want.required || a.Optional != want.optional || a.Computed != want.computed {
			t.Errorf("cloudflare_dns_record.%s: required=%v optional=%v computed=%v, want %+v", name, a.Required, a.Optional, a.Computed, want)
		}
		if !a.Type.Equal(want.typ) {
			t.Errorf("cloudflare_dns_record.%s: type %v, want %v", name, a.Type, want.typ)
		}
	}
	data := attrs["data"]
	if data == nil || data.NestedType == nil || data.NestedType.Nesting != tfprotov6.SchemaObjectNestingModeSingle {
		t.Errorf("cloudflare_dns_record.data should be a single nested attribute, got %+v", data)
	}
	for _, a := range ps.Provider.Block.Attributes {
		if a.Name == "api_token" && !a.Sensitive {
			t.Error("provider api_token should be sensitive")
		}
	}
}

func TestParseType(t *testing.T) {
	for in, want := range map[string]tftypes.Type{
		`"string"`:                    tftypes.String,
		`"dynamic"`:                   tftypes.DynamicPseudoType,
		`["list","number"]`:           tftypes.List{ElementType: tftypes.Number},
		`["set",["map","bool"]]`:      tftypes.Set{ElementType: tftypes.Map{ElementType: tftypes.Bool}},
		`["tuple",["string","bool"]]`: tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}},
		`["object",{"a":"string","b":"number"},["b"]]`: tftypes.Object{
			AttributeTypes:     map[string]tftypes.Type{"a": tftypes.String, "b": tftypes.Number},
			OptionalAttributes: map[string]struct{}{"b": {}},
		},
	} {
		got, err := parseType([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if !got.Equal(want) {
			t.Errorf("%s: got %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{``, `"strin"`, `["list"]`, `["frob","string"]`, `{}`} {
		if _, err := parseType([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestServerRefusesRealWork(t *testing.T) {
	ps, err := loadSchema(strings.NewReader(`{"format_version":"1.0","provider_schemas":{"example.com/x/y":{
		"provider":{"version":0,"block":{"attributes":{"token":{"type":"string","optional":true,"sensitive":true}}}},
		"resource_schemas":{"y_thing":{"version":1,"block":{"attributes":{"id":{"type":"string","computed":true}},
		  "block_types":{"rule":{"nesting_mode":"list","block":{"attributes":{"n":{"type":"number","required":true}}},"max_items":3}}}}}}}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(ps)
	ctx := context.Background()
	sch, _ := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	r := sch.ResourceSchemas["y_thing"]
	if r == nil || r.Version != 1 || len(r.Block.BlockTypes) != 1 || r.Block.BlockTypes[0].MaxItems != 3 ||
		r.Block.BlockTypes[0].Nesting != tfprotov6.SchemaNestedBlockNestingModeList {
		t.Fatalf("y_thing schema not converted: %+v", r)
	}
	if v, _ := s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "y_thing"}); len(v.Diagnostics) != 0 {
		t.Errorf("validate: %v", v.Diagnostics)
	}
	p, _ := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "y_thing"})
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Errorf("plan must be refused, got %v", p.Diagnostics)
	}
	c, _ := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{})
	if len(c.Diagnostics) != 1 {
		t.Errorf("configure must be refused, got %v", c.Diagnostics)
	}
}
