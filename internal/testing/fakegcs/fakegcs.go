// Package fakegcs starts a real GCS emulator (fake-gcs-server) for tests.
package fakegcs

import (
	"io"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

// Server is an in-process fake-gcs-server listening on 127.0.0.1.
type Server struct {
	*fakestorage.Server
}

// Start starts the emulator with the given buckets and stops it when
// the test ends.
func Start(t testing.TB, buckets ...string) *Server {
	t.Helper()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http",
		Host:   "127.0.0.1",
		Port:   0,
		Writer: io.Discard,
	})
	if err != nil {
		t.Fatalf("starting fake-gcs-server: %v", err)
	}
	t.Cleanup(srv.Stop)
	for _, b := range buckets {
		srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: b, VersioningEnabled: true})
	}
	return &Server{Server: srv}
}

// Endpoint is the JSON API endpoint to give a storage client or the provider.
func (f *Server) Endpoint() string { return f.URL() + "/storage/v1/" }

// Put writes an object directly, as an outside writer would.
func (f *Server) Put(bucket, name string, content []byte) {
	f.CreateObject(fakestorage.Object{
		ObjectAttrs: fakestorage.ObjectAttrs{BucketName: bucket, Name: name, ContentType: "application/json"},
		Content:     content,
	})
}

// Get returns an object's content, or nil when it is absent.
func (f *Server) Get(t testing.TB, bucket, name string) []byte {
	t.Helper()
	obj, err := f.GetObject(bucket, name)
	if err != nil {
		return nil
	}
	return obj.Content
}
