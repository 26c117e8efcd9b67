package discovery

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// clashEntry is a complete entry whose values are its own.
func clashEntry(id int64) Entry {
	e := Entry{NetID: id}
	e.Fields[FieldNetName] = fmt.Sprintf("Testnet %d", id)
	e.Fields[FieldConf] = fmt.Sprintf("https://configs.example.org/%d/testnet-%d.json", id, id)
	e.Fields[FieldDashAPI] = fmt.Sprintf("https://%d.stats.example.org/#dash-%d", id, id)
	e.Fields[FieldExplorer] = fmt.Sprintf("https://%d.explore.example.org/", id)
	return e
}

func clashDoc(t *testing.T, f Format, entries ...Entry) *Document {
	t.Helper()
	d := New(f)
	for _, e := range entries {
		if err := d.Insert(e); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func wantErrorMentioning(t *testing.T, what string, err error, words ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: accepted, want an error mentioning %q", what, words)
		return
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error does not mention %q:\n%v", what, w, err)
		}
	}
}

// Both web frontends select the network whose dashAPI equals the chosen one
// (explorer-frontend src/store/index.jsx, dash-frontend
// src/store/ViewStore/index.js): two entries with one dashAPI cannot be told
// apart. The explorer appends a '/' to the key it selected, so a trailing
// '/' makes no difference.
func TestDashAPIClashRefused(t *testing.T) {
	t.Parallel()
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			d := clashDoc(t, f, clashEntry(118))
			before := string(d.Encode())
			dup := clashEntry(119)
			dup.Fields[FieldDashAPI] = "https://118.stats.example.org/#dash-118"
			err := d.Insert(dup)
			wantErrorMentioning(t, "insert", err, "net id 119 (Testnet 119)", "net id 118 (Testnet 118)",
				Key(f, FieldDashAPI), `"https://118.stats.example.org/#dash-118"`, "src/store/index.jsx", "src/store/ViewStore/index.js")
			var clash *ClashError
			if !errors.As(err, &clash) || clash.Field != FieldDashAPI || clash.NetID != 119 || clash.OtherNetID != 118 {
				t.Errorf("insert: got %#v, want a *ClashError of dashAPI between 119 and 118", err)
			}
			if got := string(d.Encode()); got != before {
				t.Errorf("a refused insert changed the document:\n%s", got)
			}

			// The same key but for the '/' the explorer adds.
			slash := clashEntry(119)
			slash.Fields[FieldDashAPI] = "https://118.stats.example.org/#dash-118/"
			wantErrorMentioning(t, "trailing slash", d.Upsert(slash), "net id 118", "the explorer appends '/'")

			// An update that gives an existing entry another's dashAPI.
			if err := d.Insert(clashEntry(119)); err != nil {
				t.Fatal(err)
			}
			wantErrorMentioning(t, "update", d.Upsert(dup), "net id 119", "net id 118")
			if e, _ := d.Find(119); e.Get(FieldDashAPI) != "https://119.stats.example.org/#dash-119" {
				t.Errorf("a refused update changed the entry: %v", e)
			}
		})
	}
}

// Smapp caches each network's config under the last part of its conf URL
// (smapp desktop/main/fallbackConfigs.ts getConfigFilename), in one
// directory: two entries whose conf URLs end in one file name overwrite each
// other's cached config.
func TestConfFileNameClashRefused(t *testing.T) {
	t.Parallel()
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			a := clashEntry(118)
			a.Fields[FieldConf] = "https://configs.example.org/118/config.json"
			d := clashDoc(t, f, a)
			b := clashEntry(119)
			b.Fields[FieldConf] = "https://configs.example.org/119/config.json"
			wantErrorMentioning(t, "insert", d.Insert(b), "net id 119 (Testnet 119)", "net id 118 (Testnet 118)",
				`"config.json"`, "https://configs.example.org/119/config.json", "https://configs.example.org/118/config.json", "fallbackConfigs.ts")
			// macOS and Windows keep file names case-insensitively.
			b.Fields[FieldConf] = "https://other.example.org/Config.JSON"
			wantErrorMentioning(t, "case", d.Insert(b), `"Config.JSON"`, "net id 118")
			b.Fields[FieldConf] = "https://configs.example.org/119/testnet-119.json"
			if err := d.Insert(b); err != nil {
				t.Errorf("a file name of its own: %v", err)
			}
		})
	}
}

// A document that already holds a clash (written before the rule, or by
// another tool) must not stop writes that do not make it: other entries are
// written as usual, and the entries in the clash may change anything but
// make a new clash. Removing either always works.
func TestExistingClashDoesNotBlockOtherWrites(t *testing.T) {
	t.Parallel()
	seed := `[
  {"netID": 5, "netName": "Five", "conf": "https://c.example.org/5/config.json", "dashAPI": "https://s.example.org/"},
  {"netID": 6, "netName": "Six", "conf": "https://c.example.org/6/config.json", "dashAPI": "https://s.example.org"}
]
`
	d, err := Decode([]byte(seed), FormatSmapp)
	if err != nil {
		t.Fatal(err)
	}
	// An unrelated entry.
	if err := d.Insert(clashEntry(118)); err != nil {
		t.Errorf("an unrelated insert: %v", err)
	}
	// An entry of the clash, changed in a value of no clash.
	five, _ := d.Find(5)
	five.Fields[FieldLatestSmappRelease] = "1.7.2"
	if err := d.Upsert(five); err != nil {
		t.Errorf("an update that keeps an existing clash: %v", err)
	}
	// ... but not into a new clash.
	five.Fields[FieldDashAPI] = "https://118.stats.example.org/#dash-118"
	wantErrorMentioning(t, "a new clash", d.Upsert(five), "net id 5 (Five)", "net id 118 (Testnet 118)")
	six, _ := d.Find(6)
	six.Fields[FieldConf] = "https://c.example.org/6/testnet-118.json"
	wantErrorMentioning(t, "a new conf clash", d.Upsert(six), "net id 6 (Six)", "net id 118 (Testnet 118)", `"testnet-118.json"`)
	if !d.Remove(6) {
		t.Error("removing an entry of the clash failed")
	}
	if got := d.NetIDs(); fmt.Sprint(got) != "[5 118]" {
		t.Errorf("net ids %v", got)
	}
}

// Every new clash of one write is reported at once, each with its field, so
// that one apply names everything to fix; Clashes lists the ones an entry
// keeps, for the warning after a write that left them as they were.
func TestClashesReportedTogether(t *testing.T) {
	t.Parallel()
	d := clashDoc(t, FormatSmapp, clashEntry(118), clashEntry(119))
	e := clashEntry(120)
	e.Fields[FieldDashAPI] = clashEntry(118).Get(FieldDashAPI)
	e.Fields[FieldConf] = "https://elsewhere.example.org/testnet-119.json"
	err := d.Insert(e)
	clashes := ClashesIn(fmt.Errorf("wrapped: %w", err))
	if len(clashes) != 2 {
		t.Fatalf("got %d clashes from %v, want 2", len(clashes), err)
	}
	if c := clashes[0]; c.Field != FieldDashAPI || c.OtherNetID != 118 || c.Key != "dashAPI" {
		t.Errorf("first clash %+v, want dashAPI with 118", c)
	}
	if c := clashes[1]; c.Field != FieldConf || c.OtherNetID != 119 || c.Value != e.Get(FieldConf) || c.OtherValue != clashEntry(119).Get(FieldConf) {
		t.Errorf("second clash %+v, want conf with 119", c)
	}
	if ClashesIn(nil) != nil || ClashesIn(errors.New("other")) != nil {
		t.Error("ClashesIn found clashes in errors without any")
	}
	// An entry without the values clashes with nothing: absent is not a key.
	bare := Entry{NetID: 121}
	bare.Fields[FieldNetName] = "bare"
	if err := d.Insert(bare); err != nil {
		t.Errorf("an entry without conf or dashAPI: %v", err)
	}
	if got := d.Clashes(clashEntry(118)); len(got) != 0 {
		t.Errorf("an entry compared with itself: %v", got)
	}
	if got := d.Clashes(e); len(got) != 2 {
		t.Errorf("Clashes(e) = %v, want both", got)
	}
}
