package gcsfault

// Counters count requests and what the proxy did to them. The same shape serves the whole
// proxy (Stats) and each object (Stats.Objects).
type Counters struct {
	// Requests by kind (see Kind); Requests is their sum.
	Requests       int64 `json:"requests"`
	ObjectGets     int64 `json:"object_gets"`
	MediaDownloads int64 `json:"media_downloads"`
	Lists          int64 `json:"lists"`
	// Writes counts mutation requests received, whatever became of them.
	Writes       int64 `json:"writes"`
	UploadInits  int64 `json:"upload_inits"`
	UploadChunks int64 `json:"upload_chunks"`
	Other        int64 `json:"other"`

	// What happened to them.
	Forwarded int64 `json:"forwarded"`
	// WritesLanded counts writes the store accepted (2xx), including those whose answer
	// was then dropped.
	WritesLanded int64 `json:"writes_landed"`
	// RateLimited counts 429s sent for the per-object mutation limit.
	RateLimited    int64 `json:"rate_limited"`
	Injected503    int64 `json:"injected_503"`
	DroppedBefore  int64 `json:"dropped_before"`
	DroppedAfter   int64 `json:"dropped_after"`
	Delayed        int64 `json:"delayed"`
	UpstreamErrors int64 `json:"upstream_errors"`
}

func (c *Counters) count(k Kind) {
	c.Requests++
	switch k {
	case KindObjectGet:
		c.ObjectGets++
	case KindMediaDownload:
		c.MediaDownloads++
	case KindList:
		c.Lists++
	case KindWrite:
		c.Writes++
	case KindUploadInit:
		c.UploadInits++
	case KindUploadChunk:
		c.UploadChunks++
	default:
		c.Other++
	}
}

// Stats is a snapshot of the proxy's counters.
type Stats struct {
	Counters
	// Objects holds the counters of each object the proxy saw, keyed "bucket/object".
	Objects map[string]Counters `json:"objects"`
}

func newStats() Stats { return Stats{Objects: map[string]Counters{}} }

// count applies f to the totals and, if the request names an object, to its counters.
func (p *Proxy) count(req Request, f func(*Counters)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.stats.Counters)
	if key := req.Key(); key != "" {
		c := p.stats.Objects[key]
		f(&c)
		p.stats.Objects[key] = c
	}
}

// Stats returns a copy of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := Stats{Counters: p.stats.Counters, Objects: make(map[string]Counters, len(p.stats.Objects))}
	for k, v := range p.stats.Objects {
		out.Objects[k] = v
	}
	return out
}

// Object returns the counters of "bucket/object" (zero if the proxy never saw it).
func (p *Proxy) Object(bucket, object string) Counters {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats.Objects[bucket+"/"+object]
}
