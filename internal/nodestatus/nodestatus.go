// Package nodestatus asks a go-spacemesh node, through its public JSON
// gateway, whether it is synced: a network is published in the discovery
// document only once its public API answers with a synced node.
package nodestatus

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

// StatusPath is NodeService.Status of API v2alpha1 on the JSON gateway
// (spacemeshos/api spacemesh/v2alpha1/node.proto; the gateway serves every
// method at /<package>.<Service>/<Method>, e.g. dash-frontend POSTs to
// ${grpcAPI}/spacemesh.v2alpha1.NetworkService/Info).
const StatusPath = "/spacemesh.v2alpha1.NodeService/Status"

// Synced is the sync status of a node that follows the network
// (node.proto, enum NodeStatusResponse.SyncStatus).
const Synced = "SYNC_STATUS_SYNCED"

// maxBody bounds what is read of an answer: a status is a few hundred bytes.
const maxBody = 64 << 10

// Status is the node's answer. Only SyncStatus decides anything; the other
// fields are the answer's values as text, for logs ("" when absent).
type Status struct {
	SyncStatus     string
	ConnectedPeers string
	LatestLayer    string
	AppliedLayer   string
	ProcessedLayer string
	CurrentLayer   string
}

// Fields are the status as structured log fields.
func (s Status) Fields() map[string]any {
	return map[string]any{
		"status": s.SyncStatus, "connected_peers": s.ConnectedPeers,
		"current_layer": s.CurrentLayer, "latest_layer": s.LatestLayer,
		"processed_layer": s.ProcessedLayer, "applied_layer": s.AppliedLayer,
	}
}

func (s Status) String() string {
	return fmt.Sprintf("status %s, %s peers, current layer %s, latest layer %s, processed layer %s, applied layer %s",
		orNone(s.SyncStatus), orNone(s.ConnectedPeers), orNone(s.CurrentLayer),
		orNone(s.LatestLayer), orNone(s.ProcessedLayer), orNone(s.AppliedLayer))
}

func orNone(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// StatusURL is where the status of the node behind apiJSON is asked.
func StatusURL(apiJSON string) string { return strings.TrimSuffix(apiJSON, "/") + StatusPath }

// Query asks once. An answer that is not a 200 with a status is an error
// that quotes what came back. A redirect is refused, not followed:
// go-spacemesh serves the JSON gateway with grpc-gateway's runtime.ServeMux
// (api/grpcserver/http_server.go at v1.7.6, grpc-gateway v2.22.0), which
// answers every method at its own path and never redirects. A 3xx comes from
// something else in front of the URL, and whatever answers at its target
// (another host, plain http) must not decide that a network is live.
func Query(ctx context.Context, client *http.Client, apiJSON string) (Status, error) {
	url := StatusURL(apiJSON)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte("{}")))
	if err != nil {
		return Status{}, fmt.Errorf("POST %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	noRedirects := *client
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirects.Do(req)
	if err != nil {
		return Status{}, fmt.Errorf("POST %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode/100 == 3 {
		return Status{}, fmt.Errorf("POST %s: HTTP %d, a redirect to %q: refused, since the node's JSON gateway never redirects: something else answers at api_json, which must be the gateway's own https URL", url, resp.StatusCode, resp.Header.Get("Location"))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Status{}, fmt.Errorf("POST %s: reading the answer: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Status{}, fmt.Errorf("POST %s: HTTP %d: %s", url, resp.StatusCode, excerpt(body))
	}
	s, err := decodeStatus(body)
	if err != nil {
		return Status{}, fmt.Errorf("POST %s: %v, got: %s", url, err, excerpt(body))
	}
	return s, nil
}

// errNotStatus: the answer is not one JSON object.
var errNotStatus = errors.New(`expected a JSON NodeService status with "status"`)

// decodeStatus reads the gateway's answer. It marshals
// spacemesh.v2alpha1.NodeStatusResponse (spacemeshos/api v1.55.0, the release
// go-spacemesh v1.7.6 builds, spacemesh/v2alpha1/node.proto) with
// grpc-gateway's default marshaler, protojson with EmitUnpopulated: one
// object with lowerCamelCase keys, uint64 as a string, uint32 as a number,
// the enum by name:
//
//	{"connectedPeers":"12","status":"SYNC_STATUS_SYNCED","latestLayer":104,
//	 "appliedLayer":94,"processedLayer":99,"currentLayer":120}
//
// Only "status" decides, so only it is read strictly: that exact key, once, a
// string (encoding/json would also take "Status" for it, and let the last of
// them win). The other values are kept as text for logs, whatever their shape.
func decodeStatus(body []byte) (Status, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return Status{}, errNotStatus
	}
	var s Status
	logged := map[string]*string{
		"connectedPeers": &s.ConnectedPeers, "latestLayer": &s.LatestLayer, "appliedLayer": &s.AppliedLayer,
		"processedLayer": &s.ProcessedLayer, "currentLayer": &s.CurrentLayer,
	}
	seen := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Status{}, errNotStatus
		}
		key, _ := tok.(string) // an object's keys are strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return Status{}, errNotStatus
		}
		switch {
		case key == "status":
			if seen {
				return Status{}, errors.New(`the answer has "status" twice, so it does not say one thing`)
			}
			seen = true
			if err := json.Unmarshal(raw, &s.SyncStatus); err != nil || raw[0] != '"' || s.SyncStatus == "" {
				return Status{}, errors.New(`"status" must be a string naming a SyncStatus`)
			}
		case logged[key] != nil:
			*logged[key] = asText(raw)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return Status{}, errNotStatus
	}
	if _, err := dec.Token(); err != io.EOF {
		return Status{}, errNotStatus
	}
	if !seen {
		return Status{}, errors.New(`the answer has no "status" (keys are case-sensitive)`)
	}
	return s, nil
}

// asText is a JSON value as a log shows it: a string's contents, anything
// else as written.
func asText(raw json.RawMessage) string {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	return excerpt(raw)
}

func excerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

// Wait polls every interval until the node reports Synced, ctx ends, or the
// timeout passes. onPoll sees every answer (or error) as it comes, for
// progress logs. On timeout the error says what the node answered last.
func Wait(ctx context.Context, client *http.Client, apiJSON string, timeout, interval time.Duration, onPoll func(Status, error)) (Status, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last Status
	var lastErr error
	polls := 0
	for {
		s, err := Query(ctx, client, apiJSON)
		polls++
		if onPoll != nil {
			onPoll(s, err)
		}
		if err == nil && s.SyncStatus == Synced {
			return s, nil
		}
		if err == nil || ctx.Err() == nil {
			// An error caused by our own deadline says nothing about the node.
			last, lastErr = s, err
		}
		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			what := "no answer"
			switch {
			case lastErr != nil:
				what = "the last poll failed: " + lastErr.Error()
			case last.SyncStatus != "":
				what = "it last answered " + last.String()
			}
			reason := fmt.Sprintf("not synced after %s (%d polls)", timeout, polls)
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				reason = "stopped waiting: " + ctx.Err().Error()
			}
			return last, fmt.Errorf("the node behind %s is %s; %s", apiJSON, reason, what)
		case <-timer.C:
		}
	}
}
