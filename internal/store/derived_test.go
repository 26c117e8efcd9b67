package store_test

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // the stores report MD5s
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
)

const derivedPrefix = "views/networks/"

// deriveLines makes "all" (the document) and "<line>/one" (the line, then the
// document) for every line; an "<x>/one" that exists for a line no longer
// there gets the document, as a network's view does once it is retired.
func deriveLines(data []byte, existing []string) (map[string][]byte, error) {
	out := map[string][]byte{"all": data}
	for _, name := range existing {
		if strings.HasSuffix(name, "/one") {
			out[name] = data
		}
	}
	for _, l := range strings.Fields(string(data)) {
		out[l+"/one"] = append([]byte(l+"\n"), data...)
	}
	return out, nil
}

// siblings is s's access to the objects beside its document.
func siblings(t *testing.T, s store.Store) store.Siblings {
	t.Helper()
	sib, ok := s.(store.Siblings)
	if !ok {
		t.Fatalf("%T holds no derived objects", s)
	}
	return sib
}

// derivedObjects reads every object under the prefix.
func derivedObjects(t *testing.T, s store.Store) map[string][md5.Size]byte {
	t.Helper()
	got, err := siblings(t, s).ListSiblings(context.Background(), derivedPrefix)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// checkDerivedFollow fails unless the objects under the prefix are exactly
// what deriveLines makes of the document as it is.
func checkDerivedFollow(t *testing.T, s store.Store) {
	t.Helper()
	data, _, err := s.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	have := derivedObjects(t, s)
	var existing []string
	for name := range have {
		existing = append(existing, strings.TrimPrefix(name, derivedPrefix))
	}
	want, _ := deriveLines(data, existing)
	if len(have) != len(want) {
		t.Errorf("%d derived objects %v, want %d", len(have), have, len(want))
	}
	for name, content := range want {
		if have[derivedPrefix+name] != md5.Sum(content) { //nolint:gosec // see the import
			t.Errorf("%s does not hold what the document %q makes of it", name, data)
		}
	}
}

func TestWriteDerivedFollowsTheDocument(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			for _, doc := range []string{"a\nb\n", "a\nb\nc\n", "a\nc\n", ""} {
				_, v, err := s.Read(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.Write(ctx, []byte(doc), v); err != nil {
					t.Fatal(err)
				}
				if err := store.WriteDerived(ctx, s, derivedPrefix, deriveLines); err != nil {
					t.Fatal(err)
				}
				checkDerivedFollow(t, s)
			}
			if b, found, err := siblings(t, s).GetSibling(ctx, derivedPrefix+"all"); err != nil || !found || len(b) != 0 {
				t.Errorf("GetSibling(all) = %q %v %v, want the empty document", b, found, err)
			}
			if _, found, err := siblings(t, s).GetSibling(ctx, derivedPrefix+"none"); err != nil || found {
				t.Errorf("GetSibling(none) = %v %v, want not found", found, err)
			}
			// b and c left: their objects hold the document (empty), never their old lists.
			have := derivedObjects(t, s)
			for _, n := range []string{"a/one", "b/one", "c/one"} {
				if have[derivedPrefix+n] != md5.Sum(nil) { //nolint:gosec // see the import
					t.Errorf("%s of a line that left does not hold the document", n)
				}
			}
		})
	}
}

// countingStore counts the derived objects written.
type countingStore struct {
	store.Store
	sib  store.Siblings
	puts atomic.Int64
}

func (c *countingStore) PutSibling(ctx context.Context, name string, data []byte) error {
	c.puts.Add(1)
	return c.sib.PutSibling(ctx, name, data)
}

func (c *countingStore) GetSibling(ctx context.Context, name string) ([]byte, bool, error) {
	return c.sib.GetSibling(ctx, name)
}

func (c *countingStore) ListSiblings(ctx context.Context, prefix string) (map[string][md5.Size]byte, error) {
	return c.sib.ListSiblings(ctx, prefix)
}

func TestWriteDerivedSkipsWhatIsCurrent(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			c := &countingStore{Store: s, sib: siblings(t, s)}
			if _, err := s.Write(ctx, []byte("a\nb\n"), store.Version{}); err != nil {
				t.Fatal(err)
			}
			for i, want := range []int64{3, 3} {
				if err := store.WriteDerived(ctx, c, derivedPrefix, deriveLines); err != nil {
					t.Fatal(err)
				}
				if got := c.puts.Load(); got != want {
					t.Errorf("after round %d: %d writes, want %d", i+1, got, want)
				}
			}
		})
	}
}

// raceAfterDerive lets another writer change the document, and write what
// derives from it, between a WriteDerived's read and its writes: the first
// WriteDerived then writes objects of a document that is no longer there.
type raceAfterDerive struct {
	once  sync.Once
	other func()
}

func (r *raceAfterDerive) derive(data []byte, existing []string) (map[string][]byte, error) {
	out, err := deriveLines(data, existing)
	r.once.Do(r.other)
	return out, err
}

func TestWriteDerivedStartsOverWhenTheDocumentChanged(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Write(ctx, []byte("a\nb\n"), store.Version{}); err != nil {
				t.Fatal(err)
			}
			r := &raceAfterDerive{other: func() {
				_, v, _ := s.Read(ctx)
				if _, err := s.Write(ctx, []byte("a\n"), v); err != nil {
					t.Error(err)
				}
				if err := store.WriteDerived(ctx, s, derivedPrefix, deriveLines); err != nil {
					t.Error(err)
				}
			}}
			if err := store.WriteDerived(ctx, s, derivedPrefix, r.derive); err != nil {
				t.Fatal(err)
			}
			checkDerivedFollow(t, s)
			got, _ := siblings(t, s).ListSiblings(ctx, derivedPrefix)
			if got[derivedPrefix+"b/one"] != md5.Sum([]byte("a\n")) { //nolint:gosec // see the import
				t.Errorf("b/one still lists b after b left the document")
			}
		})
	}
}

// TestConcurrentWritersDerivedFollow runs independent Syncers (separate
// processes) that each write the derived objects after their writes: once
// they are done, the objects are those of the final document.
func TestConcurrentWritersDerivedFollow(t *testing.T) {
	for _, name := range []string{"gcs", "file"} {
		t.Run(name, func(t *testing.T) {
			s := stores(t)[name]
			const writers, each = 3, 4
			var wg sync.WaitGroup
			errs := make(chan error, writers*each)
			for w := range writers {
				sy := store.NewSyncer(s, store.SyncerConfig{
					Coalesce: true,
					Backoff:  store.Backoff{Initial: time.Millisecond, Max: 20 * time.Millisecond},
					AfterWrite: func(ctx context.Context) error {
						return store.WriteDerived(ctx, s, derivedPrefix, deriveLines)
					},
				})
				for i := range each {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
						defer cancel()
						line := fmt.Sprintf("w%d-%d", w, i)
						change := addLine(line)
						if i%2 == 1 { // every other change removes the line before it
							prev := fmt.Sprintf("w%d-%d", w, i-1)
							change = func(cur []byte, _, _ bool) ([]byte, error) {
								return bytes.ReplaceAll(cur, []byte(prev+"\n"), nil), nil
							}
						}
						errs <- sy.Mutate(ctx, change)
					}()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			checkDerivedFollow(t, s)
		})
	}
}

func TestSiblingNamesStayBesideTheDocument(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			for _, bad := range []string{"../x.json", "/x.json", "a/../../x", "", "a//b"} {
				if err := siblings(t, s).PutSibling(context.Background(), bad, []byte("x")); err == nil {
					t.Errorf("PutSibling(%q) = nil, want an error", bad)
				}
			}
		})
	}
}

// BenchmarkWriteDerived is the views step after one write of a document of
// ten networks (eleven lists), on a file: the first run writes every list,
// later ones only what changed (here one network's name changes each time,
// so every list does).
func BenchmarkWriteDerived(b *testing.B) {
	ctx := context.Background()
	loc, _ := store.ParseURL("file://" + filepath.Join(b.TempDir(), "networks.json"))
	s := store.NewFile(loc)
	doc := func(i int) []byte {
		var lines []string
		for n := range 10 {
			lines = append(lines, fmt.Sprintf("net%d-%d", n, i*btoi(n == 0)))
		}
		return []byte(strings.Join(lines, "\n") + "\n")
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, v, _ := s.Read(ctx)
		if _, err := s.Write(ctx, doc(i), v); err != nil {
			b.Fatal(err)
		}
		if err := store.WriteDerived(ctx, s, derivedPrefix, deriveLines); err != nil {
			b.Fatal(err)
		}
	}
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}
