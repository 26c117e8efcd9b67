package discovery

import (
	"fmt"
	"testing"
)

// BenchmarkUpsertRoundTrip is what every change costs the provider: decode a
// document of 100 networks, replace one entry, encode.
func BenchmarkUpsertRoundTrip(b *testing.B) {
	doc := New(FormatMission)
	for id := int64(1); id <= 100; id++ {
		e := sampleEntry(id)
		e.Fields[FieldExplorerAPI] = fmt.Sprintf("https://%d.explorer-api.example.org/", id)
		if err := doc.Insert(e); err != nil {
			b.Fatal(err)
		}
	}
	src := doc.Encode()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := Decode(src, FormatMission)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.Upsert(sampleEntry(50)); err != nil {
			b.Fatal(err)
		}
		_ = d.Encode()
	}
}
