package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/store"
	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/fakegcs"
)

// forbiddenUploads forwards to the emulator but answers every upload as GCS
// answers an account without storage.objects.create.
func forbiddenUploads(t *testing.T, gcs *fakegcs.Server) *httptest.Server {
	t.Helper()
	upstream, err := url.Parse(gcs.URL())
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(upstream)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/upload/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":{"code":403,"message":"tf@p.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object.","errors":[{"message":"tf@p.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object.","domain":"global","reason":"forbidden"}]}}`))
			return
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front
}

// Writes that certainly did not happen fail plainly: only a write whose
// outcome is unknown may be reported as one that may have landed.
func TestWritesThatDidNotHappenAreNotUncertain(t *testing.T) {
	gcs := fakegcs.Start(t, "sm-test")
	front := forbiddenUploads(t, gcs)
	client, err := store.NewGCSClient(context.Background(), store.GCSConfig{Endpoint: front.URL + "/storage/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	gloc, _ := store.ParseURL("gs://sm-test/networks.json")

	lockIsADir := filepath.Join(t.TempDir(), "networks.json")
	if err := os.Mkdir(filepath.Join(filepath.Dir(lockIsADir), ".networks.json.lock"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		store store.Store
		want  string
	}{
		"gcs 403":            {store.NewGCS(client, gloc, ""), "storage.objects.create"},
		"missing directory":  {store.NewFile(mustParse(t, "file://"+filepath.Join(t.TempDir(), "gone", "networks.json"))), "does not exist"},
		"lock file unusable": {store.NewFile(mustParse(t, "file://"+lockIsADir)), ".networks.json.lock"},
	}
	for name, c := range cases {
		for _, coalesce := range []bool{false, true} {
			sy := store.NewSyncer(c.store, store.SyncerConfig{Coalesce: coalesce, Backoff: fast})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			err := sy.Mutate(ctx, addLine("x"))
			cancel()
			var unc *store.UncertainError
			if err == nil || errors.As(err, &unc) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s, coalesce=%v: %v, want a plain error naming %q", name, coalesce, err, c.want)
			}
		}
	}
}

func mustParse(t *testing.T, raw string) store.Location {
	t.Helper()
	loc, err := store.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A write whose request never left (nothing listens) certainly did not
// happen: it is transient, and rejected.
func TestGCSWriteNeverSentIsRejected(t *testing.T) {
	client, err := store.NewGCSClient(context.Background(), store.GCSConfig{Endpoint: "http://127.0.0.1:1/storage/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	s := store.NewGCS(client, mustParse(t, "gs://sm-test/networks.json"), "")
	_, err = s.Write(context.Background(), []byte("[]\n"), store.Version{})
	var te *store.TransientError
	if !errors.As(err, &te) || !te.Rejected || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("write to a closed port: %#v, want a rejected TransientError", err)
	}
}

// A document whose directory is missing is an error, never "no document":
// that would make every entry look removed. A missing file in a directory
// that exists is no document.
func TestFileMissingDirectoryIsAnError(t *testing.T) {
	dir := t.TempDir()
	gone := store.NewFile(mustParse(t, "file://"+filepath.Join(dir, "unmounted", "networks.json")))
	data, v, err := gone.Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), "unmounted") || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("read in a missing directory: %q %v %v, want an error naming the directory", data, v, err)
	}
	// Through a symbolic link to a directory that is gone, too.
	if err := os.Symlink(filepath.Join(dir, "unmounted"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	viaLink := store.NewFile(mustParse(t, "file://"+filepath.Join(dir, "link", "networks.json")))
	if data, v, err := viaLink.Read(context.Background()); err == nil {
		t.Errorf("read through a link to a missing directory: %q %v, want an error", data, v)
	}
	absent := store.NewFile(mustParse(t, "file://"+filepath.Join(dir, "networks.json")))
	if data, v, err := absent.Read(context.Background()); err != nil || v.Exists || data != nil {
		t.Errorf("read of a missing file in a directory that exists: %q %v %v, want no document", data, v, err)
	}
}

// TestMain doubles as the writer a second user runs (see writeAs).
func TestMain(m *testing.M) {
	if doc := os.Getenv("STORE_TEST_WRITE_AS_USER"); doc != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sy := store.NewSyncer(store.NewFile(store.Location{Scheme: "file", Path: doc}), store.SyncerConfig{Backoff: fast})
		if err := sy.Mutate(ctx, addLine(os.Getenv("STORE_TEST_LINE"))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writeAs adds line to the document at doc in a process of its own, running
// as uid:gid (the test binary, copied where that user may run it).
func writeAs(t *testing.T, bin, doc, line string, uid, gid uint32) error {
	t.Helper()
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = append(os.Environ(), "STORE_TEST_WRITE_AS_USER="+doc, "STORE_TEST_LINE="+line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("writing as uid %d: %v: %s", uid, err, out)
	}
	return nil
}

// The lock file beside a file document is created as any file is (0666
// less the umask), never 0600: every user who may write the document
// must be able to take it.
func TestFileLockIsUsableByEveryWriter(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "networks.json")
	if _, err := store.NewFile(mustParse(t, "file://"+doc)).Write(context.Background(), []byte("[]\n"), store.Version{}); err != nil {
		t.Fatal(err)
	}
	// What this process's umask makes of a new file.
	ref, err := os.OpenFile(filepath.Join(dir, "reference"), os.O_CREATE|os.O_RDONLY, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	refSt, _ := ref.Stat()
	ref.Close()
	lockSt, err := os.Stat(filepath.Join(dir, ".networks.json.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if lockSt.Mode().Perm() != refSt.Mode().Perm() {
		t.Errorf("lock file mode %v, want %v (0666 less the umask)", lockSt.Mode().Perm(), refSt.Mode().Perm())
	}
}

// Two users sharing a directory (group-writable, setgid, umask 022) write
// the same document in turn; the second can take the lock the first made.
func TestFileSharedDirectoryTwoUsers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("running writers as two other users needs root (CI runs the tests as root)")
	}
	const group = 65534
	shared := t.TempDir()
	// The other users need to reach it: the test's temporary directories are 0700.
	for _, d := range []string{filepath.Dir(shared), shared} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(shared, "store.test")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	docDir := filepath.Join(shared, "discovery")
	if err := os.Mkdir(docDir, 0o775); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(docDir, 0, group); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(docDir, 0o775|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	doc := filepath.Join(docDir, "networks.json")
	if err := writeAs(t, bin, doc, "first", 65534, group); err != nil {
		t.Fatal(err)
	}
	if err := writeAs(t, bin, doc, "second", 65533, group); err != nil {
		t.Fatalf("a second user of the shared directory cannot write: %v", err)
	}
	got, err := os.ReadFile(doc)
	if err != nil || string(got) != "first\nsecond\n" {
		t.Errorf("document %q %v, want both lines", got, err)
	}
	// A lock file only its owner may open (as older versions made them) is
	// an error that says what to do, and no write that "may have landed".
	if err := os.Chmod(filepath.Join(docDir, ".networks.json.lock"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = writeAs(t, bin, doc, "third", 65533, group)
	if err == nil || !strings.Contains(err.Error(), "must be able to open its lock file") || !strings.Contains(err.Error(), "mode 0600") || strings.Contains(err.Error(), "may have landed") {
		t.Errorf("write with a lock file the user cannot open: %v", err)
	}
}
