package gcsfault

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		name, method, target string
		header               map[string]string
		want                 Request
	}{
		// Reads.
		{"json metadata", "GET", "/storage/v1/b/sm/o/networks.json?alt=json&prettyPrint=false", nil,
			Request{Kind: KindObjectGet, Bucket: "sm", Object: "networks.json"}},
		{"json metadata escaped name", "GET", "/storage/v1/b/sm/o/nets%2F118%2Fconf.json", nil,
			Request{Kind: KindObjectGet, Bucket: "sm", Object: "nets/118/conf.json"}},
		{"json media", "GET", "/storage/v1/b/sm/o/networks.json?alt=media", nil,
			Request{Kind: KindMediaDownload, Bucket: "sm", Object: "networks.json"}},
		{"download path", "GET", "/download/storage/v1/b/sm/o/networks.json?alt=media", nil,
			Request{Kind: KindMediaDownload, Bucket: "sm", Object: "networks.json"}},
		{"xml get", "GET", "/sm/networks.json", nil,
			Request{Kind: KindMediaDownload, Bucket: "sm", Object: "networks.json"}},
		{"xml head", "HEAD", "/sm/dir%2Fnetworks.json", nil,
			Request{Kind: KindMediaDownload, Bucket: "sm", Object: "dir/networks.json"}},
		{"object acl read", "GET", "/storage/v1/b/sm/o/networks.json/acl", nil,
			Request{Kind: KindObjectGet, Bucket: "sm", Object: "networks.json"}},
		{"json list", "GET", "/storage/v1/b/sm/o?prefix=n", nil, Request{Kind: KindList, Bucket: "sm"}},
		{"xml list", "GET", "/sm", nil, Request{Kind: KindList, Bucket: "sm"}},

		// Writes.
		{"multipart upload", "POST", "/upload/storage/v1/b/sm/o?uploadType=multipart&name=networks.json&ifGenerationMatch=3", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "networks.json"}},
		{"media upload", "POST", "/upload/storage/v1/b/sm/o/?uploadType=media&name=a%2Fb.json", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "a/b.json"}},
		{"multipart upload, name in body", "POST", "/upload/storage/v1/b/sm/o?uploadType=multipart", nil,
			Request{Kind: KindWrite, Bucket: "sm"}},
		{"patch", "PATCH", "/storage/v1/b/sm/o/networks.json", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "networks.json"}},
		{"put", "PUT", "/storage/v1/b/sm/o/networks.json", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "networks.json"}},
		{"post override", "POST", "/storage/v1/b/sm/o/networks.json", map[string]string{"X-HTTP-Method-Override": "PATCH"},
			Request{Kind: KindWrite, Bucket: "sm", Object: "networks.json"}},
		{"delete", "DELETE", "/storage/v1/b/sm/o/networks.json?ifGenerationMatch=4", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "networks.json"}},
		{"acl write", "PUT", "/storage/v1/b/sm/o/networks.json/acl/allUsers", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "networks.json"}},
		{"compose", "POST", "/storage/v1/b/sm/o/all.json/compose", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "all.json"}},
		{"rewrite", "POST", "/storage/v1/b/src/o/a.json/rewriteTo/b/dst/o/b%2Fc.json", nil,
			Request{Kind: KindWrite, Bucket: "dst", Object: "b/c.json"}},
		{"copy", "POST", "/storage/v1/b/src/o/a.json/copyTo/b/dst/o/c.json", nil,
			Request{Kind: KindWrite, Bucket: "dst", Object: "c.json"}},
		{"xml put", "PUT", "/sm/networks.json", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "networks.json"}},
		{"xml delete", "DELETE", "/sm/networks.json", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "networks.json"}},

		// Resumable sessions.
		{"resumable init", "POST", "/upload/storage/v1/b/sm/o?uploadType=resumable&name=big.bin", nil,
			Request{Kind: KindUploadInit, Bucket: "sm", Object: "big.bin"}},
		{"resumable middle chunk", "PUT", "/upload/storage/v1/b/sm/o?uploadType=resumable&upload_id=U1", map[string]string{"Content-Range": "bytes 0-262143/*"},
			Request{Kind: KindUploadChunk, Bucket: "sm", UploadID: "U1"}},
		{"resumable final chunk", "PUT", "/upload/storage/v1/b/sm/o?uploadType=resumable&upload_id=U1", map[string]string{"Content-Range": "bytes 262144-300000/300001"},
			Request{Kind: KindWrite, Bucket: "sm", UploadID: "U1"}},
		{"resumable finalize empty", "PUT", "/upload/storage/v1/b/sm/o?upload_id=U1", map[string]string{"Content-Range": "bytes */300001"},
			Request{Kind: KindWrite, Bucket: "sm", UploadID: "U1"}},
		{"resumable status query", "PUT", "/upload/storage/v1/b/sm/o?upload_id=U1", map[string]string{"Content-Range": "bytes */*"},
			Request{Kind: KindUploadChunk, Bucket: "sm", UploadID: "U1"}},
		{"resumable single put", "PUT", "/upload/storage/v1/b/sm/o?upload_id=U1&name=x", nil,
			Request{Kind: KindWrite, Bucket: "sm", Object: "x", UploadID: "U1"}},
		{"resumable cancel", "DELETE", "/upload/storage/v1/b/sm/o?upload_id=U1", nil,
			Request{Kind: KindUploadChunk, Bucket: "sm", UploadID: "U1"}},
		{"resumable alt path", "PUT", "/upload/resumable/U2", map[string]string{"Content-Range": "bytes 0-9/10"},
			Request{Kind: KindWrite, UploadID: "U2"}},

		// Neither.
		{"bucket get", "GET", "/storage/v1/b/sm", nil, Request{Kind: KindOther, Bucket: "sm"}},
		{"bucket create", "POST", "/storage/v1/b?project=p", nil, Request{Kind: KindOther}},
		{"batch", "POST", "/batch/storage/v1", nil, Request{Kind: KindOther}},
		{"emulator internals", "POST", "/_internal/delete_all", nil, Request{Kind: KindOther}},
		{"root", "GET", "/", nil, Request{Kind: KindOther}},
		{"xml form upload", "POST", "/sm", nil, Request{Kind: KindOther, Bucket: "sm"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.target, http.NoBody)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			tc.want.Method = tc.method
			if got := Classify(r); got != tc.want {
				t.Errorf("Classify(%s %s)\n got %+v\nwant %+v", tc.method, tc.target, got, tc.want)
			}
		})
	}
}

func TestNameFromBody(t *testing.T) {
	multipartBody := "--B\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"bucket\":\"sm\",\"name\":\"nets/networks.json\"}\r\n" +
		"--B\r\nContent-Type: application/json\r\n\r\n[]\r\n--B--\r\n"
	if got := nameFromBody("multipart/related; boundary=B", []byte(multipartBody)); got != "nets/networks.json" {
		t.Errorf("multipart: got %q", got)
	}
	if got := nameFromBody("application/json; charset=UTF-8", []byte(`{"name":"big.bin","contentType":"x"}`)); got != "big.bin" {
		t.Errorf("json: got %q", got)
	}
	if got := nameFromBody("application/octet-stream", []byte("not json")); got != "" {
		t.Errorf("garbage: got %q", got)
	}
}
