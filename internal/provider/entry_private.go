package provider

import (
	"context"
	"encoding/json"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
)

// What spacemesh_discovery_entry keeps in its private state, beside what
// the state shows.
const (
	// privateUnconfirmed marks an entry whose create failed with an unknown
	// outcome (kept in the state, tainted). Until a write of this state
	// lands, the document's entry with its net id counts as this state's
	// only while it is exactly the entry the create wrote: anything else is
	// someone else's, and is never adopted, replaced or removed.
	privateUnconfirmed = "unconfirmed_create"
	// privateRetyped lists the extra keys whose value turned, outside
	// Terraform, from the string the state holds into other JSON with the
	// same text ("5" into 5). Read finds them and ModifyPlan plans the
	// string back.
	privateRetyped = "extra_retyped"
)

// privateData is the framework's private state of one resource instance,
// as requests and responses carry it.
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// isUnconfirmed reports whether the entry's create had an unknown outcome
// that no write has settled since.
func isUnconfirmed(ctx context.Context, p privateData, diags *diag.Diagnostics) bool {
	if p == nil {
		return false
	}
	v, d := p.GetKey(ctx, privateUnconfirmed)
	diags.Append(d...)
	return len(v) > 0
}

func setUnconfirmed(ctx context.Context, p privateData, on bool, diags *diag.Diagnostics) {
	if p == nil {
		return
	}
	var v []byte
	if on {
		v = []byte("true")
	}
	diags.Append(p.SetKey(ctx, privateUnconfirmed, v)...)
}

// retypedKeys reads privateRetyped.
func retypedKeys(ctx context.Context, p privateData, diags *diag.Diagnostics) map[string]bool {
	out := map[string]bool{}
	if p == nil {
		return out
	}
	v, d := p.GetKey(ctx, privateRetyped)
	diags.Append(d...)
	var keys []string
	if len(v) > 0 && json.Unmarshal(v, &keys) == nil {
		for _, k := range keys {
			out[k] = true
		}
	}
	return out
}

func setRetypedKeys(ctx context.Context, p privateData, keys map[string]bool, diags *diag.Diagnostics) {
	if p == nil {
		return
	}
	var v []byte
	if len(keys) > 0 {
		list := make([]string, 0, len(keys))
		for k := range keys {
			list = append(list, k)
		}
		sort.Strings(list)
		v, _ = json.Marshal(list) // a list of strings always marshals
	}
	diags.Append(p.SetKey(ctx, privateRetyped, v)...)
}

// stringMap is a known map attribute's elements; ok is false when the map
// or one of its elements is null or unknown.
func stringMap(m types.Map) (map[string]string, bool) {
	if m.IsNull() || m.IsUnknown() {
		return nil, false
	}
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		s, isString := v.(types.String)
		if !isString || s.IsNull() || s.IsUnknown() {
			return nil, false
		}
		out[k] = s.ValueString()
	}
	return out, true
}

// retypedExtra lists the extra keys whose value turned from a string into
// other JSON outside Terraform: those that were string JSON before (the
// state as last written or refreshed) and are now other JSON with the same
// text in e (the document), and those found so earlier (known) that are
// still other JSON. Like any drift, it stays until a write puts the string
// back, a refresh-only apply included.
func retypedExtra(before types.Map, e discovery.Entry, known map[string]bool) map[string]bool {
	prior, _ := stringMap(before)
	out := map[string]bool{}
	for k, text := range e.Extra {
		if !e.IsJSONExtra(k) {
			continue
		}
		var probe discovery.Entry
		was, had := prior[k]
		if known[k] || had && probe.SetExtraJSON(k, was) == nil && !probe.IsJSONExtra(k) && probe.Extra[k] == text {
			out[k] = true
		}
	}
	return out
}

// plannedExtraJSON is the JSON each configured extra value has after the
// apply: the string, except where the document (prior, the refreshed
// extra_json) holds other JSON with the same text that did not turn so
// outside Terraform since the state last saw it (retyped); that JSON, e.g.
// the number of an imported entry, is kept.
func plannedExtraJSON(extra, prior types.Map, retyped map[string]bool) types.Map {
	if extra.IsNull() {
		return types.MapNull(types.StringType)
	}
	config, ok := stringMap(extra)
	if !ok {
		return types.MapUnknown(types.StringType)
	}
	held, _ := stringMap(prior)
	var e discovery.Entry
	for k, text := range config {
		if was, had := held[k]; had && !retyped[k] && e.SetExtraJSON(k, was) == nil && e.Extra[k] == text {
			continue
		}
		e.SetExtraString(k, text)
	}
	return extraJSONOf(e, config)
}

// extraJSONOf is extra_json for the keys of extra, from e.
func extraJSONOf(e discovery.Entry, extra map[string]string) types.Map {
	out := make(map[string]attr.Value, len(extra))
	for k := range extra {
		out[k] = types.StringValue(e.ExtraJSON(k))
	}
	return types.MapValueMust(types.StringType, out)
}

// planExtraJSON plans extra_json (see plannedExtraJSON).
func planExtraJSON(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var extra types.Map
	prior := types.MapNull(types.StringType)
	retyped := map[string]bool{}
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("extra"), &extra)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("extra_json"), &prior)...)
		retyped = retypedKeys(ctx, req.Private, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("extra_json"), plannedExtraJSON(extra, prior, retyped))...)
}

// applyExtraKinds makes e write each extra value as extraJSON (the planned
// or recorded extra_json) says: other JSON where it names other JSON with
// the value's text, else a string. Without a known extraJSON (a state
// written before it existed) e keeps the document's JSON where the text is
// unchanged.
func applyExtraKinds(e *discovery.Entry, extraJSON types.Map) {
	kinds, ok := stringMap(extraJSON)
	if !ok {
		return
	}
	texts := make(map[string]string, len(e.Extra))
	for k, v := range e.Extra {
		texts[k] = v
	}
	for k, text := range texts {
		var probe discovery.Entry
		if j, has := kinds[k]; has && probe.SetExtraJSON(k, j) == nil && probe.Extra[k] == text {
			_ = e.SetExtraJSON(k, j) // probed just above
			continue
		}
		e.SetExtraString(k, text)
	}
}

// writtenEntry is the entry as a change left it in the document, the last
// time the change ran (the run whose write landed). The change runs in the
// Syncer's goroutine.
type writtenEntry struct {
	mu    sync.Mutex
	entry discovery.Entry
	found bool
}

func (w *writtenEntry) set(doc *discovery.Document, netID int64) {
	e, found := doc.Find(netID)
	w.mu.Lock()
	w.entry, w.found = e, found
	w.mu.Unlock()
}

// extraJSON is extra_json after the write: each extra value's JSON as written.
func (w *writtenEntry) extraJSON(plan discoveryEntryModel) types.Map {
	w.mu.Lock()
	e, found := w.entry, w.found
	w.mu.Unlock()
	extra, ok := stringMap(plan.Extra)
	if !found || !ok {
		return knownExtraJSON(plan, e)
	}
	return extraJSONOf(e, extra)
}

// knownExtraJSON is the planned extra_json, or when that is unknown the JSON
// e writes, so that a state saved after a failed write holds no unknown.
func knownExtraJSON(plan discoveryEntryModel, e discovery.Entry) types.Map {
	if !plan.ExtraJSON.IsUnknown() {
		return plan.ExtraJSON
	}
	extra, ok := stringMap(plan.Extra)
	if !ok {
		return types.MapNull(types.StringType)
	}
	return extraJSONOf(e, extra)
}
