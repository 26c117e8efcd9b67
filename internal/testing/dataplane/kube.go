package dataplane

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Kube is the little of the Kubernetes API the test needs, as plain JSON over https (the
// stand-ins' side of the cluster: reading what the charts created, pointing Services at the
// stand-ins, asking a token for the ingress controller's ServiceAccount).
type Kube struct {
	Server string // https://127.0.0.1:<port>
	Token  string // bearer token (sensitive: never printed)
	Client *http.Client
}

// StatusError is an answer of the API server that is not a 2xx.
type StatusError struct {
	Method, Path string
	Code         int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Code, strings.TrimSpace(e.Body))
}

// IsNotFound tells a 404 of the API server.
func IsNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Code == http.StatusNotFound
}

// Do sends in (if not nil) as JSON and decodes the answer into out (if not nil).
func (k *Kube) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, k.Server+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+k.Token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := k.Client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return &StatusError{Method: method, Path: path, Code: resp.StatusCode, Body: string(b)}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
	}
	return nil
}

// Get reads path into out.
func (k *Kube) Get(ctx context.Context, path string, out any) error {
	return k.Do(ctx, http.MethodGet, path, nil, out)
}

// ServiceAccountToken asks the TokenRequest API for a token of namespace/name, valid for ttl.
func (k *Kube) ServiceAccountToken(ctx context.Context, namespace, name string, ttl time.Duration) (string, error) {
	var out struct {
		Status struct {
			Token string `json:"token"`
		} `json:"status"`
	}
	in := map[string]any{
		"apiVersion": "authentication.k8s.io/v1",
		"kind":       "TokenRequest",
		"spec":       map[string]any{"expirationSeconds": int64(ttl / time.Second)},
	}
	path := fmt.Sprintf("/api/v1/namespaces/%s/serviceaccounts/%s/token", namespace, name)
	if err := k.Do(ctx, http.MethodPost, path, in, &out); err != nil {
		return "", err
	}
	if out.Status.Token == "" {
		return "", fmt.Errorf("POST %s: no token in the answer", path)
	}
	return out.Status.Token, nil
}

// EndpointPort is one named port of an EndpointSlice.
type EndpointPort struct {
	Name string
	Port int
}

// EndpointSlice is a ready EndpointSlice of the Service namespace/service with addrs (IPv4), as
// the EndpointSlice controller would write it for ready pods. It is managed by the test, so the
// controller leaves it alone.
func EndpointSlice(namespace, service string, addrs []string, ports []EndpointPort) map[string]any {
	eps := make([]any, 0, len(addrs))
	for _, a := range addrs {
		eps = append(eps, map[string]any{
			"addresses":  []string{a},
			"conditions": map[string]any{"ready": true, "serving": true, "terminating": false},
		})
	}
	ps := make([]any, 0, len(ports))
	for _, p := range ports {
		ps = append(ps, map[string]any{"name": p.Name, "port": p.Port, "protocol": "TCP"})
	}
	return map[string]any{
		"apiVersion": "discovery.k8s.io/v1",
		"kind":       "EndpointSlice",
		"metadata": map[string]any{
			"name":      service + "-standin",
			"namespace": namespace,
			"labels": map[string]string{
				"kubernetes.io/service-name":             service,
				"endpointslice.kubernetes.io/managed-by": "dataplane-test.spacemesh.io",
			},
		},
		"addressType": "IPv4",
		"endpoints":   eps,
		"ports":       ps,
	}
}
