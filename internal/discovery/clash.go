package discovery

import (
	"errors"
	"fmt"
	"strings"
)

// ClashError is a value of one entry that the clients cannot tell from
// another entry's: each of them would act on one network for the other.
type ClashError struct {
	Field             Field
	Key               string // the field's key in the document's format
	NetID, OtherNetID int64
	Name, OtherName   string
	Value, OtherValue string
	rule              *clashRule
}

func (e *ClashError) Error() string { return e.rule.explain(e) }

// ClashesIn lists every *ClashError in err's tree, in order.
func ClashesIn(err error) []*ClashError {
	var out []*ClashError
	var walk func(error)
	walk = func(err error) {
		if c, ok := err.(*ClashError); ok {
			out = append(out, c)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// clashRule is one value that must differ between the entries of a
// document: key is what the clients compare ("" for a value that takes part
// in no comparison).
type clashRule struct {
	field   Field
	key     func(value string) string
	explain func(*ClashError) string
}

var clashRules = []*clashRule{
	{
		// explorer-frontend src/store/index.jsx and dash-frontend
		// src/store/ViewStore/index.js map every entry to {value: dashAPI, ...}
		// and select with networks.find(item => item.value === data.value):
		// the first entry with the key wins. The explorer appends '/' to the
		// key of the network it selected (setNetwork), so "x" and "x/" are one.
		field: FieldDashAPI,
		key:   func(v string) string { return strings.TrimSuffix(v, "/") },
		explain: func(e *ClashError) string {
			same := ""
			if e.Value != e.OtherValue {
				same = fmt.Sprintf(" (%q) once the explorer appends '/' to the key it selects", e.OtherValue)
			}
			return fmt.Sprintf("%s would have the %s %q, the same as %s%s: the explorer and dashboard frontends select a network by its %s "+
				"(explorer-frontend src/store/index.jsx, dash-frontend src/store/ViewStore/index.js), so selecting either network would show the data of the one listed first. "+
				"Give each network a %s of its own (spacemesh_network's dash_api_url, \"<stats API>/#dash-<net id>\", is one)",
				e.entry(), e.Key, e.Value, e.other(), same, e.Key, e.Key)
		},
	},
	{
		// smapp v1.7.4 desktop/main/fallbackConfigs.ts: saveFallbackNetworks
		// writes every network's config to ConfigCache/<getConfigFilename>,
		// the text after conf's last '/'; loadFallbackConfig reads it back
		// when the config cannot be fetched. macOS and Windows keep file names
		// case-insensitively, so the names are compared folded.
		field: FieldConf,
		key:   func(v string) string { return strings.ToLower(ConfFileName(v)) },
		explain: func(e *ClashError) string {
			name, otherName := ConfFileName(e.Value), ConfFileName(e.OtherValue)
			caseOnly := ""
			if name != otherName {
				caseOnly = fmt.Sprintf(" (%q: the names differ only in case, which the default file systems of macOS and Windows ignore)", otherName)
			}
			return fmt.Sprintf("%s would have a %s URL ending in the file name %q, %q, as %s has, %q%s: "+
				"Smapp keeps every network's config in one directory under the last part of its %s URL (smapp desktop/main/fallbackConfigs.ts), "+
				"so the two copies overwrite each other, and whenever a config cannot be fetched Smapp would start one network with the other's config and genesis. "+
				"Publish the config under a file name of its own, such as \"testnet-%d.json\"",
				e.entry(), e.Key, name, e.Value, e.other(), e.OtherValue, caseOnly, e.Key, e.NetID)
		},
	},
}

func (e *ClashError) entry() string { return describeEntry(e.NetID, e.Name) }
func (e *ClashError) other() string { return describeEntry(e.OtherNetID, e.OtherName) }

func describeEntry(id int64, name string) string {
	if name == "" {
		return fmt.Sprintf("net id %d", id)
	}
	return fmt.Sprintf("net id %d (%s)", id, name)
}

// Clashes lists the values of e that the clients could not tell from those
// of another entry of the document (any but e's own net id), rule by rule
// in document order.
func (d *Document) Clashes(e Entry) []*ClashError {
	var out []*ClashError
	for _, rule := range clashRules {
		key := rule.key(e.Get(rule.field))
		if key == "" {
			continue
		}
		for _, o := range d.entries {
			value := d.text(o, rule.field)
			if o.netID == e.NetID || rule.key(value) != key {
				continue
			}
			out = append(out, &ClashError{
				Field: rule.field, Key: Key(d.format, rule.field),
				NetID: e.NetID, OtherNetID: o.netID,
				Name: e.Get(FieldNetName), OtherName: d.text(o, FieldNetName),
				Value: e.Get(rule.field), OtherValue: value,
				rule: rule,
			})
		}
	}
	return out
}

// text is the value of field in w as Entry.Get would give it, without
// converting the whole entry.
func (d *Document) text(w *wireEntry, field Field) string {
	if v, ok := w.get(Key(d.format, field)); ok {
		return valueText(v)
	}
	return ""
}

// checkNewClashes refuses e when writing it would make a clash the
// document does not have: one that the entry with e's net id, as the
// document holds it now, does not already have with the same entry. A
// clash written before (by another tool, or before this rule) thus blocks
// no write that leaves it as it is: not other entries' writes, not a change
// of another value of an entry in it, and never a removal.
func (d *Document) checkNewClashes(e Entry) error {
	clashes := d.Clashes(e)
	if len(clashes) == 0 {
		return nil
	}
	var old *wireEntry
	if i := d.index(e.NetID); i >= 0 {
		old = d.entries[i]
	}
	var fresh []error
	for _, c := range clashes {
		if old != nil && c.rule.key(d.text(old, c.Field)) == c.rule.key(c.OtherValue) {
			continue // the entry had it with this other entry before
		}
		fresh = append(fresh, c)
	}
	return errors.Join(fresh...)
}
