package webrelease

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // GCS reports MD5 of objects; it is compared, not trusted for security.
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
)

// Manifest is the release.json scripts/build-frontend.sh writes into a build.
type Manifest struct {
	Frontend string `json:"frontend"`
	Release  string `json:"release"`
}

var (
	frontendRe = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
	releaseRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$`)
)

// Report says what a publish did.
type Report struct {
	Uploaded  []string // object names written
	Unchanged []string // already published with the same bytes
}

// Publish uploads dir as <frontend>/<release>/ into bucket. It refuses a build whose release.json names
// another release, never overwrites an object (create-only uploads; an object already there with the
// same bytes is left as it is), and writes the top-level index.html last, so that its presence in the
// bucket means the release is complete.
//
// Whether the build may be published is decided before anything is uploaded, from one listing of the
// release's prefix: a file the bucket holds with other bytes, or (once the release is complete) a file
// the bucket lacks, means this is another build of a published release, and nothing is written. A
// publish that failed part-way (no top-level index.html yet) is finished by running it again.
func Publish(ctx context.Context, bucket *storage.BucketHandle, m *Mapping, frontend, release, dir string) (Report, error) {
	var rep Report
	if err := checkBuild(frontend, release, dir); err != nil {
		return rep, err
	}
	files, err := releaseFiles(m, dir)
	if err != nil {
		return rep, err
	}
	prefix := frontend + "/" + release + "/"
	published, err := publishedMD5s(ctx, bucket, prefix)
	if err != nil {
		return rep, err
	}
	bodies := make(map[string][]byte, len(files))
	var conflicts, missing []string
	for _, f := range files {
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return rep, err
		}
		bodies[f] = body
		sum := md5.Sum(body) //nolint:gosec // see the import
		switch have, ok := published[prefix+f]; {
		case !ok:
			missing = append(missing, f)
		case !bytes.Equal(have, sum[:]):
			conflicts = append(conflicts, prefix+f)
		}
	}
	if len(conflicts) > 0 {
		verb := "is"
		if len(conflicts) > 1 {
			verb = "are"
		}
		return rep, fmt.Errorf("%s %s already published with other bytes: a release is never overwritten; publish the new build under a new release name. Nothing was uploaded", strings.Join(conflicts, ", "), verb)
	}
	if _, complete := published[prefix+topLevelEntry(m, files)]; complete && len(missing) > 0 {
		return rep, fmt.Errorf("%s is already published (its %s is in the bucket) and this build has files it lacks: %s. A published release is never changed; publish the new build under a new release name. Nothing was uploaded",
			strings.TrimSuffix(prefix, "/"), topLevelEntry(m, files), strings.Join(missing, ", "))
	}
	for _, f := range files {
		name := prefix + f
		written, err := putIfAbsent(ctx, bucket, m, name, bodies[f])
		if err != nil {
			return rep, err
		}
		if written {
			rep.Uploaded = append(rep.Uploaded, name)
		} else {
			rep.Unchanged = append(rep.Unchanged, name)
		}
	}
	return rep, nil
}

// publishedMD5s lists what the bucket holds under prefix: object name -> MD5.
func publishedMD5s(ctx context.Context, bucket *storage.BucketHandle, prefix string) (map[string][]byte, error) {
	out := map[string][]byte{}
	it := bucket.Objects(ctx, &storage.Query{Prefix: prefix})
	for {
		attrs, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("listing %s in the bucket: %w", prefix, err)
		}
		out[attrs.Name] = attrs.MD5
	}
}

// checkBuild checks the names and that dir is the build of that frontend's
// release, as its release.json says.
func checkBuild(frontend, release, dir string) error {
	if !frontendRe.MatchString(frontend) {
		return fmt.Errorf("frontend must be a frontends key of modules/static-web (lower-case letters, digits, hyphens, e.g. explorer), got %q", frontend)
	}
	if !releaseRe.MatchString(release) || bytes.Contains([]byte(release), []byte("..")) {
		return fmt.Errorf("release must be a tag usable as a folder name (e.g. v2.1.0), got %q", release)
	}
	b, err := os.ReadFile(filepath.Join(dir, "release.json"))
	if err != nil {
		return fmt.Errorf("%s is not a build of scripts/build-frontend.sh: %w", dir, err)
	}
	var man Manifest
	if err := json.Unmarshal(b, &man); err != nil {
		return fmt.Errorf("%s/release.json: %w", dir, err)
	}
	if man.Frontend != frontend || man.Release != release {
		return fmt.Errorf("%s/release.json names %s/%s, not %s/%s: refusing to publish it under another name", dir, man.Frontend, man.Release, frontend, release)
	}
	return nil
}

// releaseFiles lists the files under dir, slash-separated, in upload order:
// the top-level entry files (index.html) last, so that their presence in the
// bucket means the release is complete. An entry file deeper in the build
// (zz/index.html) is an ordinary file: written last, it would leave a
// release that looks complete while it is not. A build without a top-level
// entry file is refused.
func releaseFiles(m *Mapping, dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(files, func(i, j int) bool {
		ei, ej := isTopLevelEntry(m, files[i]), isTopLevelEntry(m, files[j])
		if ei != ej {
			return !ei
		}
		return files[i] < files[j]
	})
	if topLevelEntry(m, files) == "" {
		return nil, fmt.Errorf("%s has no index.html: not a frontend build", dir)
	}
	return files, nil
}

func isTopLevelEntry(m *Mapping, f string) bool { return !strings.Contains(f, "/") && m.IsEntry(f) }

// topLevelEntry is the build's top-level entry file ("" if it has none): the
// last one written, whose presence marks the release complete.
func topLevelEntry(m *Mapping, files []string) string {
	entry := ""
	for _, f := range files {
		if isTopLevelEntry(m, f) {
			entry = f
		}
	}
	return entry
}

// putIfAbsent writes the object only if it does not exist. An existing object with the same MD5 is left
// as it is (a re-run of the same publish); with another MD5 it is an error.
func putIfAbsent(ctx context.Context, bucket *storage.BucketHandle, m *Mapping, name string, body []byte) (bool, error) {
	obj := bucket.Object(name)
	contentType, cacheControl := m.Headers(name)
	sum := md5.Sum(body) //nolint:gosec // see the import
	w := obj.If(storage.Conditions{DoesNotExist: true}).NewWriter(ctx)
	w.ContentType = contentType
	w.CacheControl = cacheControl
	w.MD5 = sum[:]
	w.ChunkSize = 0 // one request per object: the files are small
	if _, err := w.Write(body); err != nil {
		_ = w.Close()
		return false, fmt.Errorf("uploading %s: %w", name, err)
	}
	err := w.Close()
	if err == nil {
		return true, nil
	}
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) || gerr.Code != http.StatusPreconditionFailed {
		return false, fmt.Errorf("uploading %s: %w", name, err)
	}
	attrs, aerr := obj.Attrs(ctx)
	if aerr != nil {
		return false, fmt.Errorf("%s exists but cannot be read: %w", name, aerr)
	}
	if !bytes.Equal(attrs.MD5, sum[:]) {
		return false, fmt.Errorf("%s is already published with other bytes: a release is never overwritten; publish the new build under a new release name", name)
	}
	return false, nil
}
