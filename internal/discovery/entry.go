// Package discovery models the discovery document: a JSON array of network
// entries that Smapp and the web frontends read. It does no I/O: it decodes a
// document, applies one pure change to one entry, and encodes the result so
// that every entry it did not change keeps its keys, their order and values.
package discovery

import (
	"sort"
)

// Format names a wire dialect of the document.
type Format string

const (
	// FormatSmapp uses the keys Spacemesh's released clients parse (Smapp,
	// smcli, explorer-frontend, dash-frontend): "netID": 118 as a number,
	// every other value a string. It is the default.
	FormatSmapp Format = "smapp"
	// FormatMission uses the keys of the Spacemesh web-services spec
	// ("net-id": 118). No released client reads them.
	FormatMission Format = "mission"
)

// Formats lists the supported dialects, default first.
var Formats = []Format{FormatSmapp, FormatMission}

// Field identifies one modelled attribute of an entry, independent of dialect.
type Field int

const (
	FieldNetName Field = iota
	FieldConf
	FieldAPIJSON
	FieldAPIGRPC
	FieldExplorer
	FieldDash
	FieldMinNodeRelease
	FieldLatestNodeRelease
	FieldMinSmappRelease
	FieldLatestSmappRelease
	FieldSmappBaseDownloadURL
	FieldNodeBaseDownloadURL
	FieldGenesisID
	FieldStatsAPI
	FieldDashAPI
	FieldExplorerAPI
	numFields
)

// keys holds, per dialect, the wire key of the net id followed by the wire key
// of every Field in order.
var keys = map[Format]struct {
	netID  string
	fields [numFields]string
}{
	FormatMission: {"net-id", [numFields]string{
		"net-name", "conf", "api-json", "api-grpc", "explorer", "dash",
		"min-node-release", "latest-node-release", "min-smapp-release", "latest-smapp-release",
		"smapp-base-download-url", "node-base-download-url", "genesis-id",
		"stats-api", "dash-api", "explorer-api",
	}},
	FormatSmapp: {"netID", [numFields]string{
		"netName", "conf", "jsonAPI", "grpcAPI", "explorer", "dash",
		"minNodeVersion", "maxNodeVersion", "minSmappRelease", "latestSmappRelease",
		"smappBaseDownloadUrl", "nodeBaseDownloadUrl", "genesisID",
		"statsAPI", "dashAPI", "explorerAPI",
	}},
}

// NetIDKey is the wire key of the net id in format f.
func NetIDKey(f Format) string { return keys[f].netID }

// Key is the wire key of field in format f.
func Key(f Format, field Field) string { return keys[f].fields[field] }

// KnownKeys returns every key either dialect models, sorted. Extra keys may
// not use them: a document read in one dialect must not have another
// dialect's key silently change meaning.
func KnownKeys() []string {
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k.netID] = true
		for _, f := range k.fields {
			seen[f] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsKnownKey reports whether key is modelled by either dialect.
func IsKnownKey(key string) bool {
	for _, k := range keys {
		if k.netID == key {
			return true
		}
		for _, f := range k.fields {
			if f == key {
				return true
			}
		}
	}
	return false
}

// Entry is one network as this provider models it. Empty strings are keys
// that are absent from the wire entry.
type Entry struct {
	NetID  int64
	Fields [numFields]string
	// Extra holds further keys, written as JSON strings, e.g. explorerAPI.
	Extra map[string]string
}

// Get returns the value of field.
func (e Entry) Get(f Field) string { return e.Fields[f] }

// Equal reports whether e and o describe the same wire entry.
func (e Entry) Equal(o Entry) bool {
	if e.NetID != o.NetID || e.Fields != o.Fields || len(e.Extra) != len(o.Extra) {
		return false
	}
	for k, v := range e.Extra {
		if ov, ok := o.Extra[k]; !ok || ov != v {
			return false
		}
	}
	return true
}

// IsRelease reports whether f holds a release version, which is written as
// bare semver (see NormalizeRelease).
func IsRelease(f Field) bool {
	switch f {
	case FieldMinNodeRelease, FieldLatestNodeRelease, FieldMinSmappRelease, FieldLatestSmappRelease:
		return true
	}
	return false
}
