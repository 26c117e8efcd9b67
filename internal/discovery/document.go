package discovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/textpos"
)

// member is one key of a wire entry with its value as compact JSON.
type member struct {
	key string
	// rawKey is the key as the document spelled it (escapes, even invalid
	// UTF-8, kept); nil for keys this package wrote.
	rawKey json.RawMessage
	value  json.RawMessage
}

// wireEntry is an entry exactly as it is on the wire: keys in their order,
// values as they were (only whitespace is normalised on encoding).
type wireEntry struct {
	members []member
	netID   int64
	pos     position
}

// position locates an entry in the decoded source for error messages.
type position struct {
	index int // 1-based
	line  int
	col   int
}

func (p position) String() string {
	if p.line == 0 {
		return fmt.Sprintf("entry %d", p.index)
	}
	return fmt.Sprintf("entry %d (line %d, column %d)", p.index, p.line, p.col)
}

// Document is a decoded discovery document in one dialect.
type Document struct {
	format  Format
	entries []*wireEntry
}

// New returns an empty document in format f.
func New(f Format) *Document { return &Document{format: f} }

// Format is the dialect the document was decoded in.
func (d *Document) Format() Format { return d.format }

// Len is the number of entries.
func (d *Document) Len() int { return len(d.entries) }

// DecodeError says why a document cannot be used. A document that gives one is
// never rewritten: whoever broke it must look at it first.
type DecodeError struct {
	Reason string
}

func (e *DecodeError) Error() string { return e.Reason }

func decodeErrorf(format string, args ...any) error {
	return &DecodeError{Reason: fmt.Sprintf(format, args...)}
}

// Decode parses data as a document in format f. It refuses anything it could
// not encode back without loss: a value that is not an array, an element that
// is not an object, a key given twice in one entry, an entry without a valid
// net id, and two entries with the same net id.
func Decode(data []byte, f Format) (*Document, error) {
	if _, ok := keys[f]; !ok {
		return nil, fmt.Errorf("unknown discovery format %q", f)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, decodeErrorf("the document is empty (%d bytes); expected a JSON array such as []", len(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(data, err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '[' {
		return nil, decodeErrorf("the document is not a JSON array: it starts with %s", describeToken(tok))
	}
	doc := &Document{format: f}
	byID := map[int64]*wireEntry{}
	lines := textpos.NewCounter(data)
	for dec.More() {
		pos := entryPosition(lines, data, dec.InputOffset(), len(doc.entries)+1)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(data, err)
		}
		e, err := decodeEntry(raw, f, pos)
		if err != nil {
			return nil, err
		}
		if prev, dup := byID[e.netID]; dup {
			return nil, decodeErrorf("net id %d appears twice: %s and %s", e.netID, prev.pos, e.pos)
		}
		byID[e.netID] = e
		doc.entries = append(doc.entries, e)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, syntaxError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, decodeErrorf("the document has data after its closing ']' (at byte %d)", dec.InputOffset())
	}
	return doc, nil
}

func decodeEntry(raw json.RawMessage, f Format, pos position) (*wireEntry, error) {
	members, err := decodeMembers(raw, pos)
	if err != nil {
		return nil, err
	}
	e := &wireEntry{pos: pos, members: members}
	if e.netID, err = entryNetID(e, f); err != nil {
		return nil, err
	}
	return e, nil
}

// decodeMembers reads one entry's members in order, each key with the bytes
// it was written with and each value compacted.
func decodeMembers(raw json.RawMessage, pos position) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, decodeErrorf("%s: %v", pos, err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return nil, decodeErrorf("%s is not a JSON object: it is %s", pos, describeToken(tok))
	}
	var members []member
	seen := map[string]bool{}
	for dec.More() {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, decodeErrorf("%s: %v", pos, err)
		}
		rawKey := bytes.TrimLeft(raw[before:dec.InputOffset()], " \t\r\n,")
		key, ok := tok.(string)
		if !ok { // cannot happen once the JSON is valid: object keys are strings
			return nil, decodeErrorf("%s has a key that is not a string", pos)
		}
		if seen[key] {
			return nil, decodeErrorf("%s has the key %q twice", pos, key)
		}
		seen[key] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, decodeErrorf("%s: %v", pos, err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, value); err != nil {
			return nil, decodeErrorf("%s: %v", pos, err)
		}
		if len(rawKey) < 2 || rawKey[0] != '"' || rawKey[len(rawKey)-1] != '"' {
			rawKey = nil // not where it was expected: write the key afresh
		}
		members = append(members, member{key: key, rawKey: bytes.Clone(rawKey), value: compact.Bytes()})
	}
	return members, nil
}

// entryNetID is the entry's net id under f's key; without one, the error
// says when the entry has the other format's key instead.
func entryNetID(e *wireEntry, f Format) (int64, error) {
	idKey := NetIDKey(f)
	idValue, ok := e.get(idKey)
	if !ok {
		hint := ""
		for other, k := range keys {
			if other != f {
				if _, has := e.get(k.netID); has {
					hint = fmt.Sprintf(" (it has %q, the key of the %q format: is discovery_format right?)", k.netID, other)
				}
			}
		}
		return 0, decodeErrorf("%s has no %q%s", e.pos, idKey, hint)
	}
	id, err := parseNetID(idValue)
	if err != nil {
		return 0, decodeErrorf("%s: %q: %v", e.pos, idKey, err)
	}
	return id, nil
}

// parseNetID accepts a positive integer written as a JSON number or string:
// both dialects exist in the wild and a reader must not choke on either. It
// must be written in plain decimal: "+7" or "007" is not the id 7 to a client
// that compares text, so such an entry matches nothing and is refused rather
// than silently taken for 7.
func parseNetID(raw json.RawMessage) (int64, error) {
	text := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, err
		}
	}
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("expected a positive integer, got %s", raw)
	}
	if strconv.FormatInt(id, 10) != text {
		return 0, fmt.Errorf("expected a positive integer in plain decimal (no sign, no leading zeros), got %s", raw)
	}
	return id, nil
}

func (e *wireEntry) get(key string) (json.RawMessage, bool) {
	for _, m := range e.members {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

// syntaxError turns a JSON decoder error into a message with a location.
func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		p := locate(data, se.Offset, 0)
		return decodeErrorf("the document is not valid JSON at line %d, column %d: %v", p.line, p.col, se)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		p := locate(data, int64(len(data)), 0)
		return decodeErrorf("the document is truncated: it ends at line %d, column %d inside the array (%d bytes)", p.line, p.col, len(data))
	default:
		return decodeErrorf("the document is not valid JSON: %v", err)
	}
}

// locate finds the line and column of the first value at or after offset.
func locate(data []byte, offset int64, index int) position {
	return entryPosition(textpos.NewCounter(data), data, offset, index)
}

// entryPosition is where the value at or after offset starts: past the
// white space and the comma that separate entries.
func entryPosition(c *textpos.Counter, data []byte, offset int64, index int) position {
	for offset < int64(len(data)) {
		ch := data[offset]
		if ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r' && ch != ',' {
			break
		}
		offset++
	}
	line, col := c.At(offset)
	return position{index: index, line: line, col: col}
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return fmt.Sprintf("%q", v)
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

// Encode writes the document deterministically: two-space indentation, keys in
// the order they have, a trailing newline. An empty document is "[]", never an
// absent object.
func (d *Document) Encode() []byte {
	var b bytes.Buffer
	if len(d.entries) == 0 {
		b.WriteString("[]\n")
		return b.Bytes()
	}
	b.WriteString("[\n")
	for i, e := range d.entries {
		b.WriteString("  {\n")
		for j, m := range e.members {
			b.WriteString("    ")
			if m.rawKey != nil {
				b.Write(m.rawKey)
			} else {
				writeJSON(&b, m.key)
			}
			b.WriteString(": ")
			// Indent only re-spaces valid JSON; members were validated on decode or built by marshalling.
			_ = json.Indent(&b, m.value, "    ", "  ")
			if j < len(e.members)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString("  }")
		if i < len(d.entries)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return b.Bytes()
}

// writeJSON marshals v without HTML escaping, so URLs with '&' stay readable.
func writeJSON(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings and int64s always marshal
	b.Truncate(b.Len() - 1)
}

func marshal(v any) json.RawMessage {
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.Bytes()
}

// NetIDs lists the entries' net ids in document order.
func (d *Document) NetIDs() []int64 {
	ids := make([]int64, len(d.entries))
	for i, e := range d.entries {
		ids[i] = e.netID
	}
	return ids
}

// Entries returns every entry as the provider models it, in document order.
func (d *Document) Entries() []Entry {
	out := make([]Entry, len(d.entries))
	for i, e := range d.entries {
		out[i] = d.toEntry(e)
	}
	return out
}

// Find returns the entry with net id id.
func (d *Document) Find(id int64) (Entry, bool) {
	if i := d.index(id); i >= 0 {
		return d.toEntry(d.entries[i]), true
	}
	return Entry{}, false
}

func (d *Document) index(id int64) int {
	for i, e := range d.entries {
		if e.netID == id {
			return i
		}
	}
	return -1
}

func (d *Document) toEntry(w *wireEntry) Entry {
	e := Entry{NetID: w.netID}
	k := keys[d.format]
	for _, m := range w.members {
		if m.key == k.netID {
			continue
		}
		field := Field(-1)
		for f, key := range k.fields {
			if key == m.key {
				field = Field(f)
			}
		}
		if field >= 0 {
			e.Fields[field] = valueText(m.value)
			continue
		}
		if e.Extra == nil {
			e.Extra = map[string]string{}
		}
		e.Extra[m.key] = valueText(m.value)
		if !isString(m.value) {
			if e.rawExtra == nil {
				e.rawExtra = map[string]bool{}
			}
			e.rawExtra[m.key] = true
		}
	}
	return e
}

func isString(v json.RawMessage) bool { return len(v) > 0 && v[0] == '"' }

// valueText is a JSON string's content, or any other value's JSON text.
func valueText(v json.RawMessage) string {
	var s string
	if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// ExistsError is returned when an entry is inserted for a net id the document
// already has.
type ExistsError struct {
	NetID int64
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("the document already has an entry for net id %d", e.NetID)
}

// Check validates e as something this provider may write.
func (d *Document) Check(e Entry) error {
	if e.NetID <= 0 {
		return fmt.Errorf("net id must be a positive integer, got %d", e.NetID)
	}
	for k := range e.Extra {
		if IsKnownKey(k) {
			return fmt.Errorf("extra key %q shadows a key the provider manages", k)
		}
		if k == "" {
			return errors.New("extra has an empty key")
		}
	}
	return nil
}

// Insert appends e. It fails with *ExistsError when the net id is taken, and
// with *ClashError when the clients could not tell e from another entry
// (see Clashes).
func (d *Document) Insert(e Entry) error {
	if err := d.Check(e); err != nil {
		return err
	}
	if d.index(e.NetID) >= 0 {
		return &ExistsError{NetID: e.NetID}
	}
	if err := d.checkNewClashes(e); err != nil {
		return err
	}
	d.entries = append(d.entries, &wireEntry{netID: e.NetID, members: d.members(e, nil)})
	return nil
}

// Upsert replaces the entry with e's net id in place, or appends e when there
// is none. Keys the old entry had keep their position. Like Insert, it
// refuses to make a clash with another entry (*ClashError).
func (d *Document) Upsert(e Entry) error {
	if err := d.Check(e); err != nil {
		return err
	}
	if err := d.checkNewClashes(e); err != nil {
		return err
	}
	if i := d.index(e.NetID); i >= 0 {
		d.entries[i] = &wireEntry{netID: e.NetID, members: d.members(e, d.entries[i].members), pos: d.entries[i].pos}
		return nil
	}
	d.entries = append(d.entries, &wireEntry{netID: e.NetID, members: d.members(e, nil)})
	return nil
}

// Holds reports whether the document's entry with e's net id is what
// writing e would leave there: the same keys with the same values, releases
// compared as they are written (bare semver) and strings by their content.
// An entry that only resembles e (another value, a key more or less, a
// number where e has a string) is not held.
func (d *Document) Holds(e Entry) bool {
	i := d.index(e.NetID)
	if i < 0 || d.Check(e) != nil {
		return false
	}
	have := d.entries[i].members
	want := d.members(e, have)
	if len(want) != len(have) {
		return false
	}
	for j := range want {
		if want[j].key != have[j].key || !sameValue(want[j].value, have[j].value) {
			return false
		}
	}
	return true
}

// sameValue compares two compact JSON values: strings by their content
// (escapes aside), anything else by its text.
func sameValue(a, b json.RawMessage) bool {
	if isString(a) && isString(b) {
		return valueText(a) == valueText(b)
	}
	return bytes.Equal(a, b)
}

// Index returns the position of the entry with net id id, or -1.
func (d *Document) Index(id int64) int { return d.index(id) }

// MoveToFront makes the entry with net id id the first, where the web
// frontends look for their default network; the others keep their order.
func (d *Document) MoveToFront(id int64) bool {
	i := d.index(id)
	if i < 0 {
		return false
	}
	e := d.entries[i]
	copy(d.entries[1:i+1], d.entries[:i])
	d.entries[0] = e
	return true
}

// Remove deletes the entry with net id id and reports whether there was one.
func (d *Document) Remove(id int64) bool {
	i := d.index(id)
	if i < 0 {
		return false
	}
	d.entries = append(d.entries[:i], d.entries[i+1:]...)
	return true
}

// members builds e's wire members. Keys present in old keep their order;
// the rest follow in the dialect's canonical order, then extra keys sorted.
func (d *Document) members(e Entry, old []member) []member {
	k := keys[d.format]
	// The net id is a JSON number in both dialects: Smapp <= 0.2.8 compares
	// it with the number in the node config and smcli decodes it into an int.
	values := map[string]json.RawMessage{k.netID: marshal(e.NetID)}
	order := []string{k.netID}
	for f, key := range k.fields {
		if v := e.Fields[f]; v != "" {
			if IsRelease(Field(f)) {
				v = NormalizeRelease(v)
			}
			values[key] = marshal(v)
			order = append(order, key)
		}
	}
	extra := make([]string, 0, len(e.Extra))
	for key, v := range e.Extra {
		values[key] = marshal(v)
		if e.rawExtra[key] && json.Valid([]byte(v)) {
			values[key] = json.RawMessage(v)
		}
		extra = append(extra, key)
	}
	sort.Strings(extra)
	order = append(order, extra...)

	out := make([]member, 0, len(order))
	placed := map[string]bool{}
	for _, m := range old {
		if v, ok := values[m.key]; ok {
			// A value that is not a JSON string reads as its JSON text:
			// given back unchanged, it stays the JSON it was, unless the
			// entry says it is a string.
			if ev, extra := e.Extra[m.key]; extra && !e.stringExtra[m.key] && !isString(m.value) && valueText(m.value) == ev {
				v = m.value
			}
			out = append(out, member{key: m.key, rawKey: m.rawKey, value: v})
			placed[m.key] = true
		}
	}
	for _, key := range order {
		if !placed[key] {
			out = append(out, member{key: key, value: values[key]})
		}
	}
	return out
}
