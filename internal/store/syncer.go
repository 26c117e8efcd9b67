package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// A Change turns the current document into the next one. It must be pure:
// it is applied again, to a fresh read, whenever a write loses a race.
// mayHaveLanded is true when an earlier write that carried this change had an
// unknown outcome (a dropped response), so the change may already be in
// current; the change should then treat "already done" as success.
// Returning an error fails this change alone.
type Change func(current []byte, exists bool, mayHaveLanded bool) ([]byte, error)

// Backoff bounds the pauses between retries of transient failures.
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
}

// DefaultBackoff starts at about GCS's one-write-per-second object limit.
var DefaultBackoff = Backoff{Initial: 500 * time.Millisecond, Max: 16 * time.Second}

// pause is a full-jitter exponential back-off, raised to the server's
// Retry-After when it asked for longer.
func (b Backoff) pause(attempt int, retryAfter time.Duration) time.Duration {
	ceiling := b.Initial << min(attempt, 16)
	if ceiling > b.Max || ceiling <= 0 {
		ceiling = b.Max
	}
	d := ceiling/2 + rand.N(ceiling/2+1)
	if retryAfter > d {
		d = retryAfter + rand.N(b.Initial+1)
	}
	return d
}

// SyncerConfig configures a Syncer.
type SyncerConfig struct {
	// Coalesce batches concurrent changes into one write per round and lets
	// concurrent reads share one GET. Off: every call does its own I/O.
	Coalesce bool
	// Validate, when set, must accept every document before it is written.
	Validate func([]byte) error
	// AfterWrite, when set, runs once after every successful write (e.g. a
	// CDN purge). Its failure does not undo the write: callers get it as an
	// *AfterWriteError.
	AfterWrite func(ctx context.Context) error
	Backoff    Backoff
	// MinWriteInterval paces writes of one Syncer: GCS allows about one
	// mutation per second per object and answers 429 beyond that. Waiting
	// lets more changes join the next write instead.
	MinWriteInterval time.Duration
	// ReadWindow, with Coalesce, is how long a read waits for other callers
	// to join it before it starts.
	ReadWindow time.Duration
}

// AfterWriteError reports that the document was written but the AfterWrite
// step failed (or did not finish in the caller's time).
type AfterWriteError struct {
	Err error
}

func (e *AfterWriteError) Error() string { return "the document was written, but: " + e.Err.Error() }
func (e *AfterWriteError) Unwrap() error { return e.Err }

// UncertainError reports a change that failed after a write carrying it had
// an unknown outcome (a lost response, or a write cut short): the change may
// be in the document.
type UncertainError struct {
	Err error
}

func (e *UncertainError) Error() string {
	return e.Err.Error() + " (a write carrying this change was under way and may have landed)"
}
func (e *UncertainError) Unwrap() error { return e.Err }

// Stats counts what a Syncer did.
type Stats struct {
	Reads, Writes, Conflicts, Retries, Changes int64
}

// Syncer applies Changes to a Store by compare-and-swap.
type Syncer struct {
	store Store
	cfg   SyncerConfig

	mu      sync.Mutex
	pending []*changeRequest
	running bool

	lastWrite time.Time // end of the last successful write; guarded by mu

	readMu   sync.Mutex
	inflight *readCall // started before the callers now arriving
	next     *readCall // shared by the callers that arrive while inflight runs

	reads, writes, conflicts, retries, changes atomic.Int64
}

// NewSyncer returns a Syncer for s.
func NewSyncer(s Store, cfg SyncerConfig) *Syncer {
	if cfg.Backoff.Initial <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	return &Syncer{store: s, cfg: cfg}
}

// Store is the store the Syncer writes.
func (s *Syncer) Store() Store { return s.store }

// Stats returns the counters so far.
func (s *Syncer) Stats() Stats {
	return Stats{Reads: s.reads.Load(), Writes: s.writes.Load(), Conflicts: s.conflicts.Load(), Retries: s.retries.Load(), Changes: s.changes.Load()}
}

// changeRequest is one caller's change. The round that carries it and the
// caller itself (when its context ends first) race to finish it; exactly
// one result is sent on done.
type changeRequest struct {
	ctx    context.Context
	change Change
	done   chan error

	mu       sync.Mutex
	finished bool
	maybe    bool  // an earlier write carrying it had an unknown outcome
	carried  bool  // it is in the write being prepared or under way
	written  bool  // a write carrying it landed; only the AfterWrite step remains
	lastErr  error // the last transient failure of its round
}

// Mutate applies change and returns once the result is written (or the
// change, or the write, failed). It waits at most as long as ctx allows, and
// only ctx bounds it: the changes it shares a write with never cut it short.
// When ctx ends while a write carrying the change may have landed, the error
// is an *UncertainError.
func (s *Syncer) Mutate(ctx context.Context, change Change) error {
	req := &changeRequest{ctx: ctx, change: change, done: make(chan error, 1)}
	if !s.cfg.Coalesce {
		if after := s.round([]*changeRequest{req}, false); after != nil {
			after()
		}
		return <-req.done
	}
	s.mu.Lock()
	s.pending = append(s.pending, req)
	if !s.running {
		s.running = true
		go s.drain()
	}
	s.mu.Unlock()
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		req.finishCanceled()
		return <-req.done
	}
}

// drain runs rounds until nothing is pending. One round at a time: changes
// that arrive during a write join the next one. The AfterWrite step of a
// round runs beside the next rounds, so a slow one holds no queued change.
func (s *Syncer) drain() {
	for {
		s.pace(context.Background())
		batch := s.take()
		if len(batch) == 0 {
			return
		}
		if after := s.round(batch, true); after != nil {
			go after()
		}
	}
}

// pace waits until MinWriteInterval has passed since the last write.
func (s *Syncer) pace(ctx context.Context) {
	s.mu.Lock()
	wait := time.Until(s.lastWrite.Add(s.cfg.MinWriteInterval))
	s.mu.Unlock()
	if wait > 0 {
		s.sleep(ctx, wait)
	}
}

// take removes and returns every pending request, or marks the drainer idle.
func (s *Syncer) take() []*changeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	batch := s.pending
	s.pending = nil
	if len(batch) == 0 {
		s.running = false
	}
	return batch
}

// takeLate removes and returns what arrived during a round, leaving the
// drainer marked as running.
func (s *Syncer) takeLate() []*changeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	batch := s.pending
	s.pending = nil
	return batch
}

// round reads, applies every live change in batch, and writes once; on a lost
// race it re-reads and re-applies; on a transient failure it backs off. Each
// request gets its own result. Every attempt runs under a context that lives
// while any request of the attempt still waits, so no caller's end cuts the
// others short. After a write (or after finding that a write whose outcome
// was unknown did land) it returns the AfterWrite step to run, which
// finishes the requests; otherwise nil.
func (s *Syncer) round(batch []*changeRequest, join bool) (after func()) {
	transient := 0
	uncertain := false // a write of this round had an unknown outcome
	for attempt := 0; ; attempt++ {
		if join && attempt > 0 {
			batch = append(batch, s.takeLate()...) // late arrivals share the retry
		}
		live := batch[:0]
		for _, r := range batch {
			if r.isFinished() {
				continue
			}
			if r.ctx.Err() != nil {
				r.finishCanceled()
				continue
			}
			live = append(live, r)
		}
		batch = live
		if len(batch) == 0 {
			return nil
		}
		ctx, cancel := sharedContext(batch)
		// The AfterWrite step, if any, makes a context of its own: this one
		// ends with the attempt.
		done, after := s.attempt(ctx, batch, attempt, &transient, &uncertain)
		cancel()
		if done {
			return after
		}
	}
}

// attempt is one read-apply-write of round. It returns done when every
// request of batch has its result (or after, to run for them).
func (s *Syncer) attempt(ctx context.Context, batch []*changeRequest, attempt int, transient *int, uncertain *bool) (done bool, after func()) {
	current, version, err := s.store.Read(ctx)
	s.reads.Add(1)
	if err != nil {
		return s.retryOrGiveUp(ctx, batch, batch, err, transient)
	}
	next, included := s.applyChanges(batch, current, version)
	if len(included) == 0 {
		return true, nil
	}
	if bytes.Equal(next, current) && (version.Exists || next == nil) {
		return s.unchanged(included, *uncertain)
	}
	if s.cfg.Validate != nil {
		if err := s.cfg.Validate(next); err != nil {
			failAll(included, fmt.Errorf("refusing to write %s: the new document does not validate: %w", s.store.Location(), err))
			return true, nil
		}
	}
	_, err = s.store.Write(ctx, next, version)
	s.writes.Add(1)
	return s.settle(ctx, batch, included, err, attempt, transient, uncertain)
}

// applyChanges runs each claimed change of batch on the document in turn;
// included are those whose result is in next.
func (s *Syncer) applyChanges(batch []*changeRequest, current []byte, version Version) (next []byte, included []*changeRequest) {
	next = current
	for _, r := range batch {
		if !r.claim() {
			continue // its caller gave up since the attempt began
		}
		out, err := r.change(next, version.Exists || next != nil, r.isMaybe())
		if err != nil {
			r.finish(err)
			continue
		}
		if len(out) > MaxDocumentSize {
			r.finish(fmt.Errorf("refusing to write %s: the change would make the document %d bytes, more than the %d bytes a reader accepts", s.store.Location(), len(out), MaxDocumentSize))
			continue
		}
		next = out
		included = append(included, r)
	}
	return next, included
}

// unchanged finishes changes that leave the document as it is: already as
// wanted. When a write of this round had an unknown outcome, it is what made
// it so: it still needs its AfterWrite step.
func (s *Syncer) unchanged(included []*changeRequest, uncertain bool) (bool, func()) {
	if uncertain && s.cfg.AfterWrite != nil {
		for _, r := range included {
			r.set(func() { r.carried, r.written = false, true })
		}
		return true, s.afterWrite(included)
	}
	finishAll(included, nil)
	return true, nil
}

// settle acts on the outcome of a write: done, a conflict to retry at once,
// or a failure to retry after a pause (one that may have landed marks its
// changes so).
func (s *Syncer) settle(ctx context.Context, batch, included []*changeRequest, err error, attempt int, transient *int, uncertain *bool) (bool, func()) {
	switch {
	case err == nil:
		return s.written(included)
	case errors.Is(err, ErrConflict):
		return s.conflicted(ctx, batch, included, err, attempt)
	case NotWritten(err):
		// Certainly not applied: a 429, a 403, a lock that cannot be taken.
	default:
		// A lost response, a 5xx, or a write cut short: it may have landed.
		*uncertain = true
		for _, r := range included {
			r.set(func() { r.maybe = true })
		}
	}
	for _, r := range included {
		r.set(func() { r.carried = false })
	}
	return s.retryOrGiveUp(ctx, batch, included, err, transient)
}

// written counts a landed write and finishes its changes, after the
// AfterWrite step when there is one.
func (s *Syncer) written(included []*changeRequest) (bool, func()) {
	s.mu.Lock()
	s.lastWrite = time.Now()
	s.mu.Unlock()
	s.changes.Add(int64(len(included)))
	for _, r := range included {
		r.set(func() { r.carried, r.written = false, true })
	}
	if s.cfg.AfterWrite != nil {
		return true, s.afterWrite(included)
	}
	finishAll(included, nil)
	return true, nil
}

// conflicted pauses before the next attempt after someone else's write: with
// a write interval, their write blocks ours for about that long. Several
// writers racing each other are spread out further.
func (s *Syncer) conflicted(ctx context.Context, batch, included []*changeRequest, err error, attempt int) (bool, func()) {
	for _, r := range included {
		r.set(func() { r.carried = false })
	}
	s.conflicts.Add(1)
	noteLast(batch, err)
	pause := time.Duration(0)
	if s.cfg.MinWriteInterval > 0 {
		pause = s.cfg.MinWriteInterval/2 + rand.N(s.cfg.MinWriteInterval)
	}
	if attempt >= 2 {
		pause += s.cfg.Backoff.pause(attempt-2, 0)
	}
	if pause > 0 && !s.sleep(ctx, pause) {
		return endAll(batch)
	}
	return false, nil
}

// retryOrGiveUp pauses after a failed read or write and tells the round to
// try again, or fails the changes it concerns when err is not worth
// retrying (or retries are used up). Once every caller's context has ended,
// the batch ends instead.
func (s *Syncer) retryOrGiveUp(ctx context.Context, batch, failing []*changeRequest, err error, transient *int) (bool, func()) {
	if ctx.Err() != nil {
		return endAll(batch)
	}
	if giveUp := s.retryAfterPause(ctx, err, transient); giveUp != nil {
		if ctx.Err() != nil {
			return endAll(batch)
		}
		failAll(failing, giveUp)
		return true, nil
	}
	noteLast(batch, err)
	return false, nil
}

// endAll finishes batch when every caller's context has ended.
func endAll(batch []*changeRequest) (bool, func()) {
	for _, r := range batch {
		r.finishCanceled()
	}
	return true, nil
}

// afterWrite returns the AfterWrite step for reqs, whose change is in the
// document. It runs while any of them still waits.
func (s *Syncer) afterWrite(reqs []*changeRequest) func() {
	return func() {
		ctx, cancel := sharedContext(reqs)
		defer cancel()
		var result error
		if err := s.cfg.AfterWrite(ctx); err != nil {
			result = &AfterWriteError{Err: err}
		}
		finishAll(reqs, result)
	}
}

// retryAfterPause pauses before a retry of err and returns nil to retry, or
// the error to give up with: err itself when it is not transient, or the
// context's error with err as the last one when time ran out.
func (s *Syncer) retryAfterPause(ctx context.Context, err error, n *int) error {
	var te *TransientError
	if !errors.As(err, &te) {
		return err
	}
	s.retries.Add(1)
	d := s.cfg.Backoff.pause(*n, te.RetryAfter)
	*n++
	if !s.sleep(ctx, d) {
		return withLast(context.Cause(ctx), err)
	}
	return nil
}

func (s *Syncer) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func finishAll(reqs []*changeRequest, err error) {
	for _, r := range reqs {
		r.finish(err)
	}
}

// failAll finishes reqs with an I/O failure, which is uncertain for a request
// that an earlier write with an unknown outcome carried.
func failAll(reqs []*changeRequest, err error) {
	for _, r := range reqs {
		r.mu.Lock()
		maybe := r.maybe
		r.mu.Unlock()
		if maybe {
			r.finish(&UncertainError{Err: err})
		} else {
			r.finish(err)
		}
	}
}

func noteLast(reqs []*changeRequest, err error) {
	for _, r := range reqs {
		r.set(func() { r.lastErr = err })
	}
}

func (r *changeRequest) set(fn func()) {
	r.mu.Lock()
	fn()
	r.mu.Unlock()
}

func (r *changeRequest) isFinished() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.finished
}

// claim marks r as carried by the write being prepared, unless it is
// finished: from here on, a caller that gives up is told its change may have
// landed.
func (r *changeRequest) claim() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return false
	}
	r.carried = true
	return true
}

func (r *changeRequest) isMaybe() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.maybe
}

func (r *changeRequest) finish(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finishLocked(err)
}

func (r *changeRequest) finishLocked(err error) {
	if !r.finished {
		r.finished = true
		r.done <- err
	}
}

// finishCanceled finishes r with its own context's error (and the last
// transient failure): written, but the AfterWrite step unfinished; may have
// landed; or not written.
func (r *changeRequest) finishCanceled() {
	r.mu.Lock()
	defer r.mu.Unlock()
	cause := context.Cause(r.ctx)
	if cause == nil {
		cause = context.Canceled
	}
	err := withLast(cause, r.lastErr)
	switch {
	case r.written:
		err = &AfterWriteError{Err: fmt.Errorf("waiting for the after-write step: %w", err)}
	case r.maybe || r.carried:
		err = &UncertainError{Err: err}
	}
	r.finishLocked(err)
}

// withLast adds the last transient failure to a give-up error, so a timeout
// says what kept failing.
func withLast(err, last error) error {
	if last == nil || errors.Is(err, last) {
		return err
	}
	return fmt.Errorf("%w (last error: %v)", err, last)
}

// sharedContext lives while any request in batch still waits.
func sharedContext(batch []*changeRequest) (context.Context, context.CancelFunc) {
	ctxs := make([]context.Context, len(batch))
	for i, r := range batch {
		ctxs[i] = r.ctx
	}
	return shared(ctxs)
}

// shared lives until the last of ctxs is done, and then ends with that
// context's error as its cause (a deadline stays a deadline).
func shared(ctxs []context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(ctxs[0]))
	remaining := atomic.Int64{}
	remaining.Store(int64(len(ctxs)))
	stops := make([]func() bool, 0, len(ctxs))
	for _, c := range ctxs {
		stops = append(stops, context.AfterFunc(c, func() {
			if remaining.Add(-1) == 0 {
				cancel(c.Err())
			}
		}))
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel(context.Canceled)
	}
}

type readCall struct {
	started bool // its GET has begun; guarded by readMu
	waiters []context.Context
	done    chan struct{}
	data    []byte
	version Version
	err     error
}

// Read returns the document as it is at some moment after Read was called:
// with coalescing on, callers that arrive together share one GET, but never
// one that started before they arrived.
func (s *Syncer) Read(ctx context.Context) ([]byte, Version, error) {
	if !s.cfg.Coalesce {
		return s.readRetrying(ctx)
	}
	s.readMu.Lock()
	var call *readCall
	switch {
	case s.inflight == nil:
		call = &readCall{done: make(chan struct{})}
		s.inflight = call
		go s.runRead(call)
	case !s.inflight.started:
		call = s.inflight // its GET has not begun: it is as fresh as a new one
	default:
		if s.next == nil {
			s.next = &readCall{done: make(chan struct{})}
		}
		call = s.next
	}
	call.waiters = append(call.waiters, ctx)
	s.readMu.Unlock()
	select {
	case <-call.done:
		return call.data, call.version, call.err
	case <-ctx.Done():
		return nil, Version{}, ctx.Err()
	}
}

func (s *Syncer) runRead(call *readCall) {
	if s.cfg.ReadWindow > 0 {
		time.Sleep(s.cfg.ReadWindow) // callers arriving meanwhile join this read
	}
	s.readMu.Lock()
	call.started = true
	waiters := call.waiters
	s.readMu.Unlock()
	ctx, cancel := shared(waiters)
	call.data, call.version, call.err = s.readRetrying(ctx)
	cancel()
	close(call.done)
	s.readMu.Lock()
	s.inflight = s.next
	s.next = nil
	if s.inflight != nil {
		go s.runRead(s.inflight)
	}
	s.readMu.Unlock()
}

func (s *Syncer) readRetrying(ctx context.Context) ([]byte, Version, error) {
	var lastErr error
	n := 0
	for {
		data, v, err := s.store.Read(ctx)
		s.reads.Add(1)
		if err == nil {
			return data, v, nil
		}
		if ctx.Err() != nil {
			return nil, Version{}, withLast(context.Cause(ctx), lastErr)
		}
		if giveUp := s.retryAfterPause(ctx, err, &n); giveUp != nil {
			return nil, Version{}, giveUp
		}
		lastErr = err
	}
}
