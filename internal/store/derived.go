package store

import (
	"context"
	"crypto/md5" //nolint:gosec // GCS reports an object's MD5; it only tells unchanged content apart
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"
)

// Derived objects are files or objects beside the document (in its bucket or
// directory) computed from it, such as the web frontends' network lists.
// They are not compared-and-swapped: WriteDerived makes them follow the
// document, and a reader may see them a write behind for as long as that
// takes.

// Siblings writes and lists objects beside a document. Names are relative to
// the document's folder, with '/' as separator.
type Siblings interface {
	// PutSibling replaces name with data, whole.
	PutSibling(ctx context.Context, name string, data []byte) error
	// ListSiblings returns the MD5 of every object under prefix, by name.
	ListSiblings(ctx context.Context, prefix string) (map[string][md5.Size]byte, error)
	// GetSibling reads name; found is false when there is none.
	GetSibling(ctx context.Context, name string) (data []byte, found bool, err error)
}

// Derive computes the derived objects of the document data (nil when there
// is none), by name relative to the prefix. existing names what is under the
// prefix now, so that Derive can say what an object it no longer makes holds.
type Derive func(data []byte, existing []string) (map[string][]byte, error)

// maxDerivedRounds bounds how often WriteDerived starts over because the
// document changed while it wrote: each round is a few requests, and a
// document that changes that often is rewritten by its writers, who then
// write the derived objects themselves.
const maxDerivedRounds = 5

// WriteDerived brings the derived objects under prefix in line with the
// document as it is now. It reads the document, writes what derive makes of
// it (skipping objects already holding those bytes), and reads the
// document's version again: if the document changed meanwhile, it starts
// over. So whatever the interleaving of writers, the last to finish wrote
// the objects of the document that is there: a writer whose round saw no
// change finished every write before the next change of the document, whose
// writer writes after it.
func WriteDerived(ctx context.Context, s Store, prefix string, derive Derive) error {
	sib, ok := s.(Siblings)
	if !ok {
		return fmt.Errorf("%s cannot hold derived objects", s.Location())
	}
	for range maxDerivedRounds {
		data, v, err := s.Read(ctx)
		if err != nil {
			return err
		}
		have, err := sib.ListSiblings(ctx, prefix)
		if err != nil {
			return err
		}
		existing := make([]string, 0, len(have))
		for name := range have {
			existing = append(existing, strings.TrimPrefix(name, prefix))
		}
		sort.Strings(existing)
		objects, err := derive(data, existing)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(objects))
		for name := range objects {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if sum, ok := have[prefix+name]; ok && sum == md5.Sum(objects[name]) { //nolint:gosec // see the import
				continue
			}
			if err := sib.PutSibling(ctx, prefix+name, objects[name]); err != nil {
				return err
			}
		}
		_, now, err := s.Read(ctx)
		if err != nil {
			return err
		}
		if now == v {
			return nil
		}
	}
	return fmt.Errorf("%s changed %d times while the objects derived from it were written; its next write writes them again", s.Location(), maxDerivedRounds)
}

// siblingName checks that name stays inside the document's folder.
func siblingName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
		return fmt.Errorf("derived object name %q is not a plain relative path", name)
	}
	return nil
}

// --- GCS ---------------------------------------------------------------------------------------

func (g *GCS) siblingObject(name string) string {
	if dir := path.Dir(g.object); dir != "." {
		return dir + "/" + name
	}
	return name
}

// PutSibling writes the object unconditionally: the same bytes may be written
// again at any time, so the client's retry of transient failures (with its
// back-off) is safe here, unlike for the document.
func (g *GCS) PutSibling(ctx context.Context, name string, data []byte) error {
	if err := siblingName(name); err != nil {
		return err
	}
	obj := g.siblingObject(name)
	w := g.client.Bucket(g.bucket).Object(obj).Retryer(storage.WithPolicy(storage.RetryAlways)).NewWriter(ctx)
	w.ContentType = "application/json"
	w.CacheControl = g.cacheControl
	w.ChunkSize = 0
	if _, err := w.Write(data); err != nil {
		_ = w.Close() // the write already failed; its error is the one to report
		return fmt.Errorf("writing gs://%s/%s: %w", g.bucket, obj, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing gs://%s/%s: %w", g.bucket, obj, err)
	}
	return nil
}

// GetSibling reads the object.
func (g *GCS) GetSibling(ctx context.Context, name string) ([]byte, bool, error) {
	if err := siblingName(name); err != nil {
		return nil, false, err
	}
	obj := g.siblingObject(name)
	r, err := g.client.Bucket(g.bucket).Object(obj).Retryer(storage.WithPolicy(storage.RetryAlways)).NewReader(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading gs://%s/%s: %w", g.bucket, obj, err)
	}
	defer r.Close() //nolint:errcheck // a read-only stream
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, false, fmt.Errorf("reading gs://%s/%s: %w", g.bucket, obj, err)
	}
	return data, true, nil
}

// ListSiblings lists the objects under prefix with their MD5 (one listing
// request per thousand objects).
func (g *GCS) ListSiblings(ctx context.Context, prefix string) (map[string][md5.Size]byte, error) {
	full := g.siblingObject(prefix)
	base := strings.TrimSuffix(full, prefix)
	q := &storage.Query{Prefix: full}
	if err := q.SetAttrSelection([]string{"Name", "MD5"}); err != nil {
		return nil, err
	}
	it := g.client.Bucket(g.bucket).Retryer(storage.WithPolicy(storage.RetryAlways)).Objects(ctx, q)
	out := map[string][md5.Size]byte{}
	for {
		attrs, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("listing gs://%s/%s: %w", g.bucket, full, err)
		}
		var sum [md5.Size]byte
		copy(sum[:], attrs.MD5)
		out[strings.TrimPrefix(attrs.Name, base)] = sum
	}
}

// --- files -------------------------------------------------------------------------------------

func (f *File) siblingPath(name string) string {
	return filepath.Join(filepath.Dir(f.path), filepath.FromSlash(name))
}

// PutSibling writes the file by a rename, creating its directories, so a
// reader sees the old file or the new one.
func (f *File) PutSibling(_ context.Context, name string, data []byte) error {
	if err := siblingName(name); err != nil {
		return err
	}
	p := f.siblingPath(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := replaceFile(p, data); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}

// GetSibling reads the file.
func (f *File) GetSibling(_ context.Context, name string) ([]byte, bool, error) {
	if err := siblingName(name); err != nil {
		return nil, false, err
	}
	data, err := readLimited(f.siblingPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// ListSiblings walks the directory under prefix (none yet is an empty list).
func (f *File) ListSiblings(_ context.Context, prefix string) (map[string][md5.Size]byte, error) {
	root := filepath.Dir(f.path)
	start := f.siblingPath(prefix)
	out := map[string][md5.Size]byte{}
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == start {
				return filepath.SkipAll
			}
			return err
		}
		// Temporary files of a write under way are not objects yet.
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		data, err := readLimited(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = md5.Sum(data) //nolint:gosec // see the import
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", start, err)
	}
	return out, nil
}
