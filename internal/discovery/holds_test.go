package discovery

import (
	"strings"
	"testing"
)

func heldEntry() Entry {
	e := Entry{NetID: 118, Extra: map[string]string{"explorerVersion": "v2"}}
	e.Fields[FieldNetName] = "Testnet 118"
	e.Fields[FieldLatestNodeRelease] = "v1.7.6"
	return e
}

// Holds compares an entry as it would be written: "v1.7.6" is held by the
// "1.7.6" the document has, and anything that differs on the wire is not.
func TestHoldsComparesAsWritten(t *testing.T) {
	doc := New(FormatSmapp)
	if err := doc.Insert(heldEntry()); err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(doc.Encode(), FormatSmapp)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := doc.Find(118); got.Get(FieldLatestNodeRelease) != "1.7.6" {
		t.Fatalf("written release %q", got.Get(FieldLatestNodeRelease))
	}
	if !doc.Holds(heldEntry()) {
		t.Error(`the entry written from "v1.7.6" is not held by the document that has "1.7.6"`)
	}
	differs := map[string]func(*Entry){
		"another name":      func(e *Entry) { e.Fields[FieldNetName] = "Testnet 119" },
		"another release":   func(e *Entry) { e.Fields[FieldLatestNodeRelease] = "1.7.7" },
		"a key more":        func(e *Entry) { e.Fields[FieldGenesisID] = "00" },
		"a key less":        func(e *Entry) { e.Extra = nil },
		"another net id":    func(e *Entry) { e.NetID = 119 },
		"an extra value":    func(e *Entry) { e.Extra["explorerVersion"] = "v3" },
		"a number for text": func(e *Entry) { _ = e.SetExtraJSON("explorerVersion", "2") },
	}
	for name, change := range differs {
		e := heldEntry()
		change(&e)
		if doc.Holds(e) {
			t.Errorf("%s: held", name)
		}
	}
	// Strings compare by content, whatever their escapes.
	escaped, err := Decode([]byte(strings.Replace(string(doc.Encode()), `"Testnet 118"`, `"Testnet\u0020118"`, 1)), FormatSmapp)
	if err != nil {
		t.Fatal(err)
	}
	if !escaped.Holds(heldEntry()) {
		t.Error("an escaped spelling of the same string is not held")
	}
}

// A number where the entry has the string "5" is not held, and the
// string written by SetExtraString replaces it; SetExtraJSON writes JSON.
func TestExtraKinds(t *testing.T) {
	doc, err := Decode([]byte(`[{"netID": 118, "netName": "n", "count": 5, "obj": {"a": 1}}]`), FormatSmapp)
	if err != nil {
		t.Fatal(err)
	}
	read, _ := doc.Find(118)
	if !read.IsJSONExtra("count") || read.ExtraJSON("count") != "5" || read.ExtraJSON("obj") != `{"a":1}` {
		t.Fatalf("as read: %q %v", read.Extra, read.IsJSONExtra("count"))
	}
	if !doc.Holds(read) {
		t.Error("the entry as read is not held")
	}
	asString := read
	asString.Extra = map[string]string{}
	asString.rawExtra = nil
	asString.SetExtraString("count", "5")
	if err := asString.SetExtraJSON("obj", `{ "a" : 1 }`); err != nil {
		t.Fatal(err)
	}
	if asString.ExtraJSON("count") != `"5"` || asString.ExtraJSON("obj") != `{"a":1}` {
		t.Errorf("JSON of the values set: %s %s", asString.ExtraJSON("count"), asString.ExtraJSON("obj"))
	}
	if doc.Holds(asString) {
		t.Error(`the string "5" is held by the number 5`)
	}
	if err := doc.Upsert(asString); err != nil {
		t.Fatal(err)
	}
	if out := string(doc.Encode()); !strings.Contains(out, `"count": "5"`) || !strings.Contains(out, `"obj": {`) {
		t.Errorf("after writing the string:\n%s", out)
	}
	if err := asString.SetExtraJSON("bad", "{"); err == nil {
		t.Error("SetExtraJSON accepted text that is not JSON")
	}
}
