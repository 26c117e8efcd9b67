package main

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// parseType reads a type in Terraform's JSON type notation ("string", ["list","number"],
// ["object",{"a":"bool"}], ["object",{...},["optional attr"]], ["tuple",[...]], "dynamic").
func parseType(raw json.RawMessage) (tftypes.Type, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("missing type")
	}
	var prim string
	if err := json.Unmarshal(raw, &prim); err == nil {
		switch prim {
		case "string":
			return tftypes.String, nil
		case "number":
			return tftypes.Number, nil
		case "bool":
			return tftypes.Bool, nil
		case "dynamic":
			return tftypes.DynamicPseudoType, nil
		}
		return nil, fmt.Errorf("unknown primitive type %q", prim)
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) < 2 {
		return nil, fmt.Errorf("type %s is neither a primitive nor [kind, element]", string(raw))
	}
	var kind string
	if err := json.Unmarshal(parts[0], &kind); err != nil {
		return nil, fmt.Errorf("type %s: kind is not a string", string(raw))
	}
	switch kind {
	case "list", "set", "map":
		elem, err := parseType(parts[1])
		if err != nil {
			return nil, fmt.Errorf("%s element: %w", kind, err)
		}
		switch kind {
		case "list":
			return tftypes.List{ElementType: elem}, nil
		case "set":
			return tftypes.Set{ElementType: elem}, nil
		default:
			return tftypes.Map{ElementType: elem}, nil
		}
	case "object":
		var attrs map[string]json.RawMessage
		if err := json.Unmarshal(parts[1], &attrs); err != nil {
			return nil, fmt.Errorf("object attributes: %w", err)
		}
		obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
		for name, a := range attrs {
			t, err := parseType(a)
			if err != nil {
				return nil, fmt.Errorf("object attribute %s: %w", name, err)
			}
			obj.AttributeTypes[name] = t
		}
		if len(parts) > 2 {
			var optional []string
			if err := json.Unmarshal(parts[2], &optional); err != nil {
				return nil, fmt.Errorf("object optional attributes: %w", err)
			}
			if len(optional) > 0 {
				obj.OptionalAttributes = map[string]struct{}{}
				for _, name := range optional {
					obj.OptionalAttributes[name] = struct{}{}
				}
			}
		}
		return obj, nil
	case "tuple":
		var elems []json.RawMessage
		if err := json.Unmarshal(parts[1], &elems); err != nil {
			return nil, fmt.Errorf("tuple elements: %w", err)
		}
		tup := tftypes.Tuple{}
		for i, e := range elems {
			t, err := parseType(e)
			if err != nil {
				return nil, fmt.Errorf("tuple element %d: %w", i, err)
			}
			tup.ElementTypes = append(tup.ElementTypes, t)
		}
		return tup, nil
	}
	return nil, fmt.Errorf("unknown type kind %q", kind)
}
