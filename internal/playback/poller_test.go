package playback

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

// fakeClock is simulated time for the poller. Tests run inside a synctest
// bubble and move the clock with Advance, which lets the poller run until
// it blocks after each timer it fires.
type fakeClock struct {
	mu     sync.Mutex
	wall   time.Time
	mono   time.Duration
	timers map[*fakeTimer]bool
}

type fakeTimer struct {
	clk *fakeClock
	at  time.Duration
	c   chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{wall: at, timers: make(map[*fakeTimer]bool)}
}

func (c *fakeClock) Now() Tick {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Tick{Wall: c.wall, Mono: c.mono}
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clk: c, at: c.mono + d, c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- c.wall
	} else {
		c.timers[t] = true
	}
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() {
	t.clk.mu.Lock()
	defer t.clk.mu.Unlock()
	delete(t.clk.timers, t)
	select {
	case <-t.c:
	default:
	}
}

// Advance moves both clocks forward by d, firing timers in order and letting
// the poller react to each before the next.
func (c *fakeClock) Advance(d time.Duration) {
	synctest.Wait()
	c.mu.Lock()
	end := c.mono + d
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var next *fakeTimer
		for t := range c.timers {
			if t.at <= end && (next == nil || t.at < next.at) {
				next = t
			}
		}
		to := end
		if next != nil {
			to = next.at
			delete(c.timers, next)
		}
		c.wall = c.wall.Add(to - c.mono)
		c.mono = to
		if next != nil {
			next.c <- c.wall
		}
		c.mu.Unlock()
		synctest.Wait()
		if next == nil {
			return
		}
	}
}

// Suspend simulates the machine sleeping for d: the wall clock moves, the
// monotonic clock and its timers do not (as on Linux and macOS).
func (c *fakeClock) Suspend(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall = c.wall.Add(d)
}

// since returns the simulated time elapsed from the start, on the monotonic
// clock.
func (c *fakeClock) since() time.Duration { return c.Now().Mono }

// fakeAPI answers CurrentlyPlaying from a function of simulated time and
// records when it was called.
type fakeAPI struct {
	clk    *fakeClock
	answer func(t time.Duration) (*spotify.CurrentlyPlaying, error)
	mu     sync.Mutex
	calls  []time.Duration
}

func (f *fakeAPI) CurrentlyPlaying(ctx context.Context) (*spotify.CurrentlyPlaying, error) {
	t := f.clk.since()
	f.mu.Lock()
	f.calls = append(f.calls, t)
	f.mu.Unlock()
	return f.answer(t)
}

func (f *fakeAPI) Calls() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.calls...)
}

// run is a poller running in simulated time.
type run struct {
	clk     *fakeClock
	api     *fakeAPI
	w       *Poller
	cancel  context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	updates []Update
}

func startPoller(answer func(t time.Duration) (*spotify.CurrentlyPlaying, error)) *run {
	clk := newFakeClock()
	r := &run{clk: clk, api: &fakeAPI{clk: clk, answer: answer}, done: make(chan struct{})}
	r.w = &Poller{Client: r.api, Clock: clk, rnd: rand.New(rand.NewPCG(7, 7)), Updates: func(u Update) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.updates = append(r.updates, u)
	}}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.w.Run(ctx); close(r.done) }()
	synctest.Wait()
	return r
}

func (r *run) Updates() []Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Update(nil), r.updates...)
}

func (r *run) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	<-r.done
}

func fromTimeline(tl *timeline) func(time.Duration) (*spotify.CurrentlyPlaying, error) {
	return func(t time.Duration) (*spotify.CurrentlyPlaying, error) { return tl.answer(t), nil }
}

func secs(d ...float64) []time.Duration {
	out := make([]time.Duration, len(d))
	for i, s := range d {
		out[i] = time.Duration(s * float64(time.Second))
	}
	return out
}

func checkCalls(t *testing.T, got, want []time.Duration) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("polls at %v\n          want %v", got, want)
	}
}

func TestPollerFollowsTracks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := simTrack{"a", 60 * time.Second}
		b := simTrack{"b", 100 * time.Second}
		var tl timeline
		tl.play(a, 25*time.Second, 35*time.Second)
		tl.play(b, 0, 100*time.Second)
		tl.idle(time.Hour)
		r := startPoller(fromTimeline(&tl))
		r.clk.Advance(60 * time.Second)
		// a, joined at 0:25 where skips are still likely, is checked every
		// 8 s; then one poll at its end plus a second, one to confirm b once
		// it has played for Calm, and b's early skip checks, 4.6 s and 10 s
		// into it.
		checkCalls(t, r.api.Calls(), secs(0, 8, 16, 24, 32, 36, 36.5, 39.6, 45, 52.9))
		var announced []string
		for _, u := range r.Updates() {
			if u.Announce != nil {
				announced = append(announced, fmt.Sprintf("%s@%v", u.Announce.Key, u.Status.At.Sub(at)))
			}
			if u.Trouble.Kind != None {
				t.Errorf("trouble %+v", u.Trouble)
			}
		}
		if fmt.Sprint(announced) != "[spotify:track:b@36.5s]" {
			t.Errorf("announced %v", announced)
		}
		if n := len(r.Updates()); n != len(r.api.Calls()) {
			t.Errorf("%d updates for %d polls", n, len(r.api.Calls()))
		}
		r.stop(t)
	})
}

func TestPollerTrackEnd(t *testing.T) {
	a := simTrack{"a", 60 * time.Second}
	b := simTrack{"b", 100 * time.Second}
	tests := []struct {
		name  string
		stuck time.Duration // how long Spotify reports a at its end after it ended
		want  []time.Duration
	}{
		{"on time", 0, secs(0, 8, 16, 24, 32, 36, 36.5, 39.6, 45, 52.9)},
		// b is first seen 0.5 s in, so its checks come 0.5 s earlier.
		{"Spotify lags 1.5 s", 1500 * time.Millisecond, secs(0, 8, 16, 24, 32, 36, 37, 38, 41.1, 46.5, 54.4)},
		// Stuck at the end, as when the playing device vanished: one quick
		// look, then the interval, never a poll every second.
		{"stuck", time.Hour, secs(0, 8, 16, 24, 32, 36, 37, 47, 57)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var tl timeline
				tl.play(a, 25*time.Second, 35*time.Second+tt.stuck) // positions past the end read as the end
				tl.play(b, 0, 100*time.Second)
				r := startPoller(fromTimeline(&tl))
				r.clk.Advance(60 * time.Second)
				checkCalls(t, r.api.Calls(), tt.want)
				r.stop(t)
			})
		})
	}
}

func TestPollerAdBreak(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var tl timeline
		tl.play(simTrack{"a", 60 * time.Second}, 50*time.Second, 10*time.Second)
		tl.adBreak(25 * time.Second)
		tl.play(simTrack{"b", 100 * time.Second}, 0, 100*time.Second)
		r := startPoller(fromTimeline(&tl))
		r.clk.Advance(50 * time.Second)
		// A skip check and a's end, the ad every interval, then b, first
		// seen 6 s in and announced at once, checked again 6.1 s later.
		checkCalls(t, r.api.Calls(), secs(0, 8, 11, 21, 31, 41, 47.1))
		var got []string
		for _, u := range r.Updates() {
			s := u.Status.Item.String()
			if u.Announce != nil {
				s += " (announced)"
			}
			got = append(got, s)
		}
		want := "[a — Artist a — Artist Advertisement Advertisement Advertisement b — Artist (announced) b — Artist]"
		if fmt.Sprint(got) != want {
			t.Errorf("updates %v\n   want %s", got, want)
		}
		r.stop(t)
	})
}

func TestPollerRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limited := &spotify.Error{Status: 429, Message: "Too many requests", Reason: spotify.ReasonQuotaExceeded, RetryAfter: 37 * time.Second}
		r := startPoller(func(t time.Duration) (*spotify.CurrentlyPlaying, error) {
			if t < 40*time.Second {
				return nil, fmt.Errorf("currently playing: %w", limited)
			}
			return nil, nil
		})
		for range 36 {
			r.w.PollNow() // a manual poll must wait for the limit too
			r.clk.Advance(time.Second)
		}
		checkCalls(t, r.api.Calls(), secs(0))
		r.clk.Advance(time.Second)
		checkCalls(t, r.api.Calls(), secs(0, 37))
		r.clk.Advance(37 * time.Second)
		r.clk.Advance(60 * time.Second)
		checkCalls(t, r.api.Calls(), secs(0, 37, 74, 134))
		u := r.Updates()
		if tr := u[0].Trouble; tr.Kind != RateLimited || !tr.Until.Equal(at.Add(37*time.Second)) || !errors.Is(tr.Err, limited) {
			t.Errorf("first trouble %+v", tr)
		}
		if tr := u[2].Trouble; tr.Kind != None || u[2].Status.Item.Kind != Nothing {
			t.Errorf("after the limit: %+v", u[2])
		}
		r.stop(t)
	})
}

func TestPollerWakeDuringRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limited := &spotify.Error{Status: 429, RetryAfter: 10 * time.Minute}
		r := startPoller(func(t time.Duration) (*spotify.CurrentlyPlaying, error) {
			if t == 0 {
				return nil, limited
			}
			return nil, nil
		})
		r.clk.Advance(2 * time.Second)
		r.clk.Suspend(time.Hour) // the limit has expired by the wall clock on wake
		r.clk.Advance(3 * time.Second)
		checkCalls(t, r.api.Calls(), secs(0, 5))
		r.stop(t)
	})
}

func TestPollerBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		down := &spotify.Error{Status: 503, Message: "Service unavailable"}
		fails := 8
		r := startPoller(func(time.Duration) (*spotify.CurrentlyPlaying, error) {
			if fails == 0 {
				return nil, nil
			}
			fails--
			if fails == 4 {
				return nil, context.DeadlineExceeded
			}
			return nil, down
		})
		r.clk.Advance(10 * time.Minute)
		calls := r.api.Calls()
		if len(calls) < 10 {
			t.Fatalf("polls at %v", calls)
		}
		updates := r.Updates()
		for i := 1; i <= 8; i++ {
			gap := calls[i] - calls[i-1]
			ceiling := min(2*time.Minute, 2*time.Second<<(i-1))
			if gap < time.Second || gap > ceiling {
				t.Errorf("retry %d after %v, want within [1s, %v]", i, gap, ceiling)
			}
			tr := updates[i-1].Trouble
			if tr.Kind != Offline || !tr.Until.Equal(at.Add(calls[i])) || tr.Err == nil {
				t.Errorf("update %d trouble %+v", i-1, tr)
			}
		}
		if updates[8].Trouble.Kind != None {
			t.Errorf("after recovery: %+v", updates[8].Trouble)
		}
		if gap := calls[9] - calls[8]; gap != IdlePoll {
			t.Errorf("after recovery next poll in %v, want the normal %v", gap, IdlePoll)
		}
		r.stop(t)
	})
}

func TestPollerKeepsLastStatusInTrouble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var tl timeline
		tl.play(simTrack{"a", 5 * time.Minute}, time.Minute, 5*time.Minute)
		r := startPoller(func(t time.Duration) (*spotify.CurrentlyPlaying, error) {
			if t > 0 {
				return nil, errors.New("dial tcp: connection refused")
			}
			return tl.answer(t), nil
		})
		r.clk.Advance(skipGap) // the next skip check, a minute into a

		u := r.Updates()
		if len(u) != 2 || u[1].Trouble.Kind != Offline || u[1].Status.Item.Key != "spotify:track:a" {
			t.Errorf("updates %+v", u)
		}
		r.stop(t)
	})
}

// TestPollerReportsLoginErrors: an error that means the login is gone is
// reported like any other, with the error intact for the owner to
// classify, and polling backs off rather than stopping on its own: only the
// owner knows whether a new login is on its way.
func TestPollerReportsLoginErrors(t *testing.T) {
	for _, sentinel := range []error{tokens.ErrLoginEnded, tokens.ErrNotLoggedIn, spotify.ErrTokenRefused} {
		t.Run(sentinel.Error(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := startPoller(func(t time.Duration) (*spotify.CurrentlyPlaying, error) {
					if t == 0 {
						return nil, nil
					}
					return nil, fmt.Errorf("currently playing: refresh access token: %w", sentinel)
				})
				r.clk.Advance(time.Minute)
				u := r.Updates()
				if last := u[len(u)-1]; last.Trouble.Kind != Offline || !errors.Is(last.Trouble.Err, sentinel) {
					t.Errorf("last update %+v", last)
				}
				if n := len(r.api.Calls()); n < 2 || n > 8 {
					t.Errorf("%d polls in a minute of failures, want a backoff", n)
				}
				r.stop(t)
			})
		})
	}
}

func TestPollerPollNowCoalesces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		r := startPoller(func(t time.Duration) (*spotify.CurrentlyPlaying, error) {
			if t > 0 {
				<-gate // the manual poll is in flight while more requests come
			}
			return nil, nil
		})
		r.clk.Advance(10 * time.Second)
		r.w.PollNow()
		synctest.Wait()
		for range 5 {
			r.w.PollNow()
		}
		close(gate)
		r.clk.Advance(0)
		checkCalls(t, r.api.Calls(), secs(0, 10))
		r.clk.Advance(60 * time.Second) // the schedule restarts from the manual poll
		checkCalls(t, r.api.Calls(), secs(0, 10, 70))
		r.stop(t)
	})
}

func TestPollerPollsOnWake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := startPoller(func(time.Duration) (*spotify.CurrentlyPlaying, error) { return nil, nil })
		r.clk.Advance(12 * time.Second)
		r.clk.Suspend(8 * time.Hour)
		r.clk.Advance(3 * time.Second) // the next clock check, at 15 s, sees the jump
		checkCalls(t, r.api.Calls(), secs(0, 15))
		r.clk.Advance(30 * time.Second) // no more wake polls without another sleep
		checkCalls(t, r.api.Calls(), secs(0, 15))
		r.stop(t)
	})
}

func TestPollerStopsDuringPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := newFakeClock()
		hang := &hangingAPI{}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		w := &Poller{Client: hang, Clock: clk}
		go func() { w.Run(ctx); close(done) }()
		synctest.Wait()
		cancel()
		<-done
	})
}

type hangingAPI struct{}

func (hangingAPI) CurrentlyPlaying(ctx context.Context) (*spotify.CurrentlyPlaying, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// While a local player is followed the poller is silent; resuming polls at
// once and does not announce what the local player already showed.
func TestPollerHoldAndResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := simTrack{"a", 200 * time.Second}
		b := simTrack{"b", 200 * time.Second}
		var tl timeline
		tl.play(a, 150*time.Second, 50*time.Second)
		tl.play(b, 0, 200*time.Second)
		r := startPoller(fromTimeline(&tl))
		r.clk.Advance(time.Second)
		r.w.Hold()
		r.clk.Advance(2 * time.Minute)
		r.w.PollNow() // a menu opening during a hold asks nothing either
		r.clk.Advance(time.Second)
		checkCalls(t, r.api.Calls(), secs(0))
		// The local player showed b from 0:50; the tray hands back at 2:01.
		seen := Status{Item: Item{Kind: Track, Key: "spotify:track:b"}, Playing: true, At: at.Add(50 * time.Second)}
		r.w.Resume(seen)
		r.clk.Advance(0)
		checkCalls(t, r.api.Calls(), secs(0, 122))
		r.clk.Advance(time.Minute)
		for _, u := range r.Updates() {
			if u.Announce != nil {
				t.Errorf("announced %s, which the local player showed", u.Announce.Key)
			}
		}
		if n := len(r.api.Calls()); n < 3 {
			t.Errorf("polling did not go on after Resume: %d calls", n)
		}
		n := len(r.api.Calls())
		r.w.Resume(seen) // not held: no extra poll
		r.clk.Advance(0)
		if got := len(r.api.Calls()); got != n {
			t.Errorf("Resume without Hold polled: %d calls, want %d", got, n)
		}
		r.stop(t)
	})
}
