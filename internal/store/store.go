// Package store keeps a document at a location (a GCS object or a local file)
// and changes it only by compare-and-swap: a write succeeds only if the
// document is still the version that was read. Syncer builds the retry,
// back-off and coalescing on top.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// MaxDocumentSize bounds what Read accepts: a discovery document is a few
// kilobytes; anything near this is not one.
const MaxDocumentSize = 8 << 20

// Version identifies what a Read saw. The zero Version means "absent".
type Version struct {
	Exists bool
	// Token is the GCS generation, or the SHA-256 of a file's contents.
	Token string
}

func (v Version) String() string {
	if !v.Exists {
		return "absent"
	}
	return v.Token
}

// ErrConflict means the document changed after it was read: re-read and
// re-apply.
var ErrConflict = errors.New("the document changed since it was read")

// TransientError is a failure worth retrying after a pause (429, 5xx,
// timeouts, dropped connections).
type TransientError struct {
	Err error
	// RetryAfter is the server's requested pause, or zero.
	RetryAfter time.Duration
	// Rejected is true when a write certainly did not happen (a 429 rate
	// limit, a connection never made), false when the outcome is unknown.
	Rejected bool
}

func (e *TransientError) Error() string { return e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// RejectedError is a failed write that certainly did not happen: the server
// refused it (a 403, a bad request), or it stopped before anything changed
// (a missing directory, a lock file that cannot be opened). It is not
// retried. A refusal worth retrying is a TransientError with Rejected set.
type RejectedError struct {
	Err error
}

func (e *RejectedError) Error() string { return e.Err.Error() }
func (e *RejectedError) Unwrap() error { return e.Err }

// NotWritten reports whether err, from Store.Write, says that the write
// certainly did not happen. Any other failure leaves its outcome unknown.
func NotWritten(err error) bool {
	var rejected *RejectedError
	var te *TransientError
	return errors.As(err, &rejected) || errors.As(err, &te) && te.Rejected
}

// Store is one document's location.
type Store interface {
	// Location is the URL the store was opened with.
	Location() string
	// Read returns the document and its version; an absent document is
	// (nil, Version{}, nil).
	Read(ctx context.Context) ([]byte, Version, error)
	// Write replaces the document if it is still at version expect, and
	// returns the new version; otherwise it returns ErrConflict. A failure
	// that certainly changed nothing says so (see NotWritten); any other
	// leaves the outcome unknown: the document may have been replaced.
	Write(ctx context.Context, data []byte, expect Version) (Version, error)
}

// Location is a parsed document URL.
type Location struct {
	Scheme string // "gs" or "file"
	Bucket string // gs
	Object string // gs
	Path   string // file: absolute, cleaned
}

// String is the canonical URL: ParseURL reads it back as the same Location.
func (l Location) String() string {
	if l.Scheme == "gs" {
		return "gs://" + l.Bucket + "/" + escapePath(l.Object)
	}
	return "file://" + escapePath(filepath.ToSlash(l.Path))
}

// escapePath escapes what would otherwise end the path ('?', '#') or start an
// escape ('%'), and the control characters a URL may not hold; everything
// else (spaces and non-ASCII included) stays readable, as it always was.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' || c == '?' || c == '#' || c < ' ' || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// ParseURL accepts gs://BUCKET/OBJECT and file:///ABSOLUTE/PATH.
func ParseURL(raw string) (Location, error) {
	const want = "expected gs://BUCKET/OBJECT or file:///ABSOLUTE/PATH"
	u, err := url.Parse(raw)
	if err != nil {
		return Location{}, fmt.Errorf("%s, got %q: %v", want, raw, err)
	}
	switch u.Scheme {
	case "gs":
		object := strings.TrimPrefix(u.Path, "/")
		if u.Host == "" || object == "" || strings.HasSuffix(object, "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return Location{}, fmt.Errorf("%s, got %q", want, raw)
		}
		if !validBucket(u.Host) {
			return Location{}, fmt.Errorf("%q is not a valid GCS bucket name (3-63 characters: lowercase letters, digits, '-', '_' and '.'), in %q", u.Host, raw)
		}
		return Location{Scheme: "gs", Bucket: u.Host, Object: object}, nil
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return Location{}, fmt.Errorf("%s, got %q (a file URL has three slashes: file:///abs/path)", want, raw)
		}
		p := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(p) || strings.HasSuffix(u.Path, "/") || u.RawQuery != "" || u.Fragment != "" {
			return Location{}, fmt.Errorf("%s, got %q", want, raw)
		}
		return Location{Scheme: "file", Path: filepath.Clean(p)}, nil
	}
	return Location{}, fmt.Errorf("%s, got %q", want, raw)
}

func validBucket(name string) bool {
	if len(name) < 3 || len(name) > 222 {
		return false
	}
	for i, c := range name {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		edge := i == 0 || i == len(name)-1
		if edge && !alnum || !alnum && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}
