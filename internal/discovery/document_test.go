package discovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// semantic decodes JSON into generic values, so two encodings can be compared by meaning.
func semantic(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

func sampleEntry(id int64) Entry {
	e := Entry{NetID: id}
	e.Fields[FieldNetName] = "Net"
	e.Fields[FieldConf] = fmt.Sprintf("https://sm.example.org/conf-%d.json", id) // a file name of its own (see Clashes)
	e.Fields[FieldAPIJSON] = "https://1.api.sm.example.org:9091"
	e.Fields[FieldAPIGRPC] = "https://1.api.sm.example.org:9092"
	e.Fields[FieldExplorer] = "https://1.explore.sm.example.org/"
	e.Fields[FieldDash] = "https://1.dash.sm.example.org/"
	e.Fields[FieldMinNodeRelease] = "1.0.0"
	e.Fields[FieldLatestNodeRelease] = "1.1.0"
	e.Fields[FieldMinSmappRelease] = "1.0.0"
	e.Fields[FieldLatestSmappRelease] = "1.2.0"
	e.Fields[FieldSmappBaseDownloadURL] = "https://dl.example.org?a=1&b=2"
	e.Fields[FieldNodeBaseDownloadURL] = "https://dl.example.org"
	return e
}

func TestDecodeMissionFixture(t *testing.T) {
	doc, err := Decode(readTestdata(t, "mission-format.json"), FormatMission)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := doc.Find(118)
	if !ok {
		t.Fatal("entry 118 not found")
	}
	want := map[Field]string{
		FieldNetName:            "TweedleDee Open Testnet 118",
		FieldAPIJSON:            "https://118.api.sm.example.org:9091",
		FieldAPIGRPC:            "https://118.api.sm.example.org:9092",
		FieldLatestSmappRelease: "0.1.13",
		FieldGenesisID:          "",
	}
	for f, v := range want {
		if e.Get(f) != v {
			t.Errorf("field %s = %q, want %q", Key(FormatMission, f), e.Get(f), v)
		}
	}
	if len(e.Extra) != 0 {
		t.Errorf("unexpected extra keys %v", e.Extra)
	}
}

func TestDecodeSmappFixtureKeepsForeignKeys(t *testing.T) {
	src := readTestdata(t, "smapp-format.json")
	doc, err := Decode(src, FormatSmapp)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := doc.Find(15)
	if !ok {
		t.Fatal("entry 15 not found")
	}
	if e.Get(FieldAPIGRPC) != "https://testnet-15-api.sm.example.org/" || e.Get(FieldLatestNodeRelease) != "v1.7.6" {
		t.Errorf("fields misread: %+v", e.Fields)
	}
	if e.Get(FieldDashAPI) != "wss://testnet-15-dashboard-api.sm.example.org/ws" || len(e.Extra) != 3 {
		t.Errorf("extra = %v", e.Extra)
	}
	// Re-encoding an untouched document keeps meaning and key order.
	out := doc.Encode()
	if !reflect.DeepEqual(semantic(t, src), semantic(t, out)) {
		t.Errorf("re-encoding changed the meaning:\n%s", out)
	}
	if keyOrder(t, src) != keyOrder(t, out) {
		t.Errorf("key order changed:\n%s\n%s", keyOrder(t, src), keyOrder(t, out))
	}
}

// keyOrder lists the keys of the first entry in source order.
func keyOrder(t *testing.T, b []byte) string {
	t.Helper()
	doc, err := Decode(b, FormatSmapp)
	if err != nil {
		t.Fatal(err)
	}
	var ks []string
	for _, m := range doc.entries[0].members {
		ks = append(ks, m.key)
	}
	return strings.Join(ks, ",")
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name   string
		format Format
		in     string
		want   string
	}{
		{"truncated fixture", FormatMission, string(readTestdata(t, "truncated.json")), "truncated"},
		{"duplicate fixture", FormatMission, string(readTestdata(t, "duplicate-ids.json")), "net id 5 appears twice: entry 1 (line 2, column 3) and entry 2 (line 3, column 3)"},
		{"empty", FormatMission, "  \n", "empty"},
		{"object", FormatMission, `{"net-id": 1}`, "not a JSON array: it starts with an object"},
		{"null", FormatMission, `null`, "not a JSON array: it starts with null"},
		{"entry not object", FormatMission, `[{"net-id": 1}, 7]`, "entry 2 (line 1, column 17) is not a JSON object: it is a number"},
		{"array entry", FormatMission, `[[1]]`, "entry 1 (line 1, column 2) is not a JSON object: it is an array"},
		{"missing id", FormatMission, `[{"net-name": "x"}]`, `has no "net-id"`},
		{"wrong dialect", FormatMission, `[{"netID": "15"}]`, `it has "netID", the key of the "smapp" format`},
		{"bad id", FormatMission, `[{"net-id": "abc"}]`, `expected a positive integer, got "abc"`},
		{"zero id", FormatMission, `[{"net-id": 0}]`, `expected a positive integer, got 0`},
		{"fraction id", FormatSmapp, `[{"netID": 1.5}]`, `expected a positive integer, got 1.5`},
		{"duplicate key", FormatMission, `[{"net-id": 1, "conf": "a", "conf": "b"}]`, `has the key "conf" twice`},
		{"trailing", FormatMission, `[] []`, "data after its closing"},
		{"syntax", FormatMission, "[\n{\"net-id\": 1,,}]", "not valid JSON at line 2"},
		{"duplicate mixed types", FormatSmapp, `[{"netID": "3"}, {"netID": 3}]`, "net id 3 appears twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode([]byte(c.in), c.format)
			if err == nil {
				t.Fatalf("decoded %q without error", c.in)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Errorf("error %T is not a *DecodeError", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestEncodeEmptyIsArray(t *testing.T) {
	doc, err := Decode([]byte(`[{"net-id": 1}]`), FormatMission)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Remove(1) || doc.Remove(1) {
		t.Fatal("Remove reported wrongly")
	}
	if got := string(doc.Encode()); got != "[]\n" {
		t.Errorf("empty document encodes as %q", got)
	}
}

func TestInsertUpsertRemoveKeepOthers(t *testing.T) {
	src := []byte(`[
{"b-first": true, "net-id": 7, "custom": {"nested": [1, 2.50, "x"]}, "net-name": "foreign"},
{"net-id": 9, "net-name": "other", "zzz": null}
]`)
	doc, err := Decode(src, FormatMission)
	if err != nil {
		t.Fatal(err)
	}
	e := sampleEntry(118)
	if err := doc.Insert(e); err != nil {
		t.Fatal(err)
	}
	var exists *ExistsError
	if err := doc.Insert(sampleEntry(7)); !errors.As(err, &exists) || exists.NetID != 7 {
		t.Fatalf("Insert of a taken id: %v", err)
	}
	out := doc.Encode()
	again, err := Decode(out, FormatMission)
	if err != nil {
		t.Fatalf("own output does not decode: %v\n%s", err, out)
	}
	if got, _ := again.Find(118); !got.Equal(e) {
		t.Errorf("round trip changed the entry: %+v", got)
	}
	if !bytes.Contains(out, []byte(`"custom": {`)) || !bytes.Contains(out, []byte(`2.50`)) || !bytes.Contains(out, []byte(`&b=2`)) {
		t.Errorf("foreign values or URL not kept as written:\n%s", out)
	}
	if want := []int64{7, 9, 118}; !reflect.DeepEqual(again.NetIDs(), want) {
		t.Errorf("order %v, want %v", again.NetIDs(), want)
	}

	// Upsert in place keeps the position and the order of keys the entry had.
	upd := sampleEntry(9)
	upd.Fields[FieldNetName] = "renamed"
	upd.Extra = map[string]string{"explorerVersion": "https://x.example.org"}
	if err := again.Upsert(upd); err != nil {
		t.Fatal(err)
	}
	if want := []int64{7, 9, 118}; !reflect.DeepEqual(again.NetIDs(), want) {
		t.Errorf("order after upsert %v, want %v", again.NetIDs(), want)
	}
	var ks []string
	for _, m := range again.entries[1].members {
		ks = append(ks, m.key)
	}
	if ks[0] != "net-id" || ks[1] != "net-name" || ks[len(ks)-1] != "explorerVersion" {
		t.Errorf("key order after upsert: %v", ks)
	}
	for _, k := range ks {
		if k == "zzz" {
			t.Errorf("a key the new entry does not have was kept: %v", ks)
		}
	}
	// The foreign entry is byte-identical in its encoded form before and after.
	before := string(doc.Encode())
	firstBefore := before[:strings.Index(before, "},")]
	after := string(again.Encode())
	if !strings.HasPrefix(after, firstBefore) {
		t.Errorf("foreign entry changed:\n%s\n---\n%s", firstBefore, after)
	}
	if !again.Remove(118) {
		t.Fatal("Remove(118) = false")
	}
	if want := []int64{7, 9}; !reflect.DeepEqual(again.NetIDs(), want) {
		t.Errorf("order after remove %v, want %v", again.NetIDs(), want)
	}
}

func TestEncodeIsDeterministicAndStable(t *testing.T) {
	for _, f := range Formats {
		doc := New(f)
		for _, id := range []int64{3, 1, 2} {
			e := sampleEntry(id)
			e.Fields[FieldGenesisID] = "00112233445566778899aabbccddeeff00112233"
			e.Extra = map[string]string{"b": "2", "a": "1", "c": "3"}
			if err := doc.Insert(e); err != nil {
				t.Fatal(err)
			}
		}
		first := doc.Encode()
		again, err := Decode(first, f)
		if err != nil {
			t.Fatal(err)
		}
		if second := again.Encode(); !bytes.Equal(first, second) {
			t.Errorf("%s: encode(decode(x)) != x:\n%s\n%s", f, first, second)
		}
	}
}

func TestSmappDialectWritesNetIDAsNumberAndOtherValuesAsStrings(t *testing.T) {
	doc := New(FormatSmapp)
	e := sampleEntry(15)
	e.Fields[FieldLatestSmappRelease] = "v1.7.2"
	if err := doc.Insert(e); err != nil {
		t.Fatal(err)
	}
	out := doc.Encode()
	// Exact bytes: smcli decodes netID into an int (smcli common/common.go)
	// and Smapp <= 0.2.8 compares it with the node config's number.
	if !bytes.Contains(out, []byte("\n    \"netID\": 15,\n")) {
		t.Errorf("netID is not written as the number 15:\n%s", out)
	}
	if !bytes.Contains(out, []byte(`"latestSmappRelease": "1.7.2"`)) {
		t.Errorf("release not written as bare semver:\n%s", out)
	}
	var got []map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got[0]["netID"] != float64(15) || got[0]["maxNodeVersion"] != "1.1.0" || got[0]["grpcAPI"] != e.Get(FieldAPIGRPC) {
		t.Errorf("smapp entry: %v", got[0])
	}
	for k, v := range got[0] {
		if _, ok := v.(string); !ok && k != "netID" {
			t.Errorf("smapp key %s is %T, clients expect strings", k, v)
		}
	}
}

func TestSmappStringNetIDIsReadAndRewrittenAsNumber(t *testing.T) {
	doc, err := Decode(readTestdata(t, "smapp-format.json"), FormatSmapp)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := doc.Find(15)
	if !ok {
		t.Fatal(`the string net id "15" was not read`)
	}
	e.Fields[FieldNetName] = "Testnet 15 renamed"
	if err := doc.Upsert(e); err != nil {
		t.Fatal(err)
	}
	out := doc.Encode()
	if !bytes.Contains(out, []byte(`"netID": 15,`)) || bytes.Contains(out, []byte(`"netID": "15"`)) {
		t.Errorf("an updated entry keeps the string net id:\n%s", out)
	}
	// The key keeps its place: it was second in the source.
	if got := keyOrder(t, out); !strings.HasPrefix(got, "netName,netID,") {
		t.Errorf("key order after update: %s", got)
	}
}

func TestSmappCurrentFixtureModelsTheFrontendKeys(t *testing.T) {
	src := readTestdata(t, "smapp-current.json")
	doc, err := Decode(src, FormatSmapp)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := doc.Find(15)
	if e.Get(FieldStatsAPI) != "https://15.stats.sm.example.org" || e.Get(FieldDashAPI) != "https://15.stats.sm.example.org/#dash-15" ||
		e.Get(FieldExplorerAPI) != "https://15.stats.sm.example.org" {
		t.Errorf("frontend keys misread: %+v", e.Fields)
	}
	if len(e.Extra) != 1 || e.Extra["repository"] == "" {
		t.Errorf("extra = %v, want only repository", e.Extra)
	}
	if err := doc.Upsert(e); err != nil {
		t.Fatal(err)
	}
	if out := doc.Encode(); !bytes.Equal(out, src) {
		t.Errorf("an unchanged upsert changed the document:\n%s", out)
	}
}

func TestCheckRefusesShadowingAndBadIDs(t *testing.T) {
	doc := New(FormatMission)
	bad := sampleEntry(1)
	bad.Extra = map[string]string{"netID": "1"}
	if err := doc.Insert(bad); err == nil || !strings.Contains(err.Error(), `"netID" shadows`) {
		t.Errorf("shadowing extra: %v", err)
	}
	if err := doc.Upsert(sampleEntry(0)); err == nil {
		t.Error("net id 0 accepted")
	}
	if doc.Len() != 0 {
		t.Error("a refused entry was added")
	}
}

func TestKnownKeys(t *testing.T) {
	if len(KnownKeys()) != 31 {
		t.Errorf("KnownKeys has %d keys: %v", len(KnownKeys()), KnownKeys())
	}
}

// FuzzDecode checks that whatever decodes re-encodes to a document that
// decodes to the same entries, and that encoding is a fixed point.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"mission-format.json", "smapp-format.json", "truncated.json", "duplicate-ids.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, name == "smapp-format.json")
	}
	f.Add([]byte(`[{"net-id": 1, "x": {"y": [1, {"z": null}]}}]`), false)
	f.Add([]byte(`[{"netID": "2", "netName": "\u00e9\n"}]`), true)
	f.Fuzz(func(t *testing.T, data []byte, smapp bool) {
		format := FormatMission
		if smapp {
			format = FormatSmapp
		}
		doc, err := Decode(data, format)
		if err != nil {
			return
		}
		out := doc.Encode()
		again, err := Decode(out, format)
		if err != nil {
			t.Fatalf("encoded document does not decode: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(doc.Entries(), again.Entries()) {
			t.Fatalf("entries changed across a round trip")
		}
		if !bytes.Equal(out, again.Encode()) {
			t.Fatalf("encoding is not a fixed point")
		}
		if !reflect.DeepEqual(semantic(t, data), semantic(t, out)) {
			t.Fatalf("meaning changed:\n%s\n%s", data, out)
		}
	})
}

func TestMoveToFront(t *testing.T) {
	doc, err := Decode([]byte(`[{"net-id": 1}, {"net-id": 2}, {"net-id": 3}, {"net-id": 4}]`), FormatMission)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.MoveToFront(3) || doc.MoveToFront(9) {
		t.Fatal("MoveToFront reported wrongly")
	}
	if want := []int64{3, 1, 2, 4}; !reflect.DeepEqual(doc.NetIDs(), want) {
		t.Errorf("order %v, want %v", doc.NetIDs(), want)
	}
	if doc.Index(3) != 0 || doc.Index(4) != 3 || doc.Index(9) != -1 {
		t.Errorf("Index: %d %d %d", doc.Index(3), doc.Index(4), doc.Index(9))
	}
	doc.MoveToFront(3)
	if want := []int64{3, 1, 2, 4}; !reflect.DeepEqual(doc.NetIDs(), want) {
		t.Errorf("moving the first entry changed the order: %v", doc.NetIDs())
	}
}
