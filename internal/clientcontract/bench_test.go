package clientcontract

import "testing"

// BenchmarkCheck is one check of today's document against every client, as
// each acceptance test step does.
func BenchmarkCheck(b *testing.B) {
	doc := readFixtureB(b, "smapp-current.json")
	for b.Loop() {
		if vs, err := Check(doc); err != nil || len(vs) != 0 {
			b.Fatal(vs, err)
		}
	}
}
