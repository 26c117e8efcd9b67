package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// File keeps the document in a local file. Writers serialise on a lock file
// beside it; readers never lock, because a write replaces the file by an
// atomic rename and so a reader sees either the old or the new document.
// When the path is a symbolic link, the file it points to is the document:
// it is locked, read and replaced in its own directory, and the link stays.
type File struct {
	path string
}

// NewFile returns a store for the file at loc.
func NewFile(loc Location) *File { return &File{path: loc.Path} }

func (f *File) Location() string { return Location{Scheme: "file", Path: f.path}.String() }

func lockPath(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock")
}

// maxLinks bounds the symbolic links followed, as the kernel does.
const maxLinks = 40

// target is the file the path finally names, through every symbolic link
// (a dangling one included: writing creates its target), with the symbolic
// links of its directory resolved too. A missing directory is left as it is
// for Write to report.
func (f *File) target() (string, error) {
	p := f.path
	for range maxLinks {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", fmt.Errorf("resolving %s: %w", f.Location(), err)
		}
		p = filepath.Join(dir, filepath.Base(p))
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || err == nil && st.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		if err != nil {
			return "", fmt.Errorf("resolving %s: %w", f.Location(), err)
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("resolving %s: %w", f.Location(), err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(dir, link)
		}
		p = link
	}
	return "", fmt.Errorf("resolving %s: more than %d symbolic links", f.Location(), maxLinks)
}

func (f *File) Read(ctx context.Context) ([]byte, Version, error) {
	target, err := f.target()
	if err != nil {
		return nil, Version{}, err
	}
	data, err := readLimited(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Version{}, nil
	}
	if err != nil {
		return nil, Version{}, err
	}
	return data, fileVersion(data), nil
}

func readLimited(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxDocumentSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("%s is larger than %d bytes: not a discovery document", path, MaxDocumentSize)
	}
	return data, nil
}

func fileVersion(data []byte) Version {
	sum := sha256.Sum256(data)
	return Version{Exists: true, Token: "sha256:" + hex.EncodeToString(sum[:])}
}

func (f *File) Write(ctx context.Context, data []byte, expect Version) (Version, error) {
	target, err := f.target()
	if err != nil {
		return Version{}, err
	}
	dir := filepath.Dir(target)
	if _, err := os.Stat(dir); err != nil {
		return Version{}, fmt.Errorf("the directory of %s: %w", f.Location(), err)
	}
	unlock, err := lockTarget(ctx, target)
	if err != nil {
		return Version{}, err
	}
	defer unlock()
	// A link changed while this writer waited for the lock: what it read
	// may have been another file.
	if now, err := f.target(); err != nil || now != target {
		return Version{}, ErrConflict
	}
	if err := expectVersion(target, expect); err != nil {
		return Version{}, err
	}
	if err := replaceFile(target, data); err != nil {
		return Version{}, err
	}
	syncDir(dir)
	return fileVersion(data), nil
}

// lockTarget takes the lock file beside target, waiting as long as ctx lets.
func lockTarget(ctx context.Context, target string) (unlock func(), err error) {
	lock := flock.New(lockPath(target))
	locked, err := lock.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", lockPath(target), err)
	}
	if !locked {
		return nil, fmt.Errorf("locking %s: %w", lockPath(target), ctx.Err())
	}
	return func() { lock.Unlock() }, nil
}

// expectVersion is ErrConflict unless target is at version expect (an
// absent file is the zero Version).
func expectVersion(target string, expect Version) error {
	current, err := readLimited(target)
	var now Version
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		now = fileVersion(current)
	}
	if now != expect {
		return ErrConflict
	}
	return nil
}

// replaceFile writes data to a temporary file beside target, with target's
// permissions, and renames it over target: readers see the old document or
// the new one, never a part.
func replaceFile(target string, data []byte) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(target); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	// fsync before the rename: otherwise a crash can leave the new name
	// pointing at a file whose contents never reached the disk.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// syncDir makes the rename durable where the platform allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not supported on every platform; the rename itself is atomic regardless
		d.Close()
	}
}
