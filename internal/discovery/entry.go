// Package discovery models the discovery document: a JSON array of network
// entries that Smapp and the web frontends read. It does no I/O: it decodes a
// document, applies one pure change to one entry, and encodes the result so
// that every entry it did not change keeps its keys, their order and values.
package discovery

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	// A value the document holds as other JSON (a number, an object) reads
	// as its JSON text, and is written back as that JSON while unchanged.
	Extra map[string]string
	// rawExtra marks the Extra keys whose value is other JSON than a string
	// (read so, or set by SetExtraJSON): Extra holds its JSON text, and it
	// is written as that JSON.
	rawExtra map[string]bool
	// stringExtra marks the Extra keys set by SetExtraString: written as
	// JSON strings even where the document holds other JSON with the same
	// text.
	stringExtra map[string]bool
}

// SetExtraJSON sets key to the JSON value raw: a string reads as its
// content and is written as a string; any other value reads as its compact
// JSON text and is written as that JSON.
func (e *Entry) SetExtraJSON(key, raw string) error {
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(raw)); err != nil {
		return fmt.Errorf("extra %q: not JSON: %w", key, err)
	}
	v := json.RawMessage(compact.Bytes())
	if isString(v) {
		e.SetExtraString(key, valueText(v))
		return nil
	}
	e.set(key, string(v))
	if e.rawExtra == nil {
		e.rawExtra = map[string]bool{}
	}
	e.rawExtra[key] = true
	return nil
}

// SetExtraString sets key to the string value, written as a JSON string
// even where the document holds other JSON with the same text.
func (e *Entry) SetExtraString(key, value string) {
	e.set(key, value)
	if e.stringExtra == nil {
		e.stringExtra = map[string]bool{}
	}
	e.stringExtra[key] = true
}

func (e *Entry) set(key, text string) {
	if e.Extra == nil {
		e.Extra = map[string]string{}
	}
	e.Extra[key] = text
	delete(e.rawExtra, key)
	delete(e.stringExtra, key)
}

// IsJSONExtra reports whether key's value is other JSON than a string.
func (e Entry) IsJSONExtra(key string) bool { return e.rawExtra[key] }

// ExtraJSON is the JSON key's value is written as: its JSON text when it is
// other JSON than a string, else the string encoded as JSON.
func (e Entry) ExtraJSON(key string) string {
	if e.rawExtra[key] {
		return e.Extra[key]
	}
	return string(marshal(e.Extra[key]))
}

// Get returns the value of field.
func (e Entry) Get(f Field) string { return e.Fields[f] }

// Equal reports whether e and o describe the same wire entry.
func (e Entry) Equal(o Entry) bool {
	if e.NetID != o.NetID || e.Fields != o.Fields || len(e.Extra) != len(o.Extra) {
		return false
	}
	for k, v := range e.Extra {
		if ov, ok := o.Extra[k]; !ok || ov != v || e.rawExtra[k] != o.rawExtra[k] {
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
