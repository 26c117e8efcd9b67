package gcsfault

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Kind is what a request does to the store, as far as the proxy's counters and faults care.
type Kind string

const (
	// KindObjectGet reads an object's metadata (or ACL) through the JSON API:
	// GET/HEAD /storage/v1/b/{bucket}/o/{object} without alt=media.
	KindObjectGet Kind = "object_get"
	// KindMediaDownload reads an object's contents: GET/HEAD /storage/v1/b/{b}/o/{o}?alt=media,
	// GET/HEAD /download/storage/v1/b/{b}/o/{o}, or the XML API's GET/HEAD /{bucket}/{object}
	// (the Go client's default for reads).
	KindMediaDownload Kind = "media_download"
	// KindList lists objects: GET /storage/v1/b/{bucket}/o, or the XML API's GET /{bucket}.
	KindList Kind = "list"
	// KindWrite is one mutation of one object (create, update or delete), the operation GCS
	// limits to about one per second per object: see Classify for the paths.
	KindWrite Kind = "write"
	// KindUploadInit starts a resumable upload session (POST .../o?uploadType=resumable).
	// The object changes only when the session's last chunk arrives, which is a KindWrite.
	KindUploadInit Kind = "upload_init"
	// KindUploadChunk is resumable-session traffic that does not commit the object: a
	// non-final chunk, a status query ("bytes */*"), or the session's cancellation (DELETE).
	KindUploadChunk Kind = "upload_chunk"
	// KindOther is everything else (buckets, batch, the emulator's own endpoints); it is
	// forwarded untouched and never faulted.
	KindOther Kind = "other"
)

// Request is a classified request.
type Request struct {
	Kind   Kind
	Method string
	// Bucket and Object name the object the request reads or writes (for a copy, rewrite or
	// compose: the destination). Object is empty for lists and KindOther; it may be empty
	// for a resumable chunk whose session the proxy did not see start.
	Bucket string
	Object string
	// UploadID is the resumable session a KindUploadInit response opened or a chunk belongs to.
	UploadID string
}

// Key is "bucket/object", the way GCS names an object in its error messages; it keys the
// per-object counters.
func (r Request) Key() string {
	if r.Object == "" {
		return ""
	}
	return r.Bucket + "/" + r.Object
}

// reservedRoots are first path segments that are not XML-API bucket names (a bucket name
// must start with a letter or digit, and these are the emulator's and the JSON API's roots).
var reservedRoots = map[string]bool{
	"storage": true, "upload": true, "download": true, "batch": true,
	"_internal": true, "_stats": true,
}

// Classify says what r does. It reads only the method, path, query and headers; the object
// name of an upload that carries it only in its body (multipart metadata, or a resumable
// session's JSON) is left empty here and filled in by the proxy.
//
// Writes (KindWrite):
//   - POST /upload/storage/v1/b/{b}/o?uploadType=media|multipart&name={o} (simple and multipart uploads)
//   - PUT (or POST) /upload/storage/v1/b/{b}/o?upload_id=..., and PUT/POST /upload/resumable/{id},
//     when it is the session's final chunk (Content-Range "bytes a-b/N" with b = N-1, "bytes */N",
//     or no Content-Range)
//   - PUT/PATCH/POST/DELETE /storage/v1/b/{b}/o/{o} (metadata update, delete)
//   - POST/PUT/DELETE /storage/v1/b/{b}/o/{o}/acl[/{entity}]
//   - POST /storage/v1/b/{b}/o/{o}/compose, and POST
//     /storage/v1/b/{sb}/o/{so}/(rewriteTo|copyTo)/b/{b}/o/{o} (the destination is the object written)
//   - PUT/POST/DELETE /{b}/{o} (XML API)
func Classify(r *http.Request) Request {
	req := Request{Kind: KindOther, Method: r.Method}
	p := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(p, "/upload/storage/v1/b/"):
		return classifyUpload(r, req, strings.TrimPrefix(p, "/upload/storage/v1/b/"))
	case strings.HasPrefix(p, "/upload/resumable/"):
		if r.Method == http.MethodPut || r.Method == http.MethodPost {
			req.UploadID = unescape(strings.TrimPrefix(p, "/upload/resumable/"))
			req.Kind = chunkKind(r)
		}
		return req
	case strings.HasPrefix(p, "/download/storage/v1/b/"):
		bucket, rest, _ := strings.Cut(strings.TrimPrefix(p, "/download/storage/v1/b/"), "/")
		if obj, ok := strings.CutPrefix(rest, "o/"); ok && obj != "" && isRead(r) {
			req.Kind, req.Bucket, req.Object = KindMediaDownload, unescape(bucket), unescape(obj)
		}
		return req
	case strings.HasPrefix(p, "/storage/v1/b/"):
		return classifyJSON(r, req, strings.TrimPrefix(p, "/storage/v1/b/"))
	}
	return classifyXML(r, req, p)
}

func isRead(r *http.Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

// classifyUpload reads the JSON API's upload endpoint,
// /upload/storage/v1/b/{bucket}/o; path is what follows /b/.
func classifyUpload(r *http.Request, req Request, path string) Request {
	bucket, rest, _ := strings.Cut(path, "/")
	if rest != "o" && rest != "o/" {
		return req
	}
	q := r.URL.Query()
	req.Bucket = unescape(bucket)
	req.UploadID = q.Get("upload_id")
	switch {
	case r.Method == http.MethodDelete:
		req.Kind = KindUploadChunk // cancels a resumable session
	case req.UploadID != "" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		req.Kind = chunkKind(r)
		req.Object = q.Get("name") // fake-gcs-server puts it in the session URL; GCS does not
	case r.Method == http.MethodPost && q.Get("uploadType") == "resumable":
		req.Kind = KindUploadInit
		req.Object = q.Get("name")
	case r.Method == http.MethodPost:
		req.Kind = KindWrite
		req.Object = q.Get("name")
	}
	return req
}

// classifyJSON reads the JSON API, /storage/v1/b/{bucket}[/o[/{object}]];
// path is what follows /b/.
func classifyJSON(r *http.Request, req Request, path string) Request {
	bucket, rest, _ := strings.Cut(path, "/")
	req.Bucket = unescape(bucket)
	if rest == "o" || rest == "o/" {
		if r.Method == http.MethodGet {
			req.Kind = KindList
		}
		return req
	}
	obj, ok := strings.CutPrefix(rest, "o/")
	if !ok || obj == "" {
		return req // bucket resources
	}
	return classifyJSONObject(r, req, obj, isRead(r))
}

// classifyXML reads the XML API: /{bucket} and /{bucket}/{object}.
func classifyXML(r *http.Request, req Request, p string) Request {
	seg, obj, hasObj := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	if seg == "" || reservedRoots[seg] {
		return req
	}
	req.Bucket = unescape(seg)
	switch {
	case !hasObj || obj == "":
		if r.Method == http.MethodGet {
			req.Kind = KindList
		}
		// POST /{bucket} is a form (policy) upload whose object name is in the form body;
		// it is left as KindOther.
	case isRead(r):
		req.Kind, req.Object = KindMediaDownload, unescape(obj)
	case r.Method == http.MethodPut || r.Method == http.MethodPost || r.Method == http.MethodDelete:
		req.Kind, req.Object = KindWrite, unescape(obj)
	}
	return req
}

// classifyJSONObject handles /storage/v1/b/{bucket}/o/{rest}; rest is still escaped.
func classifyJSONObject(r *http.Request, req Request, rest string, read bool) Request {
	for _, verb := range []string{"/rewriteTo/b/", "/copyTo/b/"} {
		if _, dst, ok := strings.Cut(rest, verb); ok {
			bucket, obj, _ := strings.Cut(dst, "/o/")
			if r.Method == http.MethodPost && obj != "" {
				req.Kind, req.Bucket, req.Object = KindWrite, unescape(bucket), unescape(obj)
			}
			return req
		}
	}
	if obj, ok := strings.CutSuffix(rest, "/compose"); ok {
		if r.Method == http.MethodPost {
			req.Kind, req.Object = KindWrite, unescape(obj)
		}
		return req
	}
	if i := strings.Index(rest, "/acl"); i >= 0 && (len(rest) == i+4 || rest[i+4] == '/') {
		req.Object = unescape(rest[:i])
		if read {
			req.Kind = KindObjectGet
		} else {
			req.Kind = KindWrite
		}
		return req
	}
	req.Object = unescape(rest)
	switch {
	case read && r.URL.Query().Get("alt") == "media":
		req.Kind = KindMediaDownload
	case read:
		req.Kind = KindObjectGet
	case r.Method == http.MethodPut || r.Method == http.MethodPatch ||
		r.Method == http.MethodPost || r.Method == http.MethodDelete:
		req.Kind = KindWrite
	default:
		req.Object = ""
	}
	return req
}

// chunkKind tells a resumable session's committing request (KindWrite) from the others.
func chunkKind(r *http.Request) Kind {
	cr := strings.TrimSpace(r.Header.Get("Content-Range"))
	if cr == "" {
		return KindWrite // the whole content in one request
	}
	spec, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return KindUploadChunk
	}
	rng, total, ok := strings.Cut(spec, "/")
	if !ok || total == "*" {
		return KindUploadChunk // more to come, or a status query ("bytes */*")
	}
	if rng == "*" {
		return KindWrite // finalize with no further data ("bytes */N")
	}
	_, last, ok := strings.Cut(rng, "-")
	if ok && isLastByte(last, total) {
		return KindWrite
	}
	return KindUploadChunk
}

// isLastByte reports whether last == total-1, both decimal byte offsets.
func isLastByte(last, total string) bool {
	l, err1 := strconv.ParseInt(last, 10, 64)
	t, err2 := strconv.ParseInt(total, 10, 64)
	return err1 == nil && err2 == nil && l == t-1
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
