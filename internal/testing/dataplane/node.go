package dataplane

import (
	"context"
	"net"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The keepalive settings of go-spacemesh's gRPC servers (api/grpcserver/grpc.go, func New, tag
// v1.7.6): a peer that pings more often than once a minute gets GOAWAY too_many_pings after
// grpc-go's third strike, which closes every stream of that connection.
var (
	NodeKeepaliveEnforcement = keepalive.EnforcementPolicy{MinTime: time.Minute}
	NodeKeepaliveParams      = keepalive.ServerParameters{Time: 10 * time.Minute, Timeout: 10 * time.Second}
)

// Status is what a stand-in node reports.
type Status struct {
	Synced         bool
	ConnectedPeers uint64
	Layer          uint32
}

// v2alpha1 builds a spacemesh.v2alpha1.NodeStatusResponse the way go-spacemesh's NodeService.Status
// fills it (api/grpcserver/v2alpha1/node.go, v1.7.6): SYNCED or SYNCING, peers and layers.
func (s Status) v2alpha1(d Descriptors) *dynamicpb.Message {
	m := dynamicpb.NewMessage(d.StatusResponse)
	f := d.StatusResponse.Fields()
	sync := "SYNC_STATUS_SYNCING"
	if s.Synced {
		sync = "SYNC_STATUS_SYNCED"
	}
	m.Set(f.ByName("connected_peers"), protoreflect.ValueOfUint64(s.ConnectedPeers))
	m.Set(f.ByName("status"), protoreflect.ValueOfEnum(f.ByName("status").Enum().Values().ByName(protoreflect.Name(sync)).Number()))
	for _, name := range []protoreflect.Name{"latest_layer", "applied_layer", "processed_layer", "current_layer"} {
		m.Set(f.ByName(name), protoreflect.ValueOfUint32(s.Layer))
	}
	return m
}

// v1Stream builds a spacemesh.v1.StatusStreamResponse.
func (s Status) v1Stream(d Descriptors) *dynamicpb.Message {
	resp := dynamicpb.NewMessage(d.StatusStreamResponse)
	statusField := d.StatusStreamResponse.Fields().ByName("status")
	st := dynamicpb.NewMessage(statusField.Message())
	f := statusField.Message().Fields()
	st.Set(f.ByName("connected_peers"), protoreflect.ValueOfUint64(s.ConnectedPeers))
	st.Set(f.ByName("is_synced"), protoreflect.ValueOfBool(s.Synced))
	for _, name := range []protoreflect.Name{"synced_layer", "top_layer", "verified_layer"} {
		layer := dynamicpb.NewMessage(f.ByName(name).Message())
		layer.Set(layer.Descriptor().Fields().ByName("number"), protoreflect.ValueOfUint32(s.Layer))
		st.Set(f.ByName(name), protoreflect.ValueOfMessage(layer))
	}
	resp.Set(statusField, protoreflect.ValueOfMessage(st))
	return resp
}

// Node stands in for go-spacemesh's public gRPC listener: grpc-go over plain TCP (h2c, as Traefik's
// h2c scheme reaches it), with the node's keepalive policy, serving v2alpha1 NodeService.Status and
// the v1 NodeService.StatusStream server stream, which sends a message only when Publish is called.
type Node struct {
	desc   Descriptors
	status func() Status
	server *grpc.Server

	mu      sync.Mutex
	streams map[chan Status]struct{}
	unary   int
}

// NewNode serves status() to every Status call.
func NewNode(status func() Status) (*Node, error) {
	d, err := LoadDescriptors()
	if err != nil {
		return nil, err
	}
	n := &Node{desc: d, status: status, streams: map[chan Status]struct{}{}}
	n.server = grpc.NewServer(grpc.KeepaliveEnforcementPolicy(NodeKeepaliveEnforcement), grpc.KeepaliveParams(NodeKeepaliveParams))
	n.server.RegisterService(&grpc.ServiceDesc{
		ServiceName: "spacemesh.v2alpha1.NodeService",
		HandlerType: (*any)(nil),
		Methods:     []grpc.MethodDesc{{MethodName: "Status", Handler: n.handleStatus}},
		Metadata:    "spacemesh/v2alpha1/node.proto",
	}, struct{}{})
	n.server.RegisterService(&grpc.ServiceDesc{
		ServiceName: "spacemesh.v1.NodeService",
		HandlerType: (*any)(nil),
		Streams:     []grpc.StreamDesc{{StreamName: "StatusStream", Handler: n.handleStatusStream, ServerStreams: true}},
		Metadata:    "spacemesh/v1/node.proto",
	}, struct{}{})
	return n, nil
}

// Serve serves l until Stop.
func (n *Node) Serve(l net.Listener) error { return n.server.Serve(l) }

// Stop closes every connection at once.
func (n *Node) Stop() { n.server.Stop() }

// UnaryCalls is how many Status calls were answered.
func (n *Node) UnaryCalls() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.unary
}

// OpenStreams is how many status streams are open.
func (n *Node) OpenStreams() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.streams)
}

// Publish sends s to every open status stream and says to how many.
func (n *Node) Publish(s Status) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	sent := 0
	for ch := range n.streams {
		select {
		case ch <- s:
			sent++
		default: // a stream that stopped reading
		}
	}
	return sent
}

func (n *Node) handleStatus(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
	if err := dec(dynamicpb.NewMessage(n.desc.StatusRequest)); err != nil {
		return nil, err
	}
	n.mu.Lock()
	n.unary++
	n.mu.Unlock()
	return proto.Message(n.status().v2alpha1(n.desc)), nil
}

func (n *Node) handleStatusStream(_ any, stream grpc.ServerStream) error {
	if err := stream.RecvMsg(dynamicpb.NewMessage(n.desc.StatusStreamRequest)); err != nil {
		return err
	}
	// The response headers go out at once, as a subscription is established; then nothing until
	// the status changes.
	if err := stream.SendHeader(nil); err != nil {
		return err
	}
	ch := make(chan Status, 16)
	n.mu.Lock()
	n.streams[ch] = struct{}{}
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		delete(n.streams, ch)
		n.mu.Unlock()
	}()
	for {
		select {
		case <-stream.Context().Done():
			return stream.Context().Err()
		case s := <-ch:
			if err := stream.SendMsg(s.v1Stream(n.desc)); err != nil {
				return err
			}
		}
	}
}
