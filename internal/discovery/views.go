package discovery

import (
	"regexp"
	"strconv"
)

// Views are the network lists the web frontends read at /networks.json,
// derived from a document: explorer-frontend (src/store/index.jsx) and
// dash-frontend (src/store/ViewStore/index.js) fetch the list they were built
// to read and open on networks[0]. A host that opens on one network needs the
// document with that network first; the bare host needs it as it is.
//
// Both are written in the smapp dialect, the keys those stores read (netID,
// netName, conf, explorer, dash, jsonAPI, grpcAPI, statsAPI, dashAPI,
// explorerAPI, genesisID), whatever the document's dialect.

// ViewAll is the name, under a document's views prefix, of the list of every
// network in document order.
const ViewAll = "networks.json"

// ViewOf is the name, under a document's views prefix, of the list that
// opens on network id.
func ViewOf(id int64) string { return strconv.FormatInt(id, 10) + "/" + ViewAll }

var viewName = regexp.MustCompile(`^[1-9][0-9]*/networks\.json$`)

// IsViewName reports whether name is one Views writes (ViewAll or ViewOf).
func IsViewName(name string) bool { return name == ViewAll || viewName.MatchString(name) }

// Views returns the views of d by name: ViewAll, and ViewOf for every
// network. Each other name in existing that Views would write (the view of a
// network no longer in d) gets ViewAll's list, so that a host still routed to
// it lists only the networks d has.
func (d *Document) Views(existing []string) map[string][]byte {
	smapp := d.InFormat(FormatSmapp)
	all := smapp.Encode()
	out := map[string][]byte{ViewAll: all}
	for _, name := range existing {
		if IsViewName(name) {
			out[name] = all
		}
	}
	for _, id := range smapp.NetIDs() {
		out[ViewOf(id)] = smapp.encodeFirst(id)
	}
	return out
}

// View returns the view named ViewOf(id): network id first, or the whole
// list when d has no such network.
func (d *Document) View(id int64) []byte { return d.InFormat(FormatSmapp).encodeFirst(id) }

// encodeFirst encodes d with network id moved to the front, leaving d as it is.
func (d *Document) encodeFirst(id int64) []byte {
	v := d.clone()
	v.MoveToFront(id)
	return v.Encode()
}

// InFormat returns d in dialect f: the net id and every modelled key renamed,
// values and extra keys as they are.
func (d *Document) InFormat(f Format) *Document {
	if d.format == f {
		return d.clone()
	}
	from, to := keys[d.format], keys[f]
	rename := map[string]string{from.netID: to.netID}
	for i := range from.fields {
		rename[from.fields[i]] = to.fields[i]
	}
	out := &Document{format: f, entries: make([]*wireEntry, len(d.entries))}
	for i, e := range d.entries {
		members := make([]member, len(e.members))
		for j, m := range e.members {
			if k, ok := rename[m.key]; ok {
				m = member{key: k, value: m.value}
			}
			members[j] = m
		}
		out.entries[i] = &wireEntry{members: members, netID: e.netID, pos: e.pos}
	}
	return out
}

// clone copies the entry list; entries themselves are never changed in place.
func (d *Document) clone() *Document {
	return &Document{format: d.format, entries: append([]*wireEntry(nil), d.entries...)}
}
