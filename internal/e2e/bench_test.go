package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spacemeshos/terraform-provider-spacemesh/internal/testing/gcsfault"
)

// countedEntriesHCL is n entries in one resource block.
func countedEntriesHCL(n int) string {
	return strings.NewReplacer(
		`"net" {`, fmt.Sprintf("\"many\" {\n  count = %d\n", n),
		"net_id                  = 1000", "net_id                  = 1000 + count.index",
		"Open Testnet 1000", "Open Testnet ${1000 + count.index}",
		"configs.example.org/1000", "configs.example.org/${1000 + count.index}",
		"https://1000.", "https://${1000 + count.index}.",
	).Replace(entryHCL(1000, "1.7.2"))
}

// BenchmarkApply50 applies 50 entries in one terraform apply at parallelism
// 10 through GCS's one-write-per-second limit, then runs a refresh-only plan,
// with coalescing on and off. Run it with make bench (-benchtime=1x): one
// iteration is a whole apply.
func BenchmarkApply50(b *testing.B) {
	const entries = 50
	type result struct {
		applyWrites, applyGets, apply429s, refreshGets int64
		applyTime, refreshTime                         time.Duration
	}
	results := map[string]result{}
	for _, mode := range []string{"on", "off"} {
		b.Run("coalesce="+mode, func(b *testing.B) {
			for range b.N {
				emu := startEmulator(b, gcsfault.Config{MutationInterval: time.Second})
				w := newWorkspace(b, "bench")
				w.setConfig(emu.providerBlock(fmt.Sprintf("  coalesce_requests = %v\n", mode == "on")) + countedEntriesHCL(entries))
				w.mustRun("init", "-no-color")

				before := emu.proxy.Stats()
				start := time.Now()
				w.mustRun("apply", "-auto-approve", "-no-color", "-parallelism=10")
				applyTime := time.Since(start)
				mid := emu.proxy.Stats()
				if got := len(emu.document(b)); got != entries {
					b.Fatalf("document has %d entries, want %d", got, entries)
				}
				start = time.Now()
				w.mustRun("plan", "-refresh-only", "-no-color", "-parallelism=10")
				refreshTime := time.Since(start)
				after := emu.proxy.Stats()

				r := result{
					applyWrites: mid.Writes - before.Writes,
					applyGets:   gets(mid) - gets(before),
					apply429s:   mid.RateLimited - before.RateLimited,
					refreshGets: gets(after) - gets(mid),
					applyTime:   applyTime,
					refreshTime: refreshTime,
				}
				results[mode] = r
				b.ReportMetric(float64(r.applyWrites), "writes/apply")
				b.ReportMetric(float64(r.applyGets), "GETs/apply")
				b.ReportMetric(float64(r.apply429s), "429s/apply")
				b.ReportMetric(r.applyTime.Seconds(), "s/apply")
				b.ReportMetric(float64(r.refreshGets), "GETs/refresh")
				b.ReportMetric(r.refreshTime.Seconds(), "s/refresh")
			}
		})
	}
	on, off := results["on"], results["off"]
	if on.applyWrites == 0 || off.applyWrites == 0 {
		return
	}
	ratio := func(a, b float64) string {
		if a == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1fx", b/a)
	}
	b.Logf("\n%d entries, parallelism 10, 1 mutation/s per object\n"+
		"| coalescing | writes | GETs (apply) | 429s | apply | GETs (refresh) | refresh |\n"+
		"|---|---|---|---|---|---|---|\n"+
		"| on  | %d | %d | %d | %.1fs | %d | %.1fs |\n"+
		"| off | %d | %d | %d | %.1fs | %d | %.1fs |\n"+
		"| off/on | %s | %s | %s | %s | %s | %s |",
		entries,
		on.applyWrites, on.applyGets, on.apply429s, on.applyTime.Seconds(), on.refreshGets, on.refreshTime.Seconds(),
		off.applyWrites, off.applyGets, off.apply429s, off.applyTime.Seconds(), off.refreshGets, off.refreshTime.Seconds(),
		ratio(float64(on.applyWrites), float64(off.applyWrites)), ratio(float64(on.applyGets), float64(off.applyGets)),
		ratio(float64(on.apply429s), float64(off.apply429s)), ratio(on.applyTime.Seconds(), off.applyTime.Seconds()),
		ratio(float64(on.refreshGets), float64(off.refreshGets)), ratio(on.refreshTime.Seconds(), off.refreshTime.Seconds()))
}

func gets(s gcsfault.Stats) int64 { return s.ObjectGets + s.MediaDownloads }
