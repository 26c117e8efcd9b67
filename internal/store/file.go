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
		// Only a missing file in a directory that exists is "no document": a
		// directory that is gone (unmounted, a typo) would otherwise make
		// every entry look removed.
		if err := f.checkDir(target); err != nil {
			return nil, Version{}, fmt.Errorf("reading %s: %w", f.Location(), err)
		}
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

// checkDir is nil when the directory of target exists, and otherwise says
// why not.
func (f *File) checkDir(target string) error {
	dir := filepath.Dir(target)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the directory %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("the directory of the document: %w", err)
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// Write replaces the document by a rename, which is atomic: nothing of a
// write is visible before it, so a write that fails did not happen.
func (f *File) Write(ctx context.Context, data []byte, expect Version) (Version, error) {
	v, err := f.write(ctx, data, expect)
	if err != nil && !errors.Is(err, ErrConflict) {
		return Version{}, &RejectedError{Err: err}
	}
	return v, err
}

func (f *File) write(ctx context.Context, data []byte, expect Version) (Version, error) {
	target, err := f.target()
	if err != nil {
		return Version{}, err
	}
	dir := filepath.Dir(target)
	if err := f.checkDir(target); err != nil {
		return Version{}, fmt.Errorf("writing %s: %w", f.Location(), err)
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

// lockMode is the mode a new lock file is created with, less the umask, as
// any new file is: in a directory several users share (a common group,
// umask 002) each of them can take the lock another one created.
const lockMode = 0o666

// lockTarget takes the lock file beside target, waiting as long as ctx lets.
// The lock is held on a descriptor opened for writing where the user may
// (NFS emulates flock with byte-range locks, which need it), else for
// reading, which is enough for flock: a writer needs only read access to a
// lock file someone else created.
func lockTarget(ctx context.Context, target string) (unlock func(), err error) {
	path := lockPath(target)
	lock := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDWR), flock.SetPermissions(lockMode))
	locked, err := lock.TryLockContext(ctx, 20*time.Millisecond)
	if errors.Is(err, fs.ErrPermission) {
		lock = flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDONLY), flock.SetPermissions(lockMode))
		locked, err = lock.TryLockContext(ctx, 20*time.Millisecond)
	}
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("locking %s: %w%s: every user who writes the document must be able to open its lock file; let them read it (chmod a+r, or g+rw on NFS) or remove it, it holds no data", path, err, describeOwner(path))
	}
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if !locked {
		return nil, fmt.Errorf("locking %s: %w", path, ctx.Err())
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
