package discovery

import (
	"bytes"
	"strings"
	"testing"
)

// Keys of entries the provider does not change keep their bytes: escapes,
// lone surrogates and even invalid UTF-8 are written back as they were.
func TestForeignKeysKeepTheirBytes(t *testing.T) {
	src := []byte("[\n  {\"net-id\": 7, \"caf\\u00e9\": 1, \"a\\/b\": 2, \"\\ud800x\": 3, \"bad\xffbyte\": 4}\n]\n")
	doc, err := Decode(src, FormatMission)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Insert(Entry{NetID: 118, Fields: [numFields]string{FieldNetName: "n"}}); err != nil {
		t.Fatal(err)
	}
	out := doc.Encode()
	for _, key := range []string{`"caf\u00e9": 1`, `"a\/b": 2`, `"\ud800x": 3`, "\"bad\xffbyte\": 4"} {
		if !bytes.Contains(out, []byte(key)) {
			t.Errorf("key %q was re-encoded:\n%s", key, out)
		}
	}
	// An entry the provider rewrites keeps the spelling of its keys too.
	doc, err = Decode([]byte(`[{"net-id": 118, "net-name": "old", "expl\u006frerVersion": "https://e.example.org"}]`), FormatMission)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := doc.Find(118)
	e.Fields[FieldNetName] = "new"
	if err := doc.Upsert(e); err != nil {
		t.Fatal(err)
	}
	if out := doc.Encode(); !bytes.Contains(out, []byte(`"expl\u006frerVersion": "https://e.example.org"`)) || !bytes.Contains(out, []byte(`"net-name": "new"`)) {
		t.Errorf("rewritten entry:\n%s", out)
	}
}

// A value of an unmodelled key that is not a JSON string keeps its JSON when
// the entry is rewritten with the same text, and is not Equal to the string.
func TestNonStringExtraValuesKeepTheirJSON(t *testing.T) {
	src := `[{"net-id": 118, "net-name": "old", "count": 5, "obj": {"a": 1}, "on": true, "s": "text"}]`
	doc, err := Decode([]byte(src), FormatMission)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := doc.Find(118)
	if e.Extra["count"] != "5" || e.Extra["obj"] != `{"a":1}` || e.Extra["on"] != "true" || e.Extra["s"] != "text" {
		t.Fatalf("extra as read: %q", e.Extra)
	}
	// The same entry as the provider's configuration gives it: strings only.
	asConfigured := Entry{NetID: 118, Fields: e.Fields, Extra: map[string]string{"count": "5", "obj": `{"a":1}`, "on": "true", "s": "text"}}
	if e.Equal(asConfigured) || asConfigured.Equal(e) {
		t.Error(`"count": 5 and "count": "5" compare as the same entry`)
	}
	asConfigured.Fields[FieldNetName] = "new"
	if err := doc.Upsert(asConfigured); err != nil {
		t.Fatal(err)
	}
	out := string(doc.Encode())
	for _, want := range []string{`"count": 5,`, `"obj": {`, `"a": 1`, `"on": true,`, `"s": "text"`, `"net-name": "new"`} {
		if !strings.Contains(out, want) {
			t.Errorf("%s missing after the rewrite:\n%s", want, out)
		}
	}
	// A new text for such a key is what the configuration asks for: a string.
	asConfigured.Extra["count"] = "6"
	if err := doc.Upsert(asConfigured); err != nil {
		t.Fatal(err)
	}
	if out := string(doc.Encode()); !strings.Contains(out, `"count": "6"`) {
		t.Errorf("changed value:\n%s", out)
	}
}

// A net id written with a sign or leading zeros is not the number a client
// comparing text would match: the document is refused, naming the entry.
func TestNetIDMustBeCanonicalDecimal(t *testing.T) {
	for _, id := range []string{`"+7"`, `"007"`, `" 7"`, `7.0`, `7e0`, `"7.0"`} {
		src := `[{"net-id": 1}, {"net-id": ` + id + `}]`
		_, err := Decode([]byte(src), FormatMission)
		if err == nil || !strings.Contains(err.Error(), "entry 2") || !strings.Contains(err.Error(), `"net-id"`) {
			t.Errorf("net id %s: %v, want an error naming entry 2 and the key", id, err)
		}
	}
	for _, id := range []string{`7`, `"7"`, `9007199254740991`} {
		if _, err := Decode([]byte(`[{"net-id": `+id+`}]`), FormatMission); err != nil {
			t.Errorf("net id %s: %v", id, err)
		}
	}
}
