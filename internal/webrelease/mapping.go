// Package webrelease publishes a built frontend release (scripts/build-frontend.sh) into the bucket of
// modules/static-web: every file under <frontend>/<release>/ with the Content-Type and Cache-Control of
// the module's content-types.json, create-only (a published file is never overwritten), the top-level
// index.html last (so a release whose index.html is in the bucket is complete). Another build of a
// published release is refused before anything is uploaded.
package webrelease

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Mapping is modules/static-web/content-types.json: how uploaded files get their headers.
type Mapping struct {
	DefaultContentType string            `json:"default_content_type"`
	ContentTypes       map[string]string `json:"content_types"`
	CacheControl       map[string]string `json:"cache_control"`
	EntryFiles         []string          `json:"entry_files"`
	HashedPattern      string            `json:"hashed_pattern"`
	hashed             *regexp.Regexp
}

// LoadMapping reads the module's content-types.json.
func LoadMapping(file string) (*Mapping, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var m Mapping
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if m.hashed, err = regexp.Compile(m.HashedPattern); err != nil {
		return nil, fmt.Errorf("%s: hashed_pattern: %w", file, err)
	}
	for _, k := range []string{"entry", "hashed", "other"} {
		if m.CacheControl[k] == "" {
			return nil, fmt.Errorf("%s: cache_control.%s is missing", file, k)
		}
	}
	return &m, nil
}

// Headers returns the Content-Type and Cache-Control the module uploads a release file with
// (the same rules as google_storage_bucket_object.release in modules/static-web/main.tf).
func (m *Mapping) Headers(name string) (contentType, cacheControl string) {
	base := path.Base(name)
	ext := strings.ToLower(base[strings.LastIndex(base, ".")+1:])
	contentType = m.DefaultContentType
	if ct, ok := m.ContentTypes[ext]; ok {
		contentType = ct
	}
	kind := "other"
	switch {
	case slices.Contains(m.EntryFiles, base):
		kind = "entry"
	case m.hashed.MatchString(base):
		kind = "hashed"
	}
	return contentType, m.CacheControl[kind]
}

// IsEntry reports whether name is an entry file (index.html), served no-cache. The top-level one is
// published last.
func (m *Mapping) IsEntry(name string) bool { return slices.Contains(m.EntryFiles, path.Base(name)) }
