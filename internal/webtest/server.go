// Package webtest serves the static web of modules/static-web the way its load balancer does: the
// routing table the module builds its URL map from (host rules, path rules with release-prefix
// rewrites, the index fallback of deep links), objects with the Content-Type and Cache-Control the
// module uploads them with. The browser test runs Chromium against it.
package webtest

import (
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/webrelease"
)

// Rule is one route rule of a host's path matcher (modules/static-web/site, local.routes).
type Rule struct {
	Priority int     `json:"priority"`
	FullPath *string `json:"full_path"`
	Prefix   *string `json:"prefix"`
	Rewrite  string  `json:"rewrite"`
	Fallback *string `json:"fallback"`
}

// Route is how the load balancer answers one host.
type Route struct {
	Matcher string `json:"matcher"`
	Kind    string `json:"kind"`
	Rules   []Rule `json:"rules"`
}

// Object is a stored object and the metadata it is served with.
type Object struct {
	Body         []byte
	ContentType  string
	CacheControl string
}

// Server is an in-memory bucket behind the load balancer's routing.
type Server struct {
	mu      sync.RWMutex
	routes  map[string]Route
	objects map[string]Object
	// DefaultHost is where the URL map's default redirect sends hosts it does not serve (the index).
	DefaultHost string
}

// NewServer returns a server with no routes and no objects.
func NewServer() *Server {
	return &Server{routes: map[string]Route{}, objects: map[string]Object{}}
}

// SetRoutes replaces the routing table (a release switch is a new table, as it is a new URL map).
func (s *Server) SetRoutes(routes map[string]Route) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes = routes
}

// Put stores an object.
func (s *Server) Put(name string, o Object) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[name] = o
}

// UploadRelease stores every file of dir under prefix/ with the mapping's headers, as the module does.
func (s *Server) UploadRelease(m *webrelease.Mapping, prefix, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		name := prefix + "/" + filepath.ToSlash(rel)
		ct, cc := m.Headers(name)
		s.Put(name, Object{Body: b, ContentType: ct, CacheControl: cc})
		return nil
	})
}

// Resolve answers what the load balancer would: the object name served and the status, or ok false (404).
func (s *Server) Resolve(host, urlPath string) (name string, status int, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	route, found := s.routes[host]
	if !found {
		return "", http.StatusNotFound, false
	}
	rules := append([]Rule(nil), route.Rules...)
	sort.Slice(rules, func(i, j int) bool { return rules[i].Priority < rules[j].Priority })
	for _, r := range rules {
		var rewritten string
		switch {
		case r.FullPath != nil && urlPath == *r.FullPath:
			rewritten = r.Rewrite
		case r.Prefix != nil && strings.HasPrefix(urlPath, *r.Prefix):
			// path_prefix_rewrite replaces the matched prefix.
			rewritten = r.Rewrite + strings.TrimPrefix(urlPath, *r.Prefix)
		default:
			continue
		}
		name = strings.TrimPrefix(rewritten, "/")
		if _, exists := s.objects[name]; exists {
			return name, http.StatusOK, true
		}
		if r.Fallback != nil {
			// custom_error_response_policy: the bucket's 403/404 becomes the fallback object, status 200.
			fb := strings.TrimPrefix(*r.Fallback, "/")
			if _, exists := s.objects[fb]; exists {
				return fb, http.StatusOK, true
			}
		}
		return name, http.StatusNotFound, false
	}
	return "", http.StatusNotFound, false
}

// ServeHTTP serves GET and HEAD like the load balancer in front of the bucket.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	s.mu.RLock()
	_, served := s.routes[strings.ToLower(host)]
	s.mu.RUnlock()
	if !served && s.DefaultHost != "" {
		// default_url_redirect: https, the index host, path /, query stripped, 302.
		http.Redirect(w, r, "https://"+s.DefaultHost+"/", http.StatusFound)
		return
	}
	name, status, ok := s.Resolve(strings.ToLower(host), r.URL.Path)
	if !ok {
		http.Error(w, "not found", status)
		return
	}
	s.mu.RLock()
	o := s.objects[name]
	s.mu.RUnlock()
	w.Header().Set("Content-Type", o.ContentType)
	w.Header().Set("Cache-Control", o.CacheControl)
	w.Header().Set("X-Object", name)
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		_, _ = w.Write(o.Body)
	}
}

func sortStrings(s []string) { sort.Strings(s) }
