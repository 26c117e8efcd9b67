package discovery

import (
	"reflect"
	"testing"
)

func threeNetworks(t *testing.T, f Format) *Document {
	t.Helper()
	d := New(f)
	for _, id := range []int64{118, 119, 120} {
		e := sampleEntry(id)
		e.Fields[FieldDashAPI] = ""
		e.Fields[FieldAPIJSON] = "https://" + ViewOf(id)[:3] + ".api.sm.example.org"
		e.Fields[FieldAPIGRPC] = "https://" + ViewOf(id)[:3] + ".api.sm.example.org:443"
		e.Extra = map[string]string{"note": "kept"}
		if err := d.Insert(e); err != nil {
			t.Fatalf("insert %d: %v", id, err)
		}
	}
	return d
}

// decodeView reads a view as the frontends' dialect and returns its net ids
// in order.
func decodeView(t *testing.T, name string, b []byte) []int64 {
	t.Helper()
	v, err := Decode(b, FormatSmapp)
	if err != nil {
		t.Fatalf("view %s does not decode in the smapp dialect: %v\n%s", name, err, b)
	}
	return v.NetIDs()
}

func TestViewsOpenOnTheirNetwork(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			d := threeNetworks(t, f)
			views := d.Views(nil)
			want := map[string][]int64{
				"networks.json":     {118, 119, 120},
				"118/networks.json": {118, 119, 120},
				"119/networks.json": {119, 118, 120},
				"120/networks.json": {120, 118, 119},
			}
			if len(views) != len(want) {
				t.Fatalf("views %v, want the names of %v", keysOf(views), want)
			}
			for name, ids := range want {
				if got := decodeView(t, name, views[name]); !reflect.DeepEqual(got, ids) {
					t.Errorf("%s lists %v, want %v", name, got, ids)
				}
			}
			// Every entry is the document's, in the keys the frontends read.
			all, _ := Decode(views["networks.json"], FormatSmapp)
			for _, e := range d.Entries() {
				got, ok := all.Find(e.NetID)
				if !ok || !reflect.DeepEqual(got.Fields, e.Fields) || got.Extra["note"] != "kept" {
					t.Errorf("net %d in the view: %+v, want %+v", e.NetID, got, e)
				}
			}
			// The document itself is not changed by deriving its views.
			if ids := d.NetIDs(); !reflect.DeepEqual(ids, []int64{118, 119, 120}) || d.Format() != f {
				t.Errorf("the document changed: %v %s", ids, d.Format())
			}
		})
	}
}

func TestViewOfARetiredNetworkListsTheOthers(t *testing.T) {
	d := threeNetworks(t, FormatSmapp)
	d.Remove(119)
	views := d.Views([]string{"networks.json", "118/networks.json", "119/networks.json", "120/networks.json", "index.html", "119/other.json"})
	if got := decodeView(t, "119/networks.json", views["119/networks.json"]); !reflect.DeepEqual(got, []int64{118, 120}) {
		t.Errorf("the retired network's view lists %v, want [118 120]", got)
	}
	for _, name := range []string{"index.html", "119/other.json"} {
		if _, ok := views[name]; ok {
			t.Errorf("%s is not a view but was written", name)
		}
	}
	for name, b := range views {
		for _, id := range decodeView(t, name, b) {
			if id == 119 {
				t.Errorf("%s still lists the retired network", name)
			}
		}
	}
}

func TestEmptyDocumentViews(t *testing.T) {
	views := New(FormatSmapp).Views([]string{"118/networks.json"})
	for _, name := range []string{"networks.json", "118/networks.json"} {
		if string(views[name]) != "[]\n" {
			t.Errorf("%s = %q, want []", name, views[name])
		}
	}
}

func TestIsViewName(t *testing.T) {
	for name, want := range map[string]bool{
		"networks.json": true, "118/networks.json": true, "0/networks.json": false,
		"x/networks.json": false, "118/networks.json.tmp": false, "a/118/networks.json": false,
	} {
		if IsViewName(name) != want {
			t.Errorf("IsViewName(%q) = %v, want %v", name, !want, want)
		}
	}
}

func keysOf(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
