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

// Status is the node's answer. The gateway marshals with protojson, so the
// keys are lowerCamelCase and 64-bit integers may arrive as strings.
type Status struct {
	SyncStatus     string      `json:"status"`
	ConnectedPeers json.Number `json:"connectedPeers"`
	LatestLayer    json.Number `json:"latestLayer"`
	AppliedLayer   json.Number `json:"appliedLayer"`
	ProcessedLayer json.Number `json:"processedLayer"`
	CurrentLayer   json.Number `json:"currentLayer"`
}

// Fields are the status as structured log fields.
func (s Status) Fields() map[string]any {
	return map[string]any{
		"status": s.SyncStatus, "connected_peers": s.ConnectedPeers.String(),
		"current_layer": s.CurrentLayer.String(), "latest_layer": s.LatestLayer.String(),
		"processed_layer": s.ProcessedLayer.String(), "applied_layer": s.AppliedLayer.String(),
	}
}

func (s Status) String() string {
	return fmt.Sprintf("status %s, %s peers, current layer %s, latest layer %s, processed layer %s, applied layer %s",
		orNone(s.SyncStatus), orNone(s.ConnectedPeers.String()), orNone(s.CurrentLayer.String()),
		orNone(s.LatestLayer.String()), orNone(s.ProcessedLayer.String()), orNone(s.AppliedLayer.String()))
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
// that quotes what came back.
func Query(ctx context.Context, client *http.Client, apiJSON string) (Status, error) {
	url := StatusURL(apiJSON)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte("{}")))
	if err != nil {
		return Status{}, fmt.Errorf("POST %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return Status{}, fmt.Errorf("POST %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Status{}, fmt.Errorf("POST %s: reading the answer: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Status{}, fmt.Errorf("POST %s: HTTP %d: %s", url, resp.StatusCode, excerpt(body))
	}
	var s Status
	if err := json.Unmarshal(body, &s); err != nil || s.SyncStatus == "" {
		return Status{}, fmt.Errorf("POST %s: expected a JSON NodeService status with \"status\", got: %s", url, excerpt(body))
	}
	return s, nil
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
