package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/discovery"
)

// attrOfField is the attribute that holds field.
func attrOfField(f discovery.Field) string {
	for _, a := range entryAttrs {
		if a.field == f {
			return a.name
		}
	}
	return ""
}

// addClashErrors reports each clash in err, a write refused because the
// clients could not tell the entry from another (discovery.ClashError), on
// the attribute that holds the value; false when err holds none.
func addClashErrors(diags *diag.Diagnostics, err error) bool {
	clashes := discovery.ClashesIn(err)
	for _, c := range clashes {
		diags.AddAttributeError(path.Root(attrOfField(c.Field)), summaryEntryClash,
			c.Error()+".\n\nNothing was written for this entry.")
	}
	return len(clashes) > 0
}

// addClashWarnings reports the clashes an entry still has after a write
// that did not make them: they were in the document before, and refusing
// the write would have left them there all the same.
func addClashWarnings(diags *diag.Diagnostics, clashes []*discovery.ClashError) {
	for _, c := range clashes {
		diags.AddAttributeWarning(path.Root(attrOfField(c.Field)), summaryEntryClashKept,
			c.Error()+".\n\nThe document had this clash before this write, which was made as it leaves the clash as it was. Change one of the two entries.")
	}
}
