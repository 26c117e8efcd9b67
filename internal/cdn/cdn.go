// Package cdn purges the public discovery URL(s) from Cloudflare's cache after the document
// behind them has been written, so clients see the new list without waiting for the TTL.
//
// It talks to Cloudflare through cloudflare-go v7 (the generated SDK) and uses only the
// cache service, so none of the SDK's environment defaults (CLOUDFLARE_API_KEY,
// CLOUDFLARE_EMAIL, CLOUDFLARE_CUSTOM_HEADERS, ...) leak into the requests: the only
// credential sent is Config.APIToken.
package cdn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/cloudflare/cloudflare-go/v7/cache"
	"github.com/cloudflare/cloudflare-go/v7/option"
)

const (
	// DefaultBaseURL is Cloudflare's production API.
	DefaultBaseURL = "https://api.cloudflare.com/client/v4/"
	// EnvBaseURL overrides DefaultBaseURL when Config.BaseURL is empty (tests point it at a
	// local server). It is the variable the SDK itself reads.
	EnvBaseURL = "CLOUDFLARE_BASE_URL"
	// DefaultMaxRetries is how many times a request is repeated after a 408, 409, 429, 5xx or
	// connection error. The SDK does these retries itself (backoff 0.5s, 1s, ... capped at 8s,
	// honouring Retry-After); this package does not retry on top of it.
	DefaultMaxRetries = 2
	// DefaultAttemptTimeout bounds one HTTP attempt, so a hung connection is retried rather than
	// waiting forever when the caller's context has no deadline.
	DefaultAttemptTimeout = 30 * time.Second
	// maxURLsPerRequest: Cloudflare accepts up to 100 files per purge call on current plans and
	// 30 on older ones; 30 works everywhere, and a discovery setup has only a handful of URLs.
	maxURLsPerRequest = 30
)

// Config says which zone to purge and how to reach Cloudflare.
type Config struct {
	// APIToken is a Cloudflare API token with the Zone > Cache Purge permission. Required.
	// It is sent only as "Authorization: Bearer ..." and never appears in errors.
	APIToken string
	// ZoneID is the id of the zone that serves the URLs. Required.
	ZoneID string
	// BaseURL of the API; empty means $CLOUDFLARE_BASE_URL, or DefaultBaseURL if that is unset.
	BaseURL string
	// HTTPClient to use; nil means a client of its own on http.DefaultTransport.
	HTTPClient *http.Client
	// MaxRetries after the first attempt: 0 means DefaultMaxRetries, a negative value none.
	MaxRetries int
	// AttemptTimeout bounds each attempt: 0 means DefaultAttemptTimeout. The caller's
	// context bounds the whole call, retries included.
	AttemptTimeout time.Duration
}

// Purger purges URLs from one zone's cache. It is safe for concurrent use.
type Purger struct {
	zoneID  string
	token   string // kept only to scrub it from error text
	baseURL string
	svc     *cache.CacheService
}

// zoneIDPattern keeps the zone id from changing the request path (it is pasted into
// "zones/%s/purge_cache"). Real ids are 32 hex digits; tests use friendlier names.
var zoneIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// NewPurger checks cfg and returns a Purger. It makes no request.
func NewPurger(cfg Config) (*Purger, error) {
	if err := checkCredentials(cfg); err != nil {
		return nil, err
	}
	base, err := baseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultMaxRetries
	case retries < 0:
		retries = 0
	}
	timeout := cfg.AttemptTimeout
	if timeout <= 0 {
		timeout = DefaultAttemptTimeout
	}
	// cache.NewCacheService instead of cloudflare.NewClient: the latter starts from
	// DefaultClientOptions, which adds whatever CLOUDFLARE_* credentials the environment has.
	svc := cache.NewCacheService(
		option.WithHTTPClient(client),
		option.WithBaseURL(base),
		option.WithAPIToken(cfg.APIToken),
		option.WithMaxRetries(retries),
		option.WithRequestTimeout(timeout),
	)
	return &Purger{zoneID: cfg.ZoneID, token: cfg.APIToken, baseURL: base, svc: svc}, nil
}

// checkCredentials checks the token and the zone id, never echoing the token.
func checkCredentials(cfg Config) error {
	if cfg.APIToken == "" {
		return errors.New("cdn: cloudflare API token is required")
	}
	// A token with whitespace or control characters cannot be a header value.
	if strings.IndexFunc(cfg.APIToken, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return errors.New("cdn: cloudflare API token contains whitespace or control characters")
	}
	if !zoneIDPattern.MatchString(cfg.ZoneID) {
		return fmt.Errorf("cdn: cloudflare zone id %q is not valid: expected letters, digits, '-' or '_' (a 32-digit hex id)", cfg.ZoneID)
	}
	return nil
}

// baseURL is the API base URL to use: base, else $CLOUDFLARE_BASE_URL, else
// DefaultBaseURL; always ending in "/".
func baseURL(base string) (string, error) {
	if base == "" {
		base = os.Getenv(EnvBaseURL)
	}
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("cdn: cloudflare base URL %q is not an absolute http(s) URL", base)
	}
	if u.User != nil {
		return "", errors.New("cdn: cloudflare base URL must not carry user info")
	}
	// The SDK resolves "zones/..." against the base URL, so a missing trailing slash would
	// drop the last path segment (".../client/v4" would become ".../client/zones/...").
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// ZoneID returns the zone this Purger purges.
func (p *Purger) ZoneID() string { return p.zoneID }

// BaseURL returns the API base URL in use (with a trailing slash).
func (p *Purger) BaseURL() string { return p.baseURL }

// Message is one entry of a Cloudflare response's "errors" array.
type Message struct {
	Code    int64
	Message string
}

// APIError is a purge that Cloudflare answered but refused: an HTTP error status, or a 200
// whose envelope says "success": false.
type APIError struct {
	StatusCode int
	// Errors are Cloudflare's messages, if the response carried any.
	Errors []Message
	// Body is the start of a response that was not Cloudflare's JSON envelope (for example an
	// HTML page from a proxy); empty otherwise.
	Body string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	for i, m := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if m.Code != 0 {
			fmt.Fprintf(&b, "%s (code %d)", m.Message, m.Code)
		} else {
			b.WriteString(m.Message)
		}
	}
	if len(e.Errors) == 0 && e.Body != "" {
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	return b.String()
}

// PurgeURLs removes the given URLs (absolute http(s) URLs, as the CDN serves them) from the
// zone's cache. Duplicates are sent once; an empty list sends nothing. More than 30 URLs are
// sent in several requests, and the first failure stops the rest.
func (p *Purger) PurgeURLs(ctx context.Context, urls []string) error {
	files := make([]string, 0, len(urls))
	seen := make(map[string]bool, len(urls))
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("cdn: %q is not an absolute http(s) URL", raw)
		}
		if !seen[raw] {
			seen[raw] = true
			files = append(files, raw)
		}
	}
	for start := 0; start < len(files); start += maxURLsPerRequest {
		batch := files[start:min(start+maxURLsPerRequest, len(files))]
		if err := p.purge(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

func (p *Purger) purge(ctx context.Context, files []string) error {
	var env cache.CachePurgeResponseEnvelope
	// Fields are set by hand rather than with cloudflare.F: importing the SDK's root package
	// would compile every one of its ~150 services into the provider.
	var params cache.CachePurgeParams
	params.ZoneID.Value, params.ZoneID.Present = p.zoneID, true
	var body cache.CachePurgeParamsBodyCachePurgeSingleFile
	body.Files.Value, body.Files.Present = files, true
	params.Body = body
	_, err := p.svc.Purge(ctx, params,
		// Decode the whole envelope, not just "result": a 200 with "success": false is still
		// a failure, and the SDK only reports HTTP error statuses.
		option.WithResponseBodyInto(&env),
	)
	if err == nil && !env.Success {
		apiErr := &APIError{StatusCode: http.StatusOK}
		for _, e := range env.Errors {
			if e.Code != 0 || e.Message != "" {
				apiErr.Errors = append(apiErr.Errors, Message{Code: e.Code, Message: e.Message})
			}
		}
		if len(apiErr.Errors) == 0 {
			apiErr.Errors = []Message{{Message: `response did not report "success": true`}}
		}
		err = apiErr
	}
	if err == nil {
		return nil
	}
	return p.wrap(len(files), p.classify(err))
}

// classify turns the SDK's errors into ones that carry no SDK request (whose headers hold the
// token): an *APIError for anything Cloudflare answered, the error itself otherwise. Text
// that came from the server is scrubbed of the token, so an *APIError taken out with
// errors.As is as safe to print as the whole error.
func (p *Purger) classify(err error) error {
	var out *APIError
	var sdkErr *cache.Error
	switch {
	case errors.As(err, &out):
	case errors.As(err, &sdkErr):
		out = &APIError{StatusCode: sdkErr.StatusCode}
		for _, e := range sdkErr.Errors {
			if e.Code != 0 || e.Message != "" {
				out.Errors = append(out.Errors, Message{Code: e.Code, Message: e.Message})
			}
		}
		// The SDK decodes any body leniently: one that is not Cloudflare's envelope (an HTML
		// page from a proxy) yields no errors, so show its start instead. The SDK puts the
		// body back on the response for this.
		if len(out.Errors) == 0 && sdkErr.Response != nil && sdkErr.Response.Body != nil {
			b, _ := io.ReadAll(io.LimitReader(sdkErr.Response.Body, 4096))
			// Scrub before cutting, so that a token across the cut cannot leak in part.
			out.Body = truncate(p.scrub(string(b)), 200)
		}
	default:
		return err
	}
	for i := range out.Errors {
		out.Errors[i].Message = p.scrub(out.Errors[i].Message)
	}
	return out
}

func (p *Purger) scrub(s string) string { return strings.ReplaceAll(s, p.token, "[REDACTED]") }

func (p *Purger) wrap(n int, err error) error {
	return &purgeError{
		msg: p.scrub(fmt.Sprintf("cdn: purging %d URL(s) from cloudflare zone %s: %v", n, p.zoneID, err)),
		err: err,
	}
}

// purgeError scrubs the token from the message, in case a server or proxy echoes it back,
// while keeping errors.Is/As working (context.DeadlineExceeded, *APIError).
type purgeError struct {
	msg string
	err error
}

func (e *purgeError) Error() string { return e.msg }
func (e *purgeError) Unwrap() error { return e.err }

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
