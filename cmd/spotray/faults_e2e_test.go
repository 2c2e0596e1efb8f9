package main_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

// The fault tests run the real tray, connected and playing, while the
// simulated Spotify misbehaves, and check what a user and Spotify see: the
// tray stays up, says what is wrong, calls Spotify a bounded number of
// times, sends no notifications about it, keeps the stored login, and comes
// back by itself once Spotify does.
//
// The bounds follow the schedule of internal/playback:
//   - healthy and playing, the tray polls every poll_interval (2 s here);
//   - after a failure, retry k waits a uniform draw in [1 s, ceiling(k)],
//     ceiling(k) = min(2 s·2^(k-1), 2 min) ("full jitter");
//   - after a 429 it waits exactly Retry-After, and nothing (a menu opened,
//     a wake from sleep) asks earlier.
//
// A fault lasts faultWindow: real outages last minutes, but the behaviour
// that matters (the backoff growing, nothing in a loop) shows within 20 s,
// and every second of window is a second of CI time.

const (
	currentlyPlayingPath = "/v1/me/player/currently-playing"
	tokenPath            = "/api/token"
	// pollInterval is trayHome's poll_interval.
	pollInterval = 2 * time.Second
	faultWindow  = 20 * time.Second
	// maxFailedPolls bounds the polls in a faultWindow of failures: the
	// first, then retries while their waits add up to less than 20 s. The
	// expected count is 5; simulating the backoff 10^7 times gave more
	// than 8 with probability 6·10^-6 and more than 9 with 10^-7. A tray
	// retrying without backoff would make hundreds.
	maxFailedPolls = 9
	// busySlack is how late an effect may show on a loaded 2-core machine
	// running everything under the race detector.
	busySlack = 3 * time.Second

	offlineTip = "Offline: retrying…"
	playingTip = "Dancing Queen — ABBA\nArrival"
	offlineCue = "Offline: retrying… (disabled)"
)

// playingMenu is the menu while the fixture track plays; troubledMenu adds
// the notice of trouble under it.
func troubledMenu(notice string) []string {
	return connectedMenu("Dancing Queen — ABBA", "Arrival (disabled)", notice)
}

// retryCeiling is the longest wait before retry n after failures
// (playback.Backoff).
func retryCeiling(n int) time.Duration {
	if n >= 8 {
		return 2 * time.Minute
	}
	return min(2*time.Minute, 2*time.Second<<(max(n, 1)-1))
}

// faultRig is a connected tray playing the fixture track, with its own
// Spotify, bus and home.
type faultRig struct {
	*trayProc
	fake  *fakespotify.Server
	token []byte // token.json as stored before any fault
}

func startFaultRig(t *testing.T) *faultRig {
	t.Helper()
	p, fake := startPlaying(t, fakespotify.Options{AutoApprove: true})
	r := &faultRig{trayProc: p, fake: fake}
	r.token = r.tokenFile()
	return r
}

// tokenFile is token.json's content, nil when there is none.
func (r *faultRig) tokenFile() []byte {
	data, _ := os.ReadFile(filepath.Join(r.h.Paths.ConfigDir, "token.json"))
	return data
}

// alive fails the test if spotray has exited.
func (r *faultRig) alive() {
	r.t.Helper()
	select {
	case <-r.done:
		r.t.Fatalf("spotray exited (%v); output:\n%s", r.cmd.ProcessState, r.out.String())
	default:
	}
}

// within calls cond every 100 ms until it holds (then it returns true) or
// deadline passes, checking that spotray stays up. It never opens the menu,
// which would make the tray poll outside its schedule.
func (r *faultRig) within(deadline time.Time, cond func() bool) bool {
	r.t.Helper()
	for {
		r.alive()
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// hold waits until deadline, checking that spotray stays up.
func (r *faultRig) hold(deadline time.Time) {
	r.t.Helper()
	r.within(deadline, func() bool { return false })
}

// shows reports whether the tooltip and the menu are exactly these.
func (r *faultRig) shows(tip string, menu []string) bool {
	return r.item().ToolTip() == tip && slices.Equal(r.item().Shown(), menu)
}

// requestsBetween returns the times Spotify received requests for path
// from from to to.
func requestsBetween(fake *fakespotify.Server, path string, from, to time.Time) []time.Time {
	var in []time.Time
	for _, at := range fake.Requests(path) {
		if !at.Before(from) && !at.After(to) {
			in = append(in, at)
		}
	}
	return in
}

// cpuTime is the CPU time (user and system) process pid has used so far,
// from /proc/PID/stat, whose unit is USER_HZ: 100 on Linux.
func cpuTime(t *testing.T, pid int) time.Duration {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("CPU time: %v", err)
	}
	// Fields count from after the command name, which may hold spaces;
	// utime and stime are fields 14 and 15 of proc(5).
	_, rest, _ := strings.Cut(string(data), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		t.Fatalf("CPU time: /proc/%d/stat reads %q", pid, data)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("CPU time: /proc/%d/stat reads %q", pid, data)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100)
}

// offlineFault is a way for Spotify to fail that the tray waits out with
// its backoff.
type offlineFault struct {
	name   string
	window time.Duration
	begin  func(r *faultRig)
	end    func(r *faultRig) // nil: fake.ClearFaults
	// maxPolls bounds the currently-playing requests Spotify receives
	// during the window.
	maxPolls int
	// uncounted: Spotify cannot count the attempts (nothing listens), so
	// the recovery bound assumes the longest backoff and the CPU time the
	// tray spends is what shows there is no loop.
	uncounted bool
	// refreshes: the fault hits the token endpoint while a refresh is
	// needed, so a refresh succeeds once it ends.
	refreshes bool
}

// TestTrayOffline: Spotify failing in each way the tray must wait out.
func TestTrayOffline(t *testing.T) {
	t.Parallel()
	status := func(code int) func(r *faultRig) {
		return func(r *faultRig) {
			r.fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: code})
		}
	}
	api := func(k fakespotify.FaultKind) func(r *faultRig) {
		return func(r *faultRig) { r.fake.SetAPIFault(fakespotify.Fault{Kind: k}) }
	}
	// The access token expires at Spotify (the stored one still looks
	// valid), so the next poll gets a 401 and needs a refresh, which the
	// token endpoint then fails.
	tokenDown := func(f fakespotify.Fault) func(r *faultRig) {
		return func(r *faultRig) {
			r.fake.SetTokenFault(f)
			r.fake.ExpireAccessTokens()
		}
	}
	var addr string
	for _, tc := range []offlineFault{
		{name: "500", begin: status(http.StatusInternalServerError)},
		{name: "502", begin: status(http.StatusBadGateway)},
		{name: "503", begin: status(http.StatusServiceUnavailable)},
		{name: "truncated JSON", begin: api(fakespotify.FaultTruncatedJSON)},
		{name: "malformed JSON", begin: api(fakespotify.FaultMalformedJSON)},
		{name: "200 with an empty body", begin: api(fakespotify.FaultEmptyBody)},
		// Each hanging poll gives up after the client's 15 s timeout, so
		// the trouble shows only then: a longer window, fewer polls.
		{name: "hang", begin: api(fakespotify.FaultHang), window: 25 * time.Second, maxPolls: 3},
		{
			name: "connection refused",
			begin: func(r *faultRig) {
				u, err := url.Parse(r.fake.URL())
				if err != nil {
					r.t.Fatal(err)
				}
				addr = u.Host
				if err := r.fake.Close(); err != nil {
					r.t.Fatal(err)
				}
			},
			end: func(r *faultRig) {
				if _, err := r.fake.Listen(addr); err != nil {
					r.t.Fatalf("listen again on %s: %v", addr, err)
				}
			},
			maxPolls:  0,
			uncounted: true,
		},
		{
			name:      "token endpoint 503 during a refresh",
			begin:     tokenDown(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: http.StatusServiceUnavailable}),
			refreshes: true,
		},
		{
			name:      "token endpoint resets during a refresh",
			begin:     tokenDown(fakespotify.Fault{Kind: fakespotify.FaultReset}),
			refreshes: true,
		},
	} {
		if tc.window == 0 {
			tc.window = faultWindow
		}
		if tc.maxPolls == 0 && !tc.uncounted {
			tc.maxPolls = maxFailedPolls
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runOfflineFault(t, tc)
		})
	}
}

func runOfflineFault(t *testing.T, tc offlineFault) {
	r := startFaultRig(t)
	before := r.fake.Stats()
	cpu := cpuTime(t, r.cmd.Process.Pid)
	began := time.Now()
	tc.begin(r)

	// The trouble shows, in the tooltip and the menu, during the window.
	windowEnd := began.Add(tc.window)
	if !r.within(windowEnd, func() bool { return r.shows(offlineTip, troubledMenu(offlineCue)) }) {
		t.Fatalf("no trouble shown during the fault: tooltip %q, menu %q", r.item().ToolTip(), r.item().Shown())
	}
	shown := time.Since(began)
	r.hold(windowEnd)
	cpu = cpuTime(t, r.cmd.Process.Pid) - cpu
	if !bytes.Equal(r.tokenFile(), r.token) {
		t.Errorf("token.json changed during the fault")
	}
	if tc.end != nil {
		tc.end(r)
	} else {
		r.fake.ClearFaults()
	}
	ended := time.Now()

	polls := requestsBetween(r.fake, currentlyPlayingPath, began, ended)
	if len(polls) > tc.maxPolls {
		t.Errorf("%d polls during the %v fault, want at most %d: %v", len(polls), tc.window, tc.maxPolls, polls)
	}
	if tc.refreshes {
		// One refresh attempt per poll, none granted.
		if n := len(requestsBetween(r.fake, tokenPath, began, ended)); n > len(polls)+1 {
			t.Errorf("%d refresh attempts for %d polls", n, len(polls))
		}
		if r.fake.Stats().Refreshes != before.Refreshes {
			t.Errorf("a refresh was granted while the token endpoint was down")
		}
	}
	// A loop, even one Spotify cannot count, would keep a core busy.
	if cpu > tc.window/4 {
		t.Errorf("spotray used %v of CPU during the %v fault", cpu, tc.window)
	}

	// The next poll is due within the backoff the failures so far have
	// reached; one more if a poll raced the end of the fault; then the
	// menu shows the result.
	failures := len(polls)
	if tc.uncounted {
		failures = maxFailedPolls
	}
	bound := retryCeiling(failures+1) + pollInterval + busySlack
	if !r.within(ended.Add(bound), func() bool { return r.shows(playingTip, playingMenu) }) {
		t.Fatalf("not recovered %v after the fault ended: tooltip %q, menu %q", bound, r.item().ToolTip(), r.item().Shown())
	}
	recovered := time.Since(ended)
	t.Logf("%d polls in the %v window (at most %d allowed), trouble shown after %v, %v CPU; "+
		"recovered %v after the fault ended (bound %v)", len(polls), tc.window, tc.maxPolls,
		shown.Round(time.Millisecond), cpu, recovered.Round(time.Millisecond), bound)

	if calls := r.d.notes.Calls(); len(calls) != 0 {
		t.Errorf("notifications about being offline: %s", describeNotes(calls))
	}
	if tc.refreshes {
		if got := r.fake.Stats().Refreshes - before.Refreshes; got != 1 {
			t.Errorf("%d refreshes after the token endpoint came back, want 1", got)
		}
		if stored := r.h.stored(); !r.fake.Accepts(stored.AccessToken) {
			t.Errorf("the access token stored after the refresh does not work")
		}
	} else if !bytes.Equal(r.tokenFile(), r.token) {
		t.Errorf("token.json changed although no refresh happened")
	}
	// The log says so once each way, rather than on every poll.
	out := r.out.String()
	if n, m := strings.Count(out, "Spotify trouble"), strings.Count(out, "Spotify answers again"); n != 1 || m != 1 {
		t.Errorf("the log reports the trouble %d times and the recovery %d times, want once each", n, m)
	}
}

// TestTrayRateLimited: a 429 is obeyed to the second, even by a user
// opening the menu again and again, and the tooltip says when the tray asks
// again.
func TestTrayRateLimited(t *testing.T) {
	t.Parallel()
	t.Run("Retry-After 5 s for 20 s", func(t *testing.T) {
		t.Parallel()
		const retry = 5 * time.Second
		r := startFaultRig(t)
		began := time.Now()
		r.fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: retry})
		tips := r.openRepeatedly(began.Add(faultWindow), nil)
		r.fake.ClearFaults()
		ended := time.Now()
		limited := requestsBetween(r.fake, currentlyPlayingPath, began, ended)
		if len(limited) == 0 || len(limited) > 1+int(faultWindow/retry) {
			t.Errorf("%d polls during the %v limit, want 1 to %d: %v", len(limited), faultWindow, 1+int(faultWindow/retry), limited)
		}
		r.recoversFromLimit(limited, retry, tips)
	})
	t.Run("quota exceeded, Retry-After 30 s", func(t *testing.T) {
		t.Parallel()
		const retry = 30 * time.Second
		r := startFaultRig(t)
		began := time.Now()
		r.fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: retry, Quota: true, Times: 1})
		var limited []time.Time
		testenv.WaitFor(t, "the 429", func() bool {
			limited = requestsBetween(r.fake, currentlyPlayingPath, began, time.Now())
			return len(limited) > 0
		})
		tips := r.openRepeatedly(limited[0].Add(retry+pollInterval+busySlack), func() bool { return r.item().ToolTip() == playingTip })
		r.recoversFromLimit(limited[:1], retry, tips)
		if !strings.Contains(r.out.String(), "quota exceeded") {
			t.Errorf("the log does not say the quota is exceeded:\n%s", r.out.String())
		}
	})
}

// openRepeatedly opens the menu every half second, as an impatient user
// would, until deadline or until done holds, and returns the tooltips and
// menu notices seen.
func (r *faultRig) openRepeatedly(deadline time.Time, done func() bool) []string {
	r.t.Helper()
	var seen []string
	note := func(s string) {
		if !slices.Contains(seen, s) {
			seen = append(seen, s)
		}
	}
	for time.Now().Before(deadline) {
		r.alive()
		r.item().Open()
		note(r.item().ToolTip())
		for _, s := range r.item().Shown() {
			if strings.HasPrefix(s, "Rate-limited") || strings.HasPrefix(s, "Offline") {
				note(s)
			}
		}
		if done != nil && done() {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	return seen
}

// recoversFromLimit checks what follows the 429s Spotify answered at
// limited: no request before each one's Retry-After passed, the retry time
// shown, and the track back once the limit is over, with nothing notified
// and the stored login untouched.
func (r *faultRig) recoversFromLimit(limited []time.Time, retry time.Duration, seen []string) {
	t := r.t
	t.Helper()
	last := limited[len(limited)-1]
	bound := last.Add(retry + pollInterval + busySlack)
	if !r.within(bound, func() bool { return r.shows(playingTip, playingMenu) }) {
		t.Fatalf("not recovered %v after the last 429: tooltip %q, menu %q", bound.Sub(last), r.item().ToolTip(), r.item().Shown())
	}
	recovered := time.Since(last)
	all := r.fake.Requests(currentlyPlayingPath)
	for _, at := range limited {
		if early := requestsBetween(r.fake, currentlyPlayingPath, at.Add(time.Nanosecond), at.Add(retry-time.Nanosecond)); len(early) > 0 {
			t.Errorf("requests %v within Retry-After (%v) of the 429 at %v", early, retry, at)
		}
	}
	// The tooltip names the minute of the next try: the 429's arrival
	// plus Retry-After, a little later by the time the answer came back.
	var want []string
	for _, at := range limited {
		for _, late := range []time.Duration{0, time.Second} {
			clock := at.Add(retry + late).Local().Format("15:04")
			want = append(want, "Spotify is rate-limiting spotray; retrying at "+clock,
				"Rate-limited by Spotify: retrying at "+clock+" (disabled)")
		}
	}
	var tip, notice bool
	for _, s := range seen {
		tip = tip || strings.HasPrefix(s, "Spotify is rate-limiting") && slices.Contains(want, s)
		notice = notice || strings.HasPrefix(s, "Rate-limited") && slices.Contains(want, s)
	}
	if !tip || !notice {
		t.Errorf("tooltips and notices seen %q, want the retry time among %q", seen, want)
	}
	if calls := r.d.notes.Calls(); len(calls) != 0 {
		t.Errorf("notifications about the rate limit: %s", describeNotes(calls))
	}
	if !bytes.Equal(r.tokenFile(), r.token) {
		t.Errorf("token.json changed")
	}
	t.Logf("%d requests answered 429, %d in all; recovered %v after the last 429 (bound %v); seen %q",
		len(limited), len(all), recovered.Round(time.Millisecond), bound.Sub(last), seen)
}

// TestTrayLoginRefused: Spotify refusing the login, through the API or
// the token endpoint, ends in Connect Spotify and exactly one notification,
// after at most one refresh, and connecting again works.
func TestTrayLoginRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		begin func(fake *fakespotify.Server)
		// Spotify sees one poll: apiCalls requests (two when the
		// client retries with a refreshed token) and one refresh, granted
		// or not.
		apiCalls, granted int
		tokenKept         bool
	}{
		{
			name: "401 on every call",
			begin: func(fake *fakespotify.Server) {
				fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultUnauthorized})
			},
			apiCalls: 2, granted: 1, tokenKept: true,
		},
		{
			name: "invalid_grant",
			begin: func(fake *fakespotify.Server) {
				fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultInvalidGrant, Message: "Refresh token revoked"})
				fake.ExpireAccessTokens()
			},
			apiCalls: 1, granted: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startFaultRig(t)
			before := r.fake.Stats()
			began := time.Now()
			tc.begin(r.fake)
			ended := []string{"Connect Spotify", "Spotify ended this login (disabled)", "---", "[x] Notifications",
				"[ ] Launch at login", "---", "Quit"}
			if !r.within(began.Add(testenv.WaitLimit), func() bool { return slices.Equal(r.item().Shown(), ended) }) {
				t.Fatalf("menu %q, want %q", r.item().Shown(), ended)
			}
			if tip := r.item().ToolTip(); tip != "Spotify ended this login: click Connect Spotify" {
				t.Errorf("tooltip %q", tip)
			}
			// Nothing more happens: no polls, refreshes or notifications.
			r.hold(time.Now().Add(3 * pollInterval))
			now := time.Now()
			api := requestsBetween(r.fake, currentlyPlayingPath, began, now)
			refreshes := requestsBetween(r.fake, tokenPath, began, now)
			granted := r.fake.Stats().Refreshes - before.Refreshes
			t.Logf("%d API requests, %d refresh attempts (%d granted)", len(api), len(refreshes), granted)
			if len(api) != tc.apiCalls || len(refreshes) != 1 || granted != tc.granted {
				t.Errorf("%d API requests and %d refresh attempts (%d granted); want %d, 1 (%d)",
					len(api), len(refreshes), granted, tc.apiCalls, tc.granted)
			}
			calls := r.d.notes.Calls()
			if len(calls) != 1 || calls[0].Summary != "Spotify ended spotray's login" {
				t.Errorf("want exactly one notification that the login ended: %s", describeNotes(calls))
			}
			if kept := r.tokenFile() != nil; kept != tc.tokenKept {
				t.Errorf("token.json kept: %v, want %v", kept, tc.tokenKept)
			}

			r.fake.ClearFaults()
			r.item().Click("Connect Spotify")
			r.consent(1)
			r.item().WaitMenu(playingMenu...)
		})
	}
}

// TestTrayNoTokenLeaks runs through everything that handles tokens (a
// login through the browser, playback, refreshes, copying both tokens,
// faults of every kind, the terminal commands, the login ending) and then
// looks for every token Spotify issued in everything spotray wrote: its
// output, its log files, the terminal commands' messages, the notifications
// and the menu. `spotray token` and `spotray refresh-token` print one on
// stdout by design; nothing else may.
func TestTrayNoTokenLeaks(t *testing.T) {
	t.Parallel()
	testenv.Require(t, "Xvfb", "xclip")
	d := newDesk(t)
	d.display = desktoptest.StartXvfb(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h := trayHome(t, fake)
	p := startTray(t, h, d)
	p.item().WaitMenu(notConnectedMenu...)
	p.item().Click("Connect Spotify")
	p.consent(1)
	p.item().WaitMenu(playingMenu...)

	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureEpisode))
	episode := connectedMenu("The Giant Beastcast: Episode 0 — The Giant Beastcast")
	p.item().WaitMenu(episode...)
	p.waitNote(0, "The Giant Beastcast: Episode 0")

	// A refresh in the tray: Spotify expires the access token early.
	refreshes := fake.Stats().Refreshes
	fake.ExpireAccessTokens()
	testenv.WaitFor(t, "a refresh", func() bool { p.item().Open(); return fake.Stats().Refreshes > refreshes })
	p.item().WaitMenu(episode...)

	p.item().Click("Copy refresh token")
	p.waitNote(0, "Refresh token copied")
	p.item().Click("Copy access token")
	p.waitNote(0, "Access token copied")

	// Faults the tray waits out, each once: the tray meets each (the
	// fake counts the requests it spoils) and comes back from it.
	for _, f := range []struct {
		path   string
		times  int
		inject func()
	}{
		{currentlyPlayingPath, 2, func() { fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: 503, Times: 2}) }},
		{currentlyPlayingPath, 2, func() { fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultMalformedJSON, Times: 2}) }},
		{currentlyPlayingPath, 1, func() {
			fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: time.Second, Times: 1})
		}},
		{tokenPath, 1, func() {
			fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: 503, Times: 1})
			fake.ExpireAccessTokens()
		}},
	} {
		before := len(fake.Requests(f.path))
		f.inject()
		testenv.WaitFor(t, "the fault to be met", func() bool { p.item().Open(); return len(fake.Requests(f.path)) >= before+f.times })
		p.item().WaitMenu(episode...)
	}

	// The terminal commands, beside the tray, healthy and failing.
	var said []string
	cli := func(args ...string) {
		out, errOut, _ := h.run(args...)
		said = append(said, errOut)
		if args[0] != "token" && args[0] != "refresh-token" {
			said = append(said, out)
		}
	}
	cli("token")
	cli("refresh-token")
	cli("status")
	cli("now")
	cli("now", "--json")
	expireStored(t, h)
	cli("token") // refreshes
	fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: 502})
	cli("now")
	// The tray meets these too: a short Retry-After keeps it from waiting
	// longer than the test does.
	fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: time.Second, Quota: true})
	cli("now")
	fake.ClearFaults()
	expireStored(t, h)
	fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: 503})
	cli("token")
	fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultMalformedJSON})
	cli("token")
	fake.ClearFaults()

	// The login ends.
	fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultInvalidGrant})
	fake.ExpireAccessTokens()
	expireStored(t, h)
	testenv.WaitFor(t, "the login to end", func() bool {
		p.item().Open()
		return slices.ContainsFunc(d.notes.Calls(), func(n desktoptest.NotifyCall) bool {
			return n.Summary == "Spotify ended spotray's login"
		})
	})
	cli("token")
	cli("status")
	fake.ClearFaults()

	issued := fake.IssuedTokens()
	if len(issued) < 8 {
		t.Fatalf("only %d tokens issued: the run did not go through its refreshes", len(issued))
	}
	checkNoTokensLeaked(t, p, fake)
	var texts []string
	texts = append(texts, said...)
	logs, _ := filepath.Glob(filepath.Join(h.Paths.StateDir, "spotray.log*"))
	for _, f := range logs {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	for _, n := range d.notes.Calls() {
		texts = append(texts, n.Summary, n.Body)
	}
	texts = append(texts, strings.Join(p.item().Shown(), "\n"), p.item().ToolTip(), p.out.String())
	for _, tok := range issued {
		for _, s := range texts {
			if strings.Contains(s, tok) {
				t.Errorf("a token appears in %q", s)
			}
		}
	}
	t.Logf("%d issued tokens looked for in %d texts (%d log files)", len(issued), len(texts), len(logs))
}
