package dataplane

import (
	"io"
	"net"
	"sync"
)

// Forward stands in for the cloud load balancer and kube-proxy in front of the ingress controller:
// every connection accepted on l is relayed, byte for byte, to target (the Service's port to its
// targetPort). It returns when l is closed, after closing the connections it relays.
func Forward(l net.Listener, target string) {
	var mu sync.Mutex
	open := map[net.Conn]struct{}{}
	track := func(c net.Conn, add bool) {
		mu.Lock()
		defer mu.Unlock()
		if add {
			open[c] = struct{}{}
		} else {
			delete(open, c)
		}
	}
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for c := range open {
			_ = c.Close()
		}
	}()
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			out, err := net.Dial("tcp", target)
			if err != nil {
				_ = in.Close()
				return
			}
			track(in, true)
			track(out, true)
			done := make(chan struct{}, 2)
			relay := func(dst, src net.Conn) {
				_, _ = io.Copy(dst, src)
				// Half-close, so the other direction can finish (a client that sent its request
				// and waits for the answer).
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
				done <- struct{}{}
			}
			go relay(out, in)
			go relay(in, out)
			<-done
			<-done
			_ = in.Close()
			_ = out.Close()
			track(in, false)
			track(out, false)
		}()
	}
}
