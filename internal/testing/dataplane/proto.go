// Package dataplane holds the stand-ins of the data-plane test (make test-dataplane): a real Traefik,
// run with the ingress chart's own arguments and RBAC, routes the network module's hosts to these
// servers as it would route them to the API node's pods:
//
//   - Node: the node's public gRPC listener (grpc-go over h2c, go-spacemesh's keepalive policy);
//   - Gateway: the node's JSON gateway (grpc-gateway's answers, go-spacemesh's CORS);
//   - Stats: the explorer stats API (GET /overview);
//   - Forward: the cloud load balancer in front of the ingress controller (Service port to
//     container port).
//
// The messages are those of a hand-written subset of spacemeshos/api (proto/), compiled when the
// package is first used: the API's Go module is not served by the Go module proxy.
package dataplane

import (
	"context"
	"embed"
	"fmt"
	"io"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
)

//go:embed proto
var protoFS embed.FS

// Full names of what the stand-ins serve.
const (
	// StatusMethod is NodeService.Status of API v2alpha1: over gRPC, and on the JSON gateway as
	// POST /spacemesh.v2alpha1.NodeService/Status.
	StatusMethod = "/spacemesh.v2alpha1.NodeService/Status"
	// StatusStreamMethod is the v1 node status stream Smapp keeps open.
	StatusStreamMethod = "/spacemesh.v1.NodeService/StatusStream"
)

// Descriptors are the message types of the served methods.
type Descriptors struct {
	StatusRequest        protoreflect.MessageDescriptor
	StatusResponse       protoreflect.MessageDescriptor
	StatusStreamRequest  protoreflect.MessageDescriptor
	StatusStreamResponse protoreflect.MessageDescriptor
}

var (
	descOnce sync.Once
	desc     Descriptors
	descErr  error
)

// LoadDescriptors compiles proto/ once.
func LoadDescriptors() (Descriptors, error) {
	descOnce.Do(func() { desc, descErr = compile() })
	return desc, descErr
}

func compile() (Descriptors, error) {
	c := protocompile.Compiler{Resolver: &protocompile.SourceResolver{
		Accessor: func(path string) (io.ReadCloser, error) { return protoFS.Open("proto/" + path) },
	}}
	files, err := c.Compile(context.Background(), "spacemesh/v2alpha1/node.proto", "spacemesh/v1/node.proto")
	if err != nil {
		return Descriptors{}, fmt.Errorf("compiling the spacemesh API subset: %w", err)
	}
	msg := func(name protoreflect.FullName) protoreflect.MessageDescriptor {
		for _, f := range files {
			if d := f.Messages().ByName(name.Name()); d != nil && d.FullName() == name {
				return d
			}
		}
		if err == nil {
			err = fmt.Errorf("message %s is not in proto/", name)
		}
		return nil
	}
	d := Descriptors{
		StatusRequest:        msg("spacemesh.v2alpha1.NodeStatusRequest"),
		StatusResponse:       msg("spacemesh.v2alpha1.NodeStatusResponse"),
		StatusStreamRequest:  msg("spacemesh.v1.StatusStreamRequest"),
		StatusStreamResponse: msg("spacemesh.v1.StatusStreamResponse"),
	}
	return d, err
}
