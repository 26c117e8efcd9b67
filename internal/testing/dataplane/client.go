package dataplane

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// CallStatus calls v2alpha1 NodeService.Status on conn, as Smapp and grpcurl do.
func CallStatus(ctx context.Context, conn grpc.ClientConnInterface, opts ...grpc.CallOption) (Status, error) {
	d, err := LoadDescriptors()
	if err != nil {
		return Status{}, err
	}
	resp := dynamicpb.NewMessage(d.StatusResponse)
	if err := conn.Invoke(ctx, StatusMethod, dynamicpb.NewMessage(d.StatusRequest), resp, opts...); err != nil {
		return Status{}, err
	}
	f := d.StatusResponse.Fields()
	sync := f.ByName("status").Enum().Values().ByNumber(resp.Get(f.ByName("status")).Enum())
	if sync == nil {
		return Status{}, fmt.Errorf("%s: unknown sync status %d", StatusMethod, resp.Get(f.ByName("status")).Enum())
	}
	return Status{
		Synced:         sync.Name() == "SYNC_STATUS_SYNCED",
		ConnectedPeers: resp.Get(f.ByName("connected_peers")).Uint(),
		Layer:          uint32(resp.Get(f.ByName("current_layer")).Uint()),
	}, nil
}

// StatusStream is an open v1 NodeService.StatusStream.
type StatusStream struct {
	stream grpc.ClientStream
	desc   Descriptors
}

// OpenStatusStream opens the stream; it lasts until ctx ends.
func OpenStatusStream(ctx context.Context, conn grpc.ClientConnInterface) (*StatusStream, error) {
	d, err := LoadDescriptors()
	if err != nil {
		return nil, err
	}
	s, err := conn.NewStream(ctx, &grpc.StreamDesc{StreamName: "StatusStream", ServerStreams: true}, StatusStreamMethod)
	if err != nil {
		return nil, err
	}
	if err := s.SendMsg(dynamicpb.NewMessage(d.StatusStreamRequest)); err != nil {
		return nil, err
	}
	if err := s.CloseSend(); err != nil {
		return nil, err
	}
	return &StatusStream{stream: s, desc: d}, nil
}

// Header waits for the response headers (the node sends them when the stream is established).
func (s *StatusStream) Header() error {
	_, err := s.stream.Header()
	return err
}

// Recv waits for the next status.
func (s *StatusStream) Recv() (Status, error) {
	m := dynamicpb.NewMessage(s.desc.StatusStreamResponse)
	if err := s.stream.RecvMsg(m); err != nil {
		return Status{}, err
	}
	st := m.Get(s.desc.StatusStreamResponse.Fields().ByName("status")).Message()
	f := st.Descriptor().Fields()
	layer := func(name protoreflect.Name) uint32 {
		l := st.Get(f.ByName(name)).Message()
		return uint32(l.Get(l.Descriptor().Fields().ByName("number")).Uint())
	}
	return Status{
		Synced:         st.Get(f.ByName("is_synced")).Bool(),
		ConnectedPeers: st.Get(f.ByName("connected_peers")).Uint(),
		Layer:          layer("top_layer"),
	}, nil
}
