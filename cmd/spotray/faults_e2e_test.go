package main_test

import (
	"bytes"
	"fmt"
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
// simulated Spotify misbehaves, once for each way a failure reaches the tray
// through its sockets: an API error, a port nobody listens on, a token
// endpoint failing during a refresh, a rate limit, and Spotify ending the
// login. They check what a user and Spotify see: the tray stays up, says
// what is wrong in its menu, tooltip and icon, sends no notifications about
// passing trouble, keeps the stored login, calls Spotify a bounded number of
// times and comes back once Spotify does.
//
// What the tray decides is proven elsewhere, in milliseconds: which answers
// are trouble and of which kind, the backoff and its bounds, Retry-After
// (internal/playback, in simulated time, with every fault of the simulated
// Spotify in TestFaultsAreTrouble); how each bad answer reads
// (internal/spotify); a failed refresh leaving token.json as it was
// (internal/tokens). So the windows here are seconds, not the minutes real
// outages last.

const (
	currentlyPlayingPath = "/v1/me/player"
	tokenPath            = "/api/token"
	// pollInterval is trayHome's poll_interval.
	pollInterval = 2 * time.Second
	// troubleWindow is how long a fault tests watch the tray in trouble:
	// long enough for a tray in a loop to make hundreds of requests or
	// burn seconds of CPU, short beside the CI time it costs.
	troubleWindow = 6 * time.Second
	// minRetryWait is the shortest wait before a retry after a failure
	// (playback.Backoff draws from [1 s, ceiling]).
	minRetryWait = time.Second

	offlineTip = "Offline: retrying…"
	playingTip = "Dancing Queen — ABBA\nArrival"
	offlineCue = "Offline: retrying… (disabled)"
)

// troubledMenu is playingMenu with the notice of trouble under the track.
func troubledMenu(notice string) []string {
	rows := loadedRows("Dancing Queen — ABBA", "Arrival (disabled)", "Pause", saveSong)
	return connectedMenu(slices.Insert(rows, 3, notice)...)
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
		r.t.Fatalf("spotray exited (%v)", r.cmd.ProcessState)
	default:
	}
}

// waitShows waits until the tooltip and the menu are exactly tip and menu,
// checking that spotray stays up. It never opens the menu, which would make
// the tray poll outside its schedule.
func (r *faultRig) waitShows(tip string, menu []string) {
	r.t.Helper()
	testenv.WaitFor(r.t, fmt.Sprintf("the tooltip %q and the menu %q", tip, menu), func() bool {
		r.alive()
		return r.item().ToolTip() == tip && slices.Equal(r.item().Shown(), menu)
	})
}

// hold watches the tray for d without touching it, checking that it stays
// up: the window in which the tests count what it did.
func (r *faultRig) hold(d time.Duration) {
	r.t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		r.alive()
	}
}

// checkQuiet fails the test if the tray notified anything, or changed
// token.json, since it started.
func (r *faultRig) checkQuiet() {
	r.t.Helper()
	if calls := r.d.notes.Calls(); len(calls) != 0 {
		r.t.Errorf("notifications about passing trouble: %s", describeNotes(calls))
	}
	if !bytes.Equal(r.tokenFile(), r.token) {
		r.t.Errorf("token.json changed")
	}
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

// maxPolls bounds the polls a tray in trouble can make from from to to:
// the first, then one per minRetryWait at the most. A tray retrying in a
// loop makes hundreds; the backoff itself is internal/playback's to prove.
func maxPolls(from, to time.Time) int {
	return 1 + int(to.Sub(from)/minRetryWait)
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

// TestTraySpotifyFailing: an API error (503) shows in the tooltip, the menu
// and the icon without a notification, the tray retries a bounded number of
// times, says so in its log once each way, and comes back when Spotify
// answers again.
func TestTraySpotifyFailing(t *testing.T) {
	t.Parallel()
	r := startFaultRig(t)
	okIcon := r.item().Icon()
	began := time.Now()
	r.fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: 503})
	r.waitShows(offlineTip, troubledMenu(offlineCue))
	if bytes.Equal(r.item().Icon(), okIcon) {
		t.Error("the icon does not change when Spotify fails")
	}
	r.hold(troubleWindow)
	r.fake.ClearFaults()
	ended := time.Now()
	if polls := requestsBetween(r.fake, currentlyPlayingPath, began, ended); len(polls) > maxPolls(began, ended) {
		t.Errorf("%d polls in %v of failures, want at most %d: %v", len(polls), ended.Sub(began), maxPolls(began, ended), polls)
	}

	r.item().WaitMenu(playingMenu...)
	if tip := r.item().ToolTip(); tip != playingTip {
		t.Errorf("tooltip %q after Spotify answered again", tip)
	}
	if !bytes.Equal(r.item().Icon(), okIcon) {
		t.Error("the icon does not come back when Spotify answers again")
	}
	r.checkQuiet()
	out := r.out.String()
	if n, m := strings.Count(out, "Spotify trouble"), strings.Count(out, "Spotify answers again"); n != 1 || m != 1 {
		t.Errorf("the log reports the trouble %d times and the recovery %d times, want once each", n, m)
	}
}

// TestTrayConnectionRefused: with nothing listening at Spotify's address
// the tray shows it is offline without spinning (Spotify cannot count the
// attempts, so the CPU time the tray spends is what shows there is no
// loop), and comes back once Spotify listens again.
func TestTrayConnectionRefused(t *testing.T) {
	t.Parallel()
	r := startFaultRig(t)
	u, err := url.Parse(r.fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.fake.Close(); err != nil {
		t.Fatal(err)
	}
	r.waitShows(offlineTip, troubledMenu(offlineCue))
	cpu := cpuTime(t, r.cmd.Process.Pid)
	r.hold(troubleWindow)
	// A loop would keep a core busy for the whole window.
	if cpu = cpuTime(t, r.cmd.Process.Pid) - cpu; cpu > troubleWindow/4 {
		t.Errorf("spotray used %v of CPU in %v offline", cpu, troubleWindow)
	}
	if _, err := r.fake.Listen(u.Host); err != nil {
		t.Fatalf("listen again on %s: %v", u.Host, err)
	}
	r.item().WaitMenu(playingMenu...)
	r.checkQuiet()
}

// TestTrayTokenEndpointDownDuringRefresh: the token endpoint failing while
// the tray needs a new access token leaves token.json byte for byte as it
// was, and once it answers again exactly one refresh brings the tray back.
func TestTrayTokenEndpointDownDuringRefresh(t *testing.T) {
	t.Parallel()
	r := startFaultRig(t)
	before := r.fake.Stats()
	began := time.Now()
	// The access token expires at Spotify (the stored one still looks
	// valid), so the next poll gets a 401 and needs a refresh, which the
	// token endpoint then fails.
	r.fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: 503})
	r.fake.ExpireAccessTokens()
	r.waitShows(offlineTip, troubledMenu(offlineCue))
	ended := time.Now()
	polls := requestsBetween(r.fake, currentlyPlayingPath, began, ended)
	// One refresh attempt per poll, none granted.
	if n := len(requestsBetween(r.fake, tokenPath, began, ended)); n == 0 || n > len(polls) {
		t.Errorf("%d refresh attempts for %d polls", n, len(polls))
	}
	if r.fake.Stats().Refreshes != before.Refreshes {
		t.Errorf("a refresh was granted while the token endpoint was down")
	}
	if !bytes.Equal(r.tokenFile(), r.token) {
		t.Errorf("token.json changed while the token endpoint was down")
	}

	r.fake.ClearFaults()
	r.item().WaitMenu(playingMenu...)
	if got := r.fake.Stats().Refreshes - before.Refreshes; got != 1 {
		t.Errorf("%d refreshes after the token endpoint came back, want 1", got)
	}
	if stored := r.h.stored(); !r.fake.Accepts(stored.AccessToken) {
		t.Errorf("the access token stored after the refresh does not work")
	}
	if calls := r.d.notes.Calls(); len(calls) != 0 {
		t.Errorf("notifications about the token endpoint: %s", describeNotes(calls))
	}
}

// TestTrayRateLimited: 429s are obeyed to the second, even by a user
// opening the menu again and again; the tooltip and the menu say when the
// tray asks again, the icon shows trouble, the log says the quota is
// exceeded, and the track is back once the limit is over.
func TestTrayRateLimited(t *testing.T) {
	t.Parallel()
	const retry = 3 * time.Second
	r := startFaultRig(t)
	okIcon := r.item().Icon()
	began := time.Now()
	r.fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: retry, Quota: true, Times: 2})

	// The tooltips and notices seen while an impatient user opens the
	// menu every half second, until the track is back after both 429s.
	var seen []string
	var limitedIcon []byte
	opened := time.Time{}
	testenv.WaitFor(t, "the track back after two 429s", func() bool {
		r.alive()
		if time.Since(opened) > 500*time.Millisecond {
			r.item().Glance()
			opened = time.Now()
		}
		tip := r.item().ToolTip()
		if !slices.Contains(seen, tip) {
			seen = append(seen, tip)
		}
		if strings.HasPrefix(tip, "Spotify is rate-limiting") && limitedIcon == nil {
			limitedIcon = r.item().Icon()
		}
		for _, s := range r.item().Shown() {
			if strings.HasPrefix(s, "Rate-limited") && !slices.Contains(seen, s) {
				seen = append(seen, s)
			}
		}
		return len(requestsBetween(r.fake, currentlyPlayingPath, began, time.Now())) > 2 &&
			tip == playingTip && slices.Equal(r.item().Shown(), playingMenu)
	})
	limited := requestsBetween(r.fake, currentlyPlayingPath, began, time.Now())[:2]
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
	if limitedIcon == nil || bytes.Equal(limitedIcon, okIcon) {
		t.Error("the icon does not show the rate limit")
	}
	if !bytes.Equal(r.item().Icon(), okIcon) {
		t.Error("the icon does not come back after the rate limit")
	}
	if !strings.Contains(r.out.String(), "quota exceeded") {
		t.Errorf("the log does not say the quota is exceeded")
	}
	r.checkQuiet()
}

// TestTrayLoginRefused: Spotify refusing the login, through the API or
// the token endpoint, ends in Connect Spotify and exactly one notification
// with Spotify's reason, after at most one refresh; connecting again works
// and asks Spotify to show its consent page again.
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
		reason            string // in the notification's body
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
			apiCalls: 1, granted: 0, reason: "Refresh token revoked",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startFaultRig(t)
			before := r.fake.Stats()
			began := time.Now()
			tc.begin(r.fake)
			r.waitShows("Spotify ended this login: click Connect Spotify", []string{"Connect Spotify",
				"Spotify ended this login (disabled)", "---", "[x] Notifications", "[ ] Launch at login", "---", "Quit"})
			// Nothing more happens: no polls, refreshes or notifications.
			r.hold(2 * pollInterval)
			now := time.Now()
			api := requestsBetween(r.fake, currentlyPlayingPath, began, now)
			refreshes := requestsBetween(r.fake, tokenPath, began, now)
			granted := r.fake.Stats().Refreshes - before.Refreshes
			if len(api) != tc.apiCalls || len(refreshes) != 1 || granted != tc.granted {
				t.Errorf("%d API requests and %d refresh attempts (%d granted); want %d, 1 (%d)",
					len(api), len(refreshes), granted, tc.apiCalls, tc.granted)
			}
			calls := r.d.notes.Calls()
			if len(calls) != 1 || calls[0].Summary != "Spotify ended spotray's login" || !strings.Contains(calls[0].Body, tc.reason) {
				t.Errorf("want exactly one notification that the login ended, saying %q: %s", tc.reason, describeNotes(calls))
			}
			if kept := r.tokenFile() != nil; kept != tc.tokenKept {
				t.Errorf("token.json kept: %v, want %v", kept, tc.tokenKept)
			}

			r.fake.ClearFaults()
			r.item().Click("Connect Spotify")
			r.consent(1)
			r.item().WaitMenu(playingMenu...)
			if _, idx := r.waitNote(1, "Connected to Spotify"); idx != 1 {
				t.Errorf("want the notification about the ended login, then the new login: %s", describeNotes(r.d.notes.Calls()))
			}
			if got := r.fake.LastAuthorize().Get("show_dialog"); got != "true" {
				t.Errorf("show_dialog = %q after the login ended, want true", got)
			}
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
	p.item().WaitMenu(episodeMenu...)
	p.waitNote(0, "The Giant Beastcast: Episode 0")

	// A refresh in the tray: Spotify expires the access token early.
	refreshes := fake.Stats().Refreshes
	fake.ExpireAccessTokens()
	// Opening the menu polls now; the tray's own schedule would get
	// there too, a little later.
	p.item().Glance()
	testenv.WaitFor(t, "a refresh", func() bool { return fake.Stats().Refreshes > refreshes })
	p.item().WaitMenu(episodeMenu...)

	// Counted before the click: the browser may open before Click returns.
	opened := len(p.browsed())
	p.item().Click("Copy refresh token for a script…")
	p.consent(opened + 1)
	p.waitNote(0, "Refresh token for a script copied")
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
		p.item().Glance()
		testenv.WaitFor(t, "the fault to be met", func() bool { return len(fake.Requests(f.path)) >= before+f.times })
		p.item().WaitMenu(episodeMenu...)
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
	p.item().Glance()
	testenv.WaitFor(t, "the login to end", func() bool {
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
