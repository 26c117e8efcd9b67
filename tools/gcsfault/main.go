// Command gcsfault runs the fault-injecting GCS proxy of internal/testing/gcsfault on its own, in front
// of a fake-gcs-server started separately, for tests that drive real terraform processes.
//
//	go run ./tools/gcsfault -upstream http://127.0.0.1:4443 -rate-limit 1s -drop-after-rate 0.1 -seed 7
//
// It prints its base URL as the only line on stdout, then serves until interrupted. Point
// clients at <URL>/storage/v1/ (e.g. the provider's storage_endpoint); GET <URL>/_stats
// returns the counters as JSON.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/gcsfault"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "gcsfault:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gcsfault", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback `address` to listen on")
	upstream := fs.String("upstream", "", "base `URL` of the GCS emulator, e.g. http://127.0.0.1:4443 (required)")
	rateLimit := fs.Duration("rate-limit", time.Second, "least time between two mutations of one object (GCS: about 1s); 0 turns the limit off")
	retryAfter := fs.Duration("retry-after", 0, "send Retry-After (whole seconds, rounded up) with each 429; 0 sends none, as GCS")
	failRate := fs.Float64("fail-rate", 0, "share of requests answered 503 without forwarding")
	dropRate := fs.Float64("drop-rate", 0, "share of requests whose connection is closed before forwarding")
	dropAfterRate := fs.Float64("drop-after-rate", 0, "share of requests forwarded, then their connection closed instead of answered")
	delay := fs.Duration("delay", 0, "delay added to a request")
	delayRate := fs.Float64("delay-rate", 1, "share of requests delayed by -delay")
	reads := fs.Bool("reads", false, "apply the faults to object reads and lists too (by default only to writes and upload sessions)")
	seed := fs.Uint64("seed", 0, "seed of the fault generator: the same seed and requests give the same faults")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *upstream == "" {
		return errors.New("-upstream is required")
	}
	faults := gcsfault.Faults{
		FailRate:       *failRate,
		DropBeforeRate: *dropRate,
		DropAfterRate:  *dropAfterRate,
		DelayRate:      *delayRate,
		Delay:          *delay,
	}
	cfg := gcsfault.Config{
		Upstream:         *upstream,
		MutationInterval: *rateLimit,
		RetryAfter:       *retryAfter,
		WriteFaults:      faults,
		Seed:             *seed,
	}
	if *reads {
		cfg.ReadFaults = faults
	}
	s, err := gcsfault.Start(*listen, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, s.URL)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Shutdown(shutdown)
}
