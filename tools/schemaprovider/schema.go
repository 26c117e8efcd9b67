package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The JSON shapes below are those of `terraform providers schema -json` (format_version 1.0).

type jsonSchemas struct {
	FormatVersion   string                         `json:"format_version"`
	ProviderSchemas map[string]*jsonProviderSchema `json:"provider_schemas"`
}

type jsonProviderSchema struct {
	Provider                 *jsonSchema             `json:"provider"`
	ResourceSchemas          map[string]*jsonSchema  `json:"resource_schemas"`
	DataSourceSchemas        map[string]*jsonSchema  `json:"data_source_schemas"`
	EphemeralResourceSchemas map[string]*jsonSchema  `json:"ephemeral_resource_schemas"`
	Functions                map[string]jsonFunction `json:"functions"`
}

type jsonSchema struct {
	Version int64      `json:"version"`
	Block   *jsonBlock `json:"block"`
}

type jsonBlock struct {
	Attributes      map[string]*jsonAttribute `json:"attributes"`
	BlockTypes      map[string]*jsonBlockType `json:"block_types"`
	Description     string                    `json:"description"`
	DescriptionKind string                    `json:"description_kind"`
	Deprecated      bool                      `json:"deprecated"`
}

type jsonAttribute struct {
	Type            json.RawMessage `json:"type"`
	NestedType      *jsonNestedType `json:"nested_type"`
	Description     string          `json:"description"`
	DescriptionKind string          `json:"description_kind"`
	Deprecated      bool            `json:"deprecated"`
	Required        bool            `json:"required"`
	Optional        bool            `json:"optional"`
	Computed        bool            `json:"computed"`
	Sensitive       bool            `json:"sensitive"`
	WriteOnly       bool            `json:"write_only"`
}

type jsonNestedType struct {
	Attributes  map[string]*jsonAttribute `json:"attributes"`
	NestingMode string                    `json:"nesting_mode"`
}

type jsonBlockType struct {
	NestingMode string     `json:"nesting_mode"`
	Block       *jsonBlock `json:"block"`
	MinItems    int64      `json:"min_items"`
	MaxItems    int64      `json:"max_items"`
}

type jsonFunction struct {
	Description        string              `json:"description"`
	Summary            string              `json:"summary"`
	DeprecationMessage string              `json:"deprecation_message"`
	ReturnType         json.RawMessage     `json:"return_type"`
	Parameters         []jsonFunctionParam `json:"parameters"`
	VariadicParameter  *jsonFunctionParam  `json:"variadic_parameter"`
}

type jsonFunctionParam struct {
	Name               string          `json:"name"`
	Description        string          `json:"description"`
	IsNullable         bool            `json:"is_nullable"`
	AllowUnknownValues bool            `json:"allow_unknown_values"`
	Type               json.RawMessage `json:"type"`
}

// providerSchema is one provider's schema converted to the protocol's types.
type providerSchema struct {
	Address            string
	Provider           *tfprotov6.Schema
	Resources          map[string]*tfprotov6.Schema
	DataSources        map[string]*tfprotov6.Schema
	EphemeralResources map[string]*tfprotov6.Schema
	Functions          map[string]*tfprotov6.Function
}

// loadSchema reads a (optionally gzip-compressed) `terraform providers schema -json` document and
// returns the schema of the provider at address; an empty address is allowed when the document
// holds exactly one provider.
func loadSchema(r io.Reader, address string) (*providerSchema, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
	}
	var doc jsonSchemas
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("not a `terraform providers schema -json` document: %w", err)
	}
	if address == "" {
		if len(doc.ProviderSchemas) != 1 {
			return nil, fmt.Errorf("the document holds %d providers; name one", len(doc.ProviderSchemas))
		}
		for a := range doc.ProviderSchemas {
			address = a
		}
	}
	js, ok := doc.ProviderSchemas[address]
	if !ok {
		return nil, fmt.Errorf("the document holds no schema for %q", address)
	}
	ps := &providerSchema{
		Address:            address,
		Resources:          map[string]*tfprotov6.Schema{},
		DataSources:        map[string]*tfprotov6.Schema{},
		EphemeralResources: map[string]*tfprotov6.Schema{},
		Functions:          map[string]*tfprotov6.Function{},
	}
	if js.Provider != nil {
		if ps.Provider, err = convertSchema(js.Provider); err != nil {
			return nil, fmt.Errorf("provider: %w", err)
		}
	} else {
		ps.Provider = &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{}}
	}
	for _, set := range []struct {
		in   map[string]*jsonSchema
		out  map[string]*tfprotov6.Schema
		kind string
	}{
		{js.ResourceSchemas, ps.Resources, "resource"},
		{js.DataSourceSchemas, ps.DataSources, "data source"},
		{js.EphemeralResourceSchemas, ps.EphemeralResources, "ephemeral resource"},
	} {
		for name, s := range set.in {
			c, err := convertSchema(s)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", set.kind, name, err)
			}
			set.out[name] = c
		}
	}
	for name, f := range js.Functions {
		c, err := convertFunction(f)
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", name, err)
		}
		ps.Functions[name] = c
	}
	return ps, nil
}

func convertSchema(s *jsonSchema) (*tfprotov6.Schema, error) {
	if s.Block == nil {
		return &tfprotov6.Schema{Version: s.Version, Block: &tfprotov6.SchemaBlock{}}, nil
	}
	b, err := convertBlock(s.Block)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.Schema{Version: s.Version, Block: b}, nil
}

func convertBlock(b *jsonBlock) (*tfprotov6.SchemaBlock, error) {
	out := &tfprotov6.SchemaBlock{
		Description:     b.Description,
		DescriptionKind: stringKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	var err error
	if out.Attributes, err = convertAttributes(b.Attributes); err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(b.BlockTypes) {
		bt := b.BlockTypes[name]
		nesting, err := blockNesting(bt.NestingMode)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		inner := &tfprotov6.SchemaBlock{}
		if bt.Block != nil {
			if inner, err = convertBlock(bt.Block); err != nil {
				return nil, fmt.Errorf("block %s: %w", name, err)
			}
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov6.SchemaNestedBlock{
			TypeName: name,
			Block:    inner,
			Nesting:  nesting,
			MinItems: bt.MinItems,
			MaxItems: bt.MaxItems,
		})
	}
	return out, nil
}

func convertAttributes(in map[string]*jsonAttribute) ([]*tfprotov6.SchemaAttribute, error) {
	var out []*tfprotov6.SchemaAttribute
	for _, name := range sortedKeys(in) {
		a := in[name]
		attr := &tfprotov6.SchemaAttribute{
			Name:            name,
			Description:     a.Description,
			DescriptionKind: stringKind(a.DescriptionKind),
			Deprecated:      a.Deprecated,
			Required:        a.Required,
			Optional:        a.Optional,
			Computed:        a.Computed,
			Sensitive:       a.Sensitive,
			WriteOnly:       a.WriteOnly,
		}
		switch {
		case a.NestedType != nil:
			nesting, err := objectNesting(a.NestedType.NestingMode)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", name, err)
			}
			attrs, err := convertAttributes(a.NestedType.Attributes)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", name, err)
			}
			attr.NestedType = &tfprotov6.SchemaObject{Attributes: attrs, Nesting: nesting}
		case len(a.Type) > 0:
			t, err := parseType(a.Type)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: type: %w", name, err)
			}
			attr.Type = t
		default:
			return nil, fmt.Errorf("attribute %s has neither type nor nested_type", name)
		}
		out = append(out, attr)
	}
	return out, nil
}

func convertFunction(f jsonFunction) (*tfprotov6.Function, error) {
	out := &tfprotov6.Function{
		Summary:            f.Summary,
		Description:        f.Description,
		DescriptionKind:    tfprotov6.StringKindPlain,
		DeprecationMessage: f.DeprecationMessage,
	}
	rt, err := parseType(f.ReturnType)
	if err != nil {
		return nil, fmt.Errorf("return type: %w", err)
	}
	out.Return = &tfprotov6.FunctionReturn{Type: rt}
	conv := func(p jsonFunctionParam) (*tfprotov6.FunctionParameter, error) {
		t, err := parseType(p.Type)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		return &tfprotov6.FunctionParameter{
			Name:               p.Name,
			Description:        p.Description,
			DescriptionKind:    tfprotov6.StringKindPlain,
			AllowNullValue:     p.IsNullable,
			AllowUnknownValues: p.AllowUnknownValues,
			Type:               t,
		}, nil
	}
	for _, p := range f.Parameters {
		c, err := conv(p)
		if err != nil {
			return nil, err
		}
		out.Parameters = append(out.Parameters, c)
	}
	if f.VariadicParameter != nil {
		if out.VariadicParameter, err = conv(*f.VariadicParameter); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func stringKind(s string) tfprotov6.StringKind {
	if s == "markdown" {
		return tfprotov6.StringKindMarkdown
	}
	return tfprotov6.StringKindPlain
}

func blockNesting(s string) (tfprotov6.SchemaNestedBlockNestingMode, error) {
	switch s {
	case "single":
		return tfprotov6.SchemaNestedBlockNestingModeSingle, nil
	case "list":
		return tfprotov6.SchemaNestedBlockNestingModeList, nil
	case "set":
		return tfprotov6.SchemaNestedBlockNestingModeSet, nil
	case "map":
		return tfprotov6.SchemaNestedBlockNestingModeMap, nil
	case "group":
		return tfprotov6.SchemaNestedBlockNestingModeGroup, nil
	}
	return tfprotov6.SchemaNestedBlockNestingModeInvalid, fmt.Errorf("unknown block nesting mode %q", s)
}

func objectNesting(s string) (tfprotov6.SchemaObjectNestingMode, error) {
	switch s {
	case "single":
		return tfprotov6.SchemaObjectNestingModeSingle, nil
	case "list":
		return tfprotov6.SchemaObjectNestingModeList, nil
	case "set":
		return tfprotov6.SchemaObjectNestingModeSet, nil
	case "map":
		return tfprotov6.SchemaObjectNestingModeMap, nil
	}
	return tfprotov6.SchemaObjectNestingModeInvalid, fmt.Errorf("unknown attribute nesting mode %q", s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
