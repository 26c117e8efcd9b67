package store

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cloud.google.com/go/storage"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
)

// DefaultCacheControl keeps clients at most a minute behind: GCS otherwise
// serves public objects with max-age=3600.
const DefaultCacheControl = "public, max-age=60"

// GCSMutationInterval is how often GCS lets one object change: about once a
// second, beyond which it answers 429.
const GCSMutationInterval = time.Second

// GCSConfig says how to reach Cloud Storage. With nothing set the client uses
// Application Default Credentials; with STORAGE_EMULATOR_HOST set, or an
// http:// Endpoint, it talks to an emulator and never sends credentials, even
// when some are configured.
type GCSConfig struct {
	// CredentialsJSON is a service account key or other credentials file's contents.
	CredentialsJSON string
	// AccessToken is an OAuth2 access token, used as it is.
	AccessToken string
	// Endpoint overrides the JSON API endpoint, e.g. http://127.0.0.1:4443/storage/v1/.
	Endpoint  string
	UserAgent string
	// HTTPClient replaces the transport (tests only); credentials are then ignored.
	HTTPClient *http.Client
}

// NewGCSClient builds a storage client from cfg.
func NewGCSClient(ctx context.Context, cfg GCSConfig) (*storage.Client, error) {
	opts := []option.ClientOption{}
	if cfg.UserAgent != "" {
		opts = append(opts, option.WithUserAgent(cfg.UserAgent))
	}
	switch {
	case cfg.HTTPClient != nil:
		opts = append(opts, option.WithHTTPClient(cfg.HTTPClient))
	case plainHTTPEndpoint(cfg.Endpoint) || os.Getenv("STORAGE_EMULATOR_HOST") != "":
		// An emulator. Whatever credentials are configured (the environment
		// of a CI job often has some) stay home: over http a token would
		// cross the network in clear text.
		opts = append(opts, option.WithoutAuthentication())
	case cfg.AccessToken != "":
		opts = append(opts, option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cfg.AccessToken})))
	case cfg.CredentialsJSON != "":
		credType, err := credentialsType([]byte(cfg.CredentialsJSON))
		if err != nil {
			return nil, err
		}
		opts = append(opts, option.WithAuthCredentialsJSON(credType, []byte(cfg.CredentialsJSON)))
	}
	if cfg.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(cfg.Endpoint))
	}
	// JSON reads return the generation with the body and work the same
	// against emulators and proxies as against GCS.
	opts = append(opts, storage.WithJSONReads())
	client, err := storage.NewClient(ctx, opts...)
	if err != nil {
		// The message can quote the credentials file; say what failed, not what it held.
		return nil, fmt.Errorf("creating the Cloud Storage client failed: check google_credentials, google_access_token or Application Default Credentials (%s)", redact(err.Error(), cfg))
	}
	return client, nil
}

// plainHTTPEndpoint tells an endpoint reached without TLS.
func plainHTTPEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	return err == nil && strings.EqualFold(u.Scheme, "http")
}

func redact(msg string, cfg GCSConfig) string {
	for _, secret := range []string{cfg.AccessToken, cfg.CredentialsJSON} {
		if secret != "" {
			msg = strings.ReplaceAll(msg, secret, "[redacted]")
		}
	}
	return msg
}

// credentialsType reads the "type" of a credentials file, so that only the
// kinds Google documents for client use are accepted.
func credentialsType(b []byte) (option.CredentialsType, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", errors.New("google_credentials is not a JSON credentials file")
	}
	for _, t := range []option.CredentialsType{option.ServiceAccount, option.AuthorizedUser, option.ImpersonatedServiceAccount, option.ExternalAccount} {
		if string(t) == head.Type {
			return t, nil
		}
	}
	return "", fmt.Errorf("google_credentials has type %q: expected service_account, authorized_user, impersonated_service_account or external_account", head.Type)
}

// GCS keeps the document in a Cloud Storage object and uses the object's
// generation as its version.
type GCS struct {
	client       *storage.Client
	bucket       string
	object       string
	cacheControl string
}

// NewGCS returns a store for the object at loc. cacheControl "" means DefaultCacheControl.
func NewGCS(client *storage.Client, loc Location, cacheControl string) *GCS {
	if cacheControl == "" {
		cacheControl = DefaultCacheControl
	}
	return &GCS{client: client, bucket: loc.Bucket, object: loc.Object, cacheControl: cacheControl}
}

func (g *GCS) Location() string {
	return Location{Scheme: "gs", Bucket: g.bucket, Object: g.object}.String()
}

// handle disables the client's own retries: Syncer retries, and must see
// every failed write to know that its outcome is unknown.
func (g *GCS) handle() *storage.ObjectHandle {
	return g.client.Bucket(g.bucket).Object(g.object).Retryer(storage.WithPolicy(storage.RetryNever))
}

func (g *GCS) Read(ctx context.Context) ([]byte, Version, error) {
	r, err := g.handle().NewReader(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		// Only an absent object in a bucket that exists is "no document": a
		// missing bucket (a typo, or deleted) would otherwise make every
		// entry look removed.
		if err := g.checkBucket(ctx); err != nil {
			return nil, Version{}, err
		}
		return nil, Version{}, nil
	}
	if err != nil {
		return nil, Version{}, g.classify("reading", err)
	}
	defer r.Close() //nolint:errcheck // a read-only stream: nothing to report on close
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, Version{}, g.classify("reading", err)
	}
	if len(data) > MaxDocumentSize {
		return nil, Version{}, fmt.Errorf("%s is larger than %d bytes: not a discovery document", g.Location(), MaxDocumentSize)
	}
	return data, Version{Exists: true, Token: strconv.FormatInt(r.Attrs.Generation, 10)}, nil
}

// BucketMissingError is a read from a gs:// bucket that does not exist: never
// "no document", since a typo or a deleted bucket would then make every entry
// look removed.
type BucketMissingError struct {
	Location string
	Bucket   string
}

func (e *BucketMissingError) Error() string {
	return fmt.Sprintf("reading %s: the bucket %q does not exist", e.Location, e.Bucket)
}

// checkBucket tells a missing bucket from a missing object. It lists the
// object's name, which needs the same storage.objects.list permission every
// object role has, rather than the bucket's metadata, which they lack.
func (g *GCS) checkBucket(ctx context.Context) error {
	it := g.client.Bucket(g.bucket).Retryer(storage.WithPolicy(storage.RetryNever)).Objects(ctx, &storage.Query{Prefix: g.object})
	it.PageInfo().MaxSize = 1
	_, err := it.Next()
	switch {
	case err == nil, errors.Is(err, iterator.Done):
		return nil
	case errors.Is(err, storage.ErrBucketNotExist):
		return &BucketMissingError{Location: g.Location(), Bucket: g.bucket}
	}
	return g.classify("checking the bucket of", err)
}

func (g *GCS) Write(ctx context.Context, data []byte, expect Version) (Version, error) {
	cond := storage.Conditions{DoesNotExist: true}
	if expect.Exists {
		gen, err := strconv.ParseInt(expect.Token, 10, 64)
		if err != nil {
			return Version{}, &RejectedError{Err: fmt.Errorf("bad GCS version %q", expect.Token)}
		}
		cond = storage.Conditions{GenerationMatch: gen}
	}
	w := g.handle().If(cond).NewWriter(ctx)
	w.ContentType = "application/json"
	w.CacheControl = g.cacheControl
	w.ChunkSize = 0 // one request: the object is small, and a single upload either lands whole or not at all
	if _, err := w.Write(data); err != nil {
		_ = w.Close() // the write already failed; its error is the one to report
		return Version{}, g.classify("writing", err)
	}
	if err := w.Close(); err != nil {
		return Version{}, g.classify("writing", err)
	}
	return Version{Exists: true, Token: strconv.FormatInt(w.Attrs().Generation, 10)}, nil
}

// classify maps client errors to ErrConflict, *TransientError, or a plain
// error, and says which failures certainly changed nothing (see NotWritten):
// an answer of GCS other than 408 and 5xx, and a request that never left.
// A 5xx, a timeout or a dropped connection leaves a write's outcome unknown.
func (g *GCS) classify(op string, err error) error {
	wrapped := fmt.Errorf("%s %s: %w", op, g.Location(), err)
	var apiErr *googleapi.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.Code == http.StatusPreconditionFailed:
			return ErrConflict
		case apiErr.Code == http.StatusTooManyRequests:
			return &TransientError{Err: wrapped, RetryAfter: retryAfter(apiErr.Header), Rejected: true}
		case apiErr.Code == http.StatusRequestTimeout || apiErr.Code >= 500:
			return &TransientError{Err: wrapped, RetryAfter: retryAfter(apiErr.Header)}
		}
		// A refusal (403, 404, 400...): GCS did nothing.
		return &RejectedError{Err: wrapped}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if neverSent(err) {
		return &TransientError{Err: wrapped, Rejected: true}
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, context.DeadlineExceeded) {
		return &TransientError{Err: wrapped}
	}
	return wrapped
}

// neverSent reports a request that failed before any of it reached the
// server: the connection could not be made, or TLS refused the server.
func neverSent(err error) bool {
	var opErr *net.OpError
	var certErr *tls.CertificateVerificationError
	var headerErr tls.RecordHeaderError
	return errors.As(err, &opErr) && opErr.Op == "dial" || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.As(err, &certErr) || errors.As(err, &headerErr)
}

// retryAfter reads a Retry-After header given in seconds or as an HTTP date.
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
