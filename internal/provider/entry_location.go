package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
)

// maxNetID is the largest net id every client reads exactly: JavaScript
// numbers (Smapp, the web frontends) hold integers up to 2^53-1.
const maxNetID = 1<<53 - 1

// An entry lives in one document: the one its id (`<canonical url>#<net_id>`)
// names. Read, Update and Delete use that document, and a configuration that
// now points the entry at another document (its own discovery_url, or the
// provider's) plans a replacement: it never updates an entry of another
// document in place.

// pinnedDocument is the canonical URL of the document the entry in state
// lives in: the one its id names, else (a state without a usable id) the one
// its attributes name.
func (d *providerData) pinnedDocument(id, own types.String) (string, error) {
	if i := strings.LastIndex(id.ValueString(), "#"); i > 0 {
		if loc, err := store.ParseURL(id.ValueString()[:i]); err == nil {
			return loc.String(), nil
		}
	}
	return d.effectiveURL(own.ValueString())
}

// pinnedDocumentOf reads pinnedDocument's inputs from a state.
func (d *providerData) pinnedDocumentOf(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) (string, bool) {
	if !configured(d, diags) {
		return "", false
	}
	var id, own types.String
	diags.Append(state.GetAttribute(ctx, path.Root("id"), &id)...)
	diags.Append(state.GetAttribute(ctx, path.Root("discovery_url"), &own)...)
	if diags.HasError() {
		return "", false
	}
	docURL, err := d.pinnedDocument(id, own)
	if err != nil {
		diags.AddAttributeError(path.Root("discovery_url"), summaryMissingDocument, err.Error())
		return "", false
	}
	return docURL, true
}

// planDocumentMove marks a replacement when the planned entry's document is
// not the one it lives in. Documents are compared by canonical URL, so
// another spelling of the same document (or naming the provider's document
// explicitly) is no move.
func (r *discoveryEntryResource) planDocumentMove(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var own, stateOwn types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("discovery_url"), &own)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("discovery_url"), &stateOwn)...)
	if resp.Diagnostics.HasError() {
		return
	}
	switch {
	case r.data == nil:
		// Without the provider's configuration only the attribute itself
		// can be compared.
		if !own.Equal(stateOwn) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("discovery_url"))
		}
		return
	case own.IsUnknown():
		// The document is known only at apply: it may be another one.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id"))
		return
	}
	planned, err := r.data.effectiveURL(own.ValueString())
	if err != nil {
		return // ModifyPlan reports it
	}
	pinned, ok := r.data.pinnedDocumentOf(ctx, req.State, &resp.Diagnostics)
	if ok && planned != pinned {
		// The id changes with the document; replacing on it also covers a
		// change of the provider's document, where discovery_url itself
		// stays null.
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id"))
	}
}

// mayHaveLanded reports a failed write that may nevertheless be in the
// document.
func mayHaveLanded(err error) bool {
	var uncertain *store.UncertainError
	return errors.As(err, &uncertain)
}

// removeEntry is Delete's change. Removing an entry that is already gone is
// success: the goal is its absence.
func removeEntry(netID int64) func(*discovery.Document, bool) error {
	return func(doc *discovery.Document, _ bool) error {
		doc.Remove(netID)
		return nil
	}
}

// removeEntryIfHeld is Delete's change for an entry whose create had an
// unknown outcome: it removes the document's entry only while it is exactly
// mine, and otherwise changes nothing (and reports so in leftAlone when
// there is such an entry).
func removeEntryIfHeld(mine discovery.Entry, leftAlone *atomic.Bool) func(*discovery.Document, bool) error {
	return func(doc *discovery.Document, _ bool) error {
		_, found := doc.Find(mine.NetID)
		held := doc.Holds(mine)
		leftAlone.Store(found && !held)
		if held {
			doc.Remove(mine.NetID)
		}
		return nil
	}
}

// netIDBound refuses net ids that JavaScript clients would round.
type netIDBound struct{}

func (netIDBound) Description(context.Context) string {
	return fmt.Sprintf("at most %d (2^53-1)", maxNetID)
}
func (v netIDBound) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (netIDBound) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueInt64() <= maxNetID {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, summaryInvalidNetID,
		fmt.Sprintf("The net id must be at most %d (2^53-1): Smapp and the web frontends read it as a JavaScript number, which holds integers exactly only up to there. Got %d.", maxNetID, req.ConfigValue.ValueInt64()))
}
