package playback

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/spotray/spotray/internal/spotify"
)

// TroubleKind says why the status may be out of date.
type TroubleKind uint8

// Kinds of trouble.
const (
	None        TroubleKind = iota // the last poll succeeded
	Offline                        // Spotify unreachable, timing out, failing (5xx, 403, ...) or answering garbage
	RateLimited                    // Spotify answered 429; no poll before Until
)

var troubleNames = [...]string{"none", "offline", "rate limited"}

// String names the kind for logs.
func (k TroubleKind) String() string {
	if int(k) < len(troubleNames) {
		return troubleNames[k]
	}
	return "trouble(?)"
}

// Trouble is the state of the connection to Spotify.
type Trouble struct {
	Kind TroubleKind
	// Until is when the next poll is due, for Offline and RateLimited. After
	// a 429 it is exactly Retry-After from the answer and never earlier.
	Until time.Time
	// Err is what went wrong; nil for None. The poller retries every
	// error: deciding that one means the login is gone, and stopping the
	// poller then, is its owner's job.
	Err error
}

// Update is what the poller reports after each poll.
type Update struct {
	// Status is the latest successful observation; while in trouble it is
	// the last one before the trouble (zero if there never was one).
	Status  Status
	Trouble Trouble
	// Announce, when not nil, is an item to send a notification for.
	Announce *Item
}

// Clock is the poller's source of time, replaced in tests to run the loop in
// simulated time.
type Clock interface {
	Now() Tick
	// NewTimer returns a started one-shot timer.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer; after Stop its channel delivers nothing.
type Timer interface {
	C() <-chan time.Time
	Stop()
}

// wakeCheck is how often the loop compares clocks to notice a resume from
// sleep; it is cheap (no network) and bounds how late a resume is noticed.
const wakeCheck = 5 * time.Second

// Poller polls Spotify for what is playing, on the schedule NextPoll and the
// Announcer set, backing off when Spotify is unreachable and waiting out rate
// limits. Set the fields, then call Run once; PollNow may be called from any
// goroutine.
type Poller struct {
	Client interface {
		CurrentlyPlaying(ctx context.Context) (*spotify.CurrentlyPlaying, error)
	}
	Interval time.Duration // pace of the skip checks while playing (see NextPoll); see ClampInterval
	// Updates receives every update, on Run's goroutine: it should return
	// quickly. Nil discards them.
	Updates func(Update)
	Clock   Clock // nil means the system clock

	rnd   *rand.Rand // backoff jitter; nil means randomly seeded
	once  sync.Once
	pokes chan struct{}
	holds chan struct{} // a change of hold is waiting

	mu   sync.Mutex
	held bool   // Hold is in force
	seen Status // what Resume said was shown meanwhile
}

// PollNow asks for a poll as soon as possible (a menu click, a resume from
// sleep). Calls made while one is pending or running are merged into it, and
// it waits out a rate limit rather than break it.
func (w *Poller) PollNow() {
	select {
	case w.poked() <- struct{}{}:
	default:
	}
}

func (w *Poller) poked() chan struct{} {
	w.init()
	return w.pokes
}

func (w *Poller) holding() chan struct{} {
	w.init()
	return w.holds
}

func (w *Poller) init() {
	w.once.Do(func() { w.pokes, w.holds = make(chan struct{}, 1), make(chan struct{}, 1) })
}

// Hold stops polling until Resume, while a local player tells the tray what
// plays for free. A poll already running still reports. It returns at once.
func (w *Poller) Hold() { w.setHold(true, Status{}) }

// Resume ends a Hold with a poll as soon as Spotify allows. seen is what
// the tray showed meanwhile: an item already shown is not announced again.
func (w *Poller) Resume(seen Status) { w.setHold(false, seen) }

func (w *Poller) setHold(on bool, seen Status) {
	w.mu.Lock()
	w.held, w.seen = on, seen
	w.mu.Unlock()
	select {
	case w.holding() <- struct{}{}:
	default:
	}
}

// Run polls until ctx is done. Client must be set.
func (w *Poller) Run(ctx context.Context) {
	clk := w.Clock
	if clk == nil {
		clk = newSystemClock()
	}
	rnd := w.rnd
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	p := &planner{interval: ClampInterval(w.Interval), rnd: rnd}
	poll := clk.NewTimer(0)
	defer func() { poll.Stop() }()
	wake := clk.NewTimer(wakeCheck)
	defer func() { wake.Stop() }()
	lastTick := clk.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-poll.C():
		case <-w.holding():
			w.mu.Lock()
			held, seen := w.held, w.seen
			w.mu.Unlock()
			if held == p.held {
				continue
			}
			p.held = held
			poll.Stop()
			if held {
				continue
			}
			p.resumed(seen)
			if wait := p.trouble.Until.Sub(clk.Now().Wall); p.limited(clk.Now().Wall) {
				poll = clk.NewTimer(wait)
				continue
			}
		case <-w.poked():
			if p.held || p.limited(clk.Now().Wall) {
				continue
			}
		case <-wake.C():
			now := clk.Now()
			slept := Slept(lastTick, now, wakeCheck)
			lastTick = now
			wake = clk.NewTimer(wakeCheck)
			if !slept || p.held || p.limited(now.Wall) {
				continue
			}
		}
		poll.Stop()
		cp, err := w.Client.CurrentlyPlaying(ctx)
		if ctx.Err() != nil {
			return
		}
		// A PollNow made while the poll ran is answered by it: a burst of
		// calls (menu clicks, a wake noticed twice) makes one poll.
		select {
		case <-w.poked():
		default:
		}
		u, next := p.polled(clk.Now().Wall, cp, err)
		if w.Updates != nil {
			w.Updates(u)
		}
		if !p.held {
			poll = clk.NewTimer(next)
		}
	}
}

// planner is the poller's decision state, apart from the loop so that tests
// and the simulated-day benchmark drive exactly what Run does.
type planner struct {
	interval time.Duration
	rnd      *rand.Rand
	ann      Announcer
	last     Status // last successful observation
	failures int    // consecutive failures other than 429
	trouble  Trouble
	held     bool // Hold is in force: no polls
}

// resumed takes what the tray showed during a hold, so that the next poll
// does not announce it again. The schedule keeps the last poll's status:
// a local player's position is unreliable (the next poll finds the item
// new or moved on, and schedules from Spotify's own position).
func (p *planner) resumed(seen Status) {
	if !seen.At.IsZero() {
		p.ann.Know(seen)
	}
}

// polled takes the result of a poll that ended at now and returns the update
// to report and the delay until the next poll.
func (p *planner) polled(now time.Time, cp *spotify.CurrentlyPlaying, err error) (Update, time.Duration) {
	if err == nil {
		s := FromAPI(cp, now)
		d := p.ann.Observe(s)
		next := NextPoll(p.last, s, p.interval)
		if !d.ConfirmAt.IsZero() {
			next = min(next, d.ConfirmAt.Sub(now))
		}
		p.last, p.failures, p.trouble = s, 0, Trouble{}
		return Update{Status: s, Announce: d.Announce}, next
	}
	var next time.Duration
	var apiErr *spotify.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == 429:
		next = apiErr.RetryAfter
		p.trouble = Trouble{Kind: RateLimited, Until: now.Add(next), Err: err}
	default:
		p.failures++
		next = Backoff(p.failures, p.rnd)
		p.trouble = Trouble{Kind: Offline, Until: now.Add(next), Err: err}
	}
	return Update{Status: p.last, Trouble: p.trouble}, next
}

// limited reports whether a poll at now would break a rate limit.
func (p *planner) limited(now time.Time) bool {
	return p.trouble.Kind == RateLimited && now.Before(p.trouble.Until)
}

// systemClock is the real clock.
type systemClock struct{ start time.Time }

func newSystemClock() systemClock { return systemClock{start: time.Now()} }

// Now strips the monotonic reading from Wall so that times compare as
// calendar times, which keep running while the machine sleeps, as Spotify's
// playback on another device does.
func (c systemClock) Now() Tick {
	t := time.Now()
	return Tick{Wall: t.Round(0), Mono: t.Sub(c.start)}
}

func (systemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }
func (t systemTimer) Stop()               { t.t.Stop() }
