package dataplane

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"
)

// Summary is the latency distribution of one kind of request.
type Summary struct {
	Requests, Errors int
	P50, P99, Max    time.Duration
	FirstError       string
}

func (s Summary) String() string {
	out := fmt.Sprintf("%d requests, %d errors, p50 %s, p99 %s, max %s", s.Requests, s.Errors,
		s.P50.Round(10*time.Microsecond), s.P99.Round(10*time.Microsecond), s.Max.Round(10*time.Microsecond))
	if s.FirstError != "" {
		out += ", first error: " + s.FirstError
	}
	return out
}

// Percentile is the nearest-rank p-th percentile (0 < p <= 100) of sorted latencies.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// Load sends requests at a fixed rate for a duration, open-loop (a slow answer does not delay the
// next request, as with independent browsers), each request of the kind kinds[i%len(kinds)], and
// summarises the latencies of the successful ones per kind and over all. Requests still running
// when the duration ends are waited for.
func Load(ctx context.Context, rate float64, duration time.Duration, kinds []string, do func(ctx context.Context, kind string) error) (perKind map[string]Summary, all Summary) {
	type sample struct {
		kind string
		d    time.Duration
		err  error
	}
	var (
		mu      sync.Mutex
		samples []sample
		wg      sync.WaitGroup
	)
	interval := time.Duration(float64(time.Second) / rate)
	n := int(duration / interval)
	start := time.Now()
	for i := 0; i < n; i++ {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			select {
			case <-ctx.Done():
				i = n
				continue
			case <-time.After(wait):
			}
		}
		kind := kinds[i%len(kinds)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			err := do(ctx, kind)
			d := time.Since(t0)
			mu.Lock()
			samples = append(samples, sample{kind, d, err})
			mu.Unlock()
		}()
	}
	wg.Wait()

	summarise := func(keep func(sample) bool) Summary {
		var s Summary
		var ds []time.Duration
		for _, x := range samples {
			if !keep(x) {
				continue
			}
			s.Requests++
			if x.err != nil {
				s.Errors++
				if s.FirstError == "" {
					s.FirstError = x.err.Error()
				}
				continue
			}
			ds = append(ds, x.d)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		s.P50, s.P99 = Percentile(ds, 50), Percentile(ds, 99)
		if len(ds) > 0 {
			s.Max = ds[len(ds)-1]
		}
		return s
	}
	perKind = map[string]Summary{}
	for _, k := range kinds {
		perKind[k] = summarise(func(x sample) bool { return x.kind == k })
	}
	return perKind, summarise(func(sample) bool { return true })
}
