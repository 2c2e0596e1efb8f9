package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

// desk is a private desktop: a session bus on which the test plays the
// panel and the notification daemon.
type desk struct {
	addr    string
	panel   *desktoptest.Panel
	notes   *desktoptest.NotificationServer
	display string // X display for the clipboard, "" without one
}

// newDesk starts a desktop with its panel running; a test of a desktop
// without one stops it before starting the tray.
func newDesk(t testing.TB) *desk {
	t.Helper()
	testenv.Require(t, "dbus-daemon")
	d := &desk{addr: desktoptest.StartBus(t)}
	d.notes = desktoptest.NewNotificationServer(t, d.addr)
	d.panel = desktoptest.NewPanel(t, d.addr)
	return d
}

// trayProc is a running spotray tray.
type trayProc struct {
	t       testing.TB
	h       *home
	d       *desk
	cmd     *exec.Cmd
	out     *lockedBuffer
	started time.Time
	done    chan struct{}     // closed when the process has exited
	browser string            // file where $BROWSER records the URLs it is given
	sni     *desktoptest.Item // see item
}

// lockedBuffer collects a process's output while tests read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// trayHome is a home whose config polls fast (the minimum Spotify
// tolerates), so that playback changes show within seconds, and whose tray
// logs at debug level.
func trayHome(t testing.TB, fake *fakespotify.Server) *home {
	t.Helper()
	h := newHome(t, fake)
	if err := os.MkdirAll(h.Paths.ConfigDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.Paths.ConfigFile(), []byte("poll_interval = 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Every poll and decision in the output, for when a test fails.
	h.Env = append(h.Env, "SPOTRAY_DEBUG=1")
	return h
}

// startTray starts the real binary (with args: none for the tray) on d as
// h's user. $BROWSER is a script that records each URL, so the test decides
// what the "browser" does.
func startTray(t testing.TB, h *home, d *desk, args ...string) *trayProc {
	t.Helper()
	p := &trayProc{t: t, h: h, d: d, out: &lockedBuffer{}, done: make(chan struct{})}
	p.browser = filepath.Join(h.root, "browser.log")
	script := filepath.Join(h.root, "browser.sh")
	if err := os.WriteFile(script, fmt.Appendf(nil, "#!/bin/sh\nprintf '%%s\\n' \"$1\" >> '%s'\n", p.browser), 0o700); err != nil {
		t.Fatal(err)
	}
	p.cmd = h.command(context.Background(), args...)
	p.cmd.Env = append(p.cmd.Env,
		"DBUS_SESSION_BUS_ADDRESS="+d.addr,
		"BROWSER="+script,
		anyPort,
	)
	if d.display != "" {
		p.cmd.Env = append(p.cmd.Env, "DISPLAY="+d.display)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done: // ended by the test, which checked how
		default:
			p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
				if code := p.cmd.ProcessState.ExitCode(); code != 0 {
					t.Errorf("spotray exited with %d on SIGTERM", code)
				}
			case <-time.After(testenv.WaitLimit):
				t.Errorf("spotray ignored SIGTERM")
				p.cmd.Process.Kill()
				<-p.done
			}
		}
		// Under -race the binary is built with the race detector too.
		if strings.Contains(p.out.String(), "WARNING: DATA RACE") {
			t.Errorf("the race detector found a data race in spotray")
		}
		if t.Failed() {
			t.Logf("spotray output:\n%s", p.out.String())
		}
	})
	return p
}

// wait waits for the process to exit and returns its exit code.
func (p *trayProc) wait() int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(testenv.WaitLimit):
		p.t.Fatalf("spotray did not exit; output:\n%s", p.out.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// item is the process's StatusNotifierItem as the panel sees it, once it
// has registered.
func (p *trayProc) item() *desktoptest.Item {
	p.t.Helper()
	if p.sni == nil {
		p.sni = p.d.panel.ItemOf(p.t, p.cmd.Process.Pid)
	}
	return p.sni
}

// registration is the process's latest registration with the panel, nil
// before the first.
func (p *trayProc) registration() *desktoptest.Registration {
	if r, ok := p.d.panel.RegistrationOf(p.cmd.Process.Pid); ok {
		return &r
	}
	return nil
}

// browsed returns the URLs given to $BROWSER so far.
func (p *trayProc) browsed() []string {
	data, _ := os.ReadFile(p.browser)
	return strings.Fields(string(data))
}

// consent plays the browser for the n-th URL given to $BROWSER: it follows
// the login's redirects to the fake's consent (approved automatically) and
// back to spotray's callback.
func (p *trayProc) consent(n int) {
	p.t.Helper()
	testenv.WaitFor(p.t, "spotray to open the browser", func() bool { return len(p.browsed()) >= n })
	resp, err := http.Get(p.browsed()[n-1])
	if err != nil {
		p.t.Fatalf("browser: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("browser: the login ended on HTTP %d", resp.StatusCode)
	}
}

// notesAfter returns the Notify calls after the first n.
func notesAfter(d *desk, n int) []desktoptest.NotifyCall {
	calls := d.notes.Calls()
	if len(calls) <= n {
		return nil
	}
	return calls[n:]
}

// waitNote waits for a notification with summary to arrive after the
// first n calls, and returns it with its index.
func (p *trayProc) waitNote(n int, summary string) (desktoptest.NotifyCall, int) {
	p.t.Helper()
	var found desktoptest.NotifyCall
	idx := -1
	defer func() {
		if idx < 0 {
			p.t.Logf("notifications: %s", describeNotes(p.d.notes.Calls()))
		}
	}()
	testenv.WaitFor(p.t, fmt.Sprintf("a notification %q after the first %d", summary, n), func() bool {
		for i, c := range notesAfter(p.d, n) {
			if c.Summary == summary {
				found, idx = c, n+i
				return true
			}
		}
		return false
	})
	return found, idx
}

func describeNotes(calls []desktoptest.NotifyCall) string {
	var b strings.Builder
	for i, c := range calls {
		fmt.Fprintf(&b, "\n  %d: %q / %q (replaces %d, icon %q)", i, c.Summary, c.Body, c.ReplacesID, c.AppIcon)
	}
	return b.String()
}

// playing is a fixture with is_playing set, because the captured track
// fixture happens to be paused.
func playing(t testing.TB, name string, on bool) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(fakespotify.Fixture(name), &doc); err != nil {
		t.Fatal(err)
	}
	doc["is_playing"] = on
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The menus the tests expect. Labels are as dbusmenu carries them.
var (
	notConnectedMenu = []string{"Connect Spotify", "---", "[x] Notifications", "[ ] Launch at login", "---", "Quit"}
)

// connectedMenu is the connected menu with the given playback lines.
// playingMenu is the connected menu while the track fixture plays.
var playingMenu = connectedMenu(loadedRows("Dancing Queen — ABBA", "Arrival (disabled)", "Pause", saveSong)...)

// Labels of the like row.
const (
	saveSong    = "Save to Liked Songs"
	saveEpisode = "Save to Your Episodes"
	cannotSave  = "Save to Liked Songs (disabled)" // ads, local files
)

// loadedRows are the rows of a menu with an item loaded: the item, its
// album or show (album "" for none), where it plays (the fake's default
// device) and the controls.
func loadedRows(item, album, playPause, like string) []string {
	if album == "" {
		album = "— (disabled)"
	}
	return []string{item, album, "On Kitchen speaker (disabled)", playPause, "Next", "Previous", like}
}

// episodeMenu is the connected menu while the episode fixture plays.
var episodeMenu = connectedMenu(loadedRows("The Giant Beastcast: Episode 0 — The Giant Beastcast",
	"The Giant Beastcast (disabled)", "Pause", saveEpisode)...)

// startPlaying starts a connected tray on its own desktop, with env
// (KEY=value) added to its environment, whose Spotify (a fake with opts)
// plays the track fixture, and waits for the track to show in the menu.
func startPlaying(t *testing.T, opts fakespotify.Options, env ...string) (*trayProc, *fakespotify.Server) {
	t.Helper()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, opts)
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h := trayHome(t, fake)
	h.seedLogin()
	h.Env = append(h.Env, env...)
	p := startTray(t, h, d)
	p.item().WaitMenu(playingMenu...)
	return p, fake
}

func connectedMenu(playback ...string) []string {
	m := append([]string{}, playback...)
	return append(m, "Connected as Demo Listener (disabled)", "Copy refresh token for a script…", "Copy access token",
		"---", "[x] Notifications", "[ ] Launch at login", "---", "Disconnect", "Quit")
}

// checkNoTokensLeaked fails if a token the fake issued appears in
// spotray's output or log file.
func checkNoTokensLeaked(t *testing.T, p *trayProc, fake *fakespotify.Server) {
	t.Helper()
	logData, _ := os.ReadFile(filepath.Join(p.h.Paths.StateDir, "spotray.log"))
	for _, tok := range fake.IssuedTokens() {
		if strings.Contains(p.out.String(), tok) || bytes.Contains(logData, []byte(tok)) {
			t.Errorf("a token value appears in spotray's output or log")
		}
	}
}

// TestTrayConnectAndFollowPlayback is the first run: not connected, Connect
// Spotify, consent in the browser, then the menu and notifications follow
// Spotify through real captured payloads.
func TestTrayConnectAndFollowPlayback(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureTrack)) // paused
	h := trayHome(t, fake)
	p := startTray(t, h, d)

	p.item()
	t.Logf("exec to icon registered on the bus: %v", p.registration().At.Sub(p.started))
	p.item().WaitMenu(notConnectedMenu...)
	if tip := p.item().ToolTip(); tip != "spotray: not connected; click Connect Spotify" {
		t.Errorf("tooltip = %q", tip)
	}

	clicked := time.Now()
	p.item().Click("Connect Spotify")
	p.item().WaitMenu("Connecting… (finish in your browser) (disabled)", "---", "[x] Notifications", "[ ] Launch at login", "---", "Quit")
	p.consent(1)
	p.item().WaitMenu(connectedMenu(loadedRows("Paused: Dancing Queen — ABBA", "Arrival (disabled)", "Play", saveSong)...)...)
	t.Logf("click on Connect to connected menu (with the browser step): %v", time.Since(clicked))
	connected, _ := p.waitNote(0, "Connected to Spotify")
	if !strings.Contains(connected.Body, "Demo Listener") || connected.AppName != "spotray" {
		t.Errorf("login notification = %+v", connected)
	}
	if _, err := os.Stat(filepath.Join(h.Paths.ConfigDir, "token.json")); err != nil {
		t.Errorf("no token.json after login: %v", err)
	}

	// Resuming the item that was there at start-up announces nothing.
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	p.item().WaitMenu(playingMenu...)
	if tip := p.item().ToolTip(); tip != "Dancing Queen — ABBA\nArrival" {
		t.Errorf("tooltip = %q", tip)
	}
	p.item().Click("Dancing Queen — ABBA")
	testenv.WaitFor(t, "the track to open in the browser", func() bool {
		return slices.Contains(p.browsed(), "https://open.spotify.com/track/01iyCAUm8EvOFqVWYJ3dVX")
	})

	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureEpisode))
	p.item().WaitMenu(episodeMenu...)
	ep, epIdx := p.waitNote(0, "The Giant Beastcast: Episode 0")
	if ep.Body != "The Giant Beastcast" {
		t.Errorf("episode notification body = %q", ep.Body)
	}

	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureAd))
	p.item().WaitMenu(connectedMenu(loadedRows("Advertisement (disabled)", "", "Pause", cannotSave)...)...)

	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureLocalFile))
	p.item().WaitMenu(connectedMenu(loadedRows("Run Boy Run — Woodkid (disabled)", "The Golden Age (disabled)", "Pause", cannotSave)...)...)
	local, localIdx := p.waitNote(epIdx+1, "Run Boy Run")
	if localIdx != epIdx+1 {
		t.Errorf("notifications between the episode and the local file (the ad?): %s", describeNotes(d.notes.Calls()))
	}
	if local.Body != "Woodkid\nThe Golden Age" {
		t.Errorf("local file notification body = %q", local.Body)
	}
	// Track changes replace each other on screen.
	if local.ReplacesID != ep.ID {
		t.Errorf("local file notification replaces %d, want the episode's %d", local.ReplacesID, ep.ID)
	}
	checkIcon(t, local)

	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureLocalFile, false))
	p.item().WaitMenu(connectedMenu(loadedRows("Paused: Run Boy Run — Woodkid (disabled)", "The Golden Age (disabled)", "Play", cannotSave)...)...)
	fake.SetNothingPlaying()
	p.item().WaitMenu(connectedMenu("Nothing playing (disabled)")...)
	if tip := p.item().ToolTip(); tip != "Nothing playing" {
		t.Errorf("tooltip = %q", tip)
	}
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	p.item().WaitMenu(playingMenu...)
	again, againIdx := p.waitNote(localIdx+1, "Dancing Queen")
	if againIdx != localIdx+1 {
		t.Errorf("notifications for the pause or for nothing playing: %s", describeNotes(d.notes.Calls()))
	}
	if again.Body != "ABBA\nArrival" {
		t.Errorf("track notification body = %q", again.Body)
	}
	checkNoTokensLeaked(t, p, fake)
}

// checkIcon checks that a notification names an image file that exists.
func checkIcon(t *testing.T, c desktoptest.NotifyCall) {
	t.Helper()
	path := c.AppIcon
	if v, ok := c.Hint("image-path").(string); ok && v != "" {
		path = v
	}
	path = strings.TrimPrefix(path, "file://")
	if _, err := os.Stat(path); err != nil {
		t.Errorf("notification icon %q: %v", path, err)
	}
}

// TestTrayCopyTokens puts the tokens on a real X clipboard.
func TestTrayCopyTokens(t *testing.T) {
	t.Parallel()
	testenv.Require(t, "Xvfb", "xclip")
	d := newDesk(t)
	d.display = desktoptest.StartXvfb(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureTrack))
	h := trayHome(t, fake)
	h.seedLogin()
	p := startTray(t, h, d)
	p.item().WaitMenu(connectedMenu(loadedRows("Paused: Dancing Queen — ABBA", "Arrival (disabled)", "Play", saveSong)...)...)

	// A separate grant for a script, through the browser: see
	// grant_e2e_test.go for what it does to the tray's own login.
	p.item().Click("Copy refresh token for a script…")
	stored := h.stored()
	p.consent(1)
	testenv.WaitFor(t, "a new refresh token on the clipboard", func() bool {
		c := desktoptest.Clipboard(t, d.display)
		return c != "" && c != stored.RefreshToken
	})
	n, _ := p.waitNote(0, "Refresh token for a script copied")
	if !strings.Contains(n.Body, fakespotify.DefaultClientID) || !strings.Contains(n.Body, "no secret") {
		t.Errorf("notification body = %q: want the client ID and how to refresh", n.Body)
	}

	p.item().Click("Copy access token")
	testenv.WaitFor(t, "an access token on the clipboard", func() bool {
		return desktoptest.Clipboard(t, d.display) == h.stored().AccessToken
	})
	if !fake.Accepts(desktoptest.Clipboard(t, d.display)) {
		t.Error("Spotify refuses the copied access token")
	}
	n, _ = p.waitNote(0, "Access token copied")
	if !strings.Contains(n.Body, "Valid until") {
		t.Errorf("notification body = %q", n.Body)
	}
	checkNoTokensLeaked(t, p, fake)
}

// TestTrayNotificationsCheckbox: switched off, a track change shows in the
// menu but announces nothing; the choice survives a restart.
func TestTrayNotificationsCheckbox(t *testing.T) {
	t.Parallel()
	p, fake := startPlaying(t, fakespotify.Options{})
	h, d := p.h, p.d

	p.item().Click("Notifications")
	off := slices.Clone(episodeMenu)
	off[len(off)-5] = "[ ] Notifications"
	testenv.WaitFor(t, "the checkbox to clear", func() bool { return slices.Contains(p.item().Shown(), "[ ] Notifications") })
	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureEpisode))
	p.item().WaitMenu(off...)

	p.item().Click("Notifications")
	testenv.WaitFor(t, "the checkbox to be set", func() bool { return slices.Contains(p.item().Shown(), "[x] Notifications") })
	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureLocalFile))
	_, idx := p.waitNote(0, "Run Boy Run")
	if idx != 0 {
		t.Errorf("notifications while switched off: %s", describeNotes(d.notes.Calls()))
	}

	// Off again, then a restart: the tray comes back with it off.
	p.item().Click("Notifications")
	testenv.WaitFor(t, "settings.json to record it", func() bool {
		data, _ := os.ReadFile(filepath.Join(h.Paths.StateDir, "settings.json"))
		return bytes.Contains(data, []byte(`"notifications": false`))
	})
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM", code)
	}
	p = startTray(t, h, d)
	testenv.WaitFor(t, "the restarted tray's menu", func() bool { return slices.Contains(p.item().Shown(), "[ ] Notifications") })
}

// TestTrayLaunchAtLogin writes and removes the XDG autostart entry.
func TestTrayLaunchAtLogin(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	h := trayHome(t, nil)
	p := startTray(t, h, d)
	p.item().WaitMenu(notConnectedMenu...)
	entry := filepath.Join(filepath.Dir(h.Paths.ConfigDir), "autostart", "spotray.desktop")

	p.item().Click("Launch at login")
	p.item().WaitMenu("Connect Spotify", "---", "[x] Notifications", "[x] Launch at login", "---", "Quit")
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatalf("autostart entry: %v", err)
	}
	if !strings.Contains(string(data), "Exec=") || !strings.Contains(string(data), filepath.Base(h.bin)) {
		t.Errorf("autostart entry does not start spotray:\n%s", data)
	}

	p.item().Click("Launch at login")
	p.item().WaitMenu(notConnectedMenu...)
	if _, err := os.Stat(entry); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("autostart entry still there after switching it off: %v", err)
	}
}

// TestTrayIconReturnsAfterPanelRestart: a panel that restarts (after a
// notification came and went, whose signal once broke systray's
// re-registration) gets the icon back.
func TestTrayIconReturnsAfterPanelRestart(t *testing.T) {
	t.Parallel()
	p, fake := startPlaying(t, fakespotify.Options{})
	d := p.d

	fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureEpisode))
	n, _ := p.waitNote(0, "The Giant Beastcast: Episode 0")
	if err := d.notes.Expire(n.ID); err != nil {
		t.Fatal(err)
	}
	// Daemons that send NotificationClosed straight to a connection reach
	// it whatever it listens for. Sent to the icon's own connection, it
	// ends systray's re-registration loop, which gives up on the first
	// signal it does not expect.
	stray := &dbus.Message{Type: dbus.TypeSignal, Headers: map[dbus.HeaderField]dbus.Variant{
		dbus.FieldPath:        dbus.MakeVariant(dbus.ObjectPath("/org/freedesktop/Notifications")),
		dbus.FieldInterface:   dbus.MakeVariant("org.freedesktop.Notifications"),
		dbus.FieldMember:      dbus.MakeVariant("NotificationClosed"),
		dbus.FieldDestination: dbus.MakeVariant(p.item()),
		dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(n.ID, uint32(1))),
	}, Body: []any{n.ID, uint32(1)}}
	if call := desktoptest.Connect(t, d.addr).Send(stray, nil); call != nil && call.Err != nil {
		t.Fatal(call.Err)
	}
	for i := range 2 {
		before := len(d.panel.Registrations())
		restarted := time.Now()
		d.panel.Restart(t)
		testenv.WaitFor(t, "the icon to register again", func() bool {
			return len(d.panel.Registrations()) > before && len(d.panel.Items()) == 1
		})
		t.Logf("panel restart %d to icon registered again: %v", i+1, time.Since(restarted))
		// Notifications keep coming too.
		next := []string{fakespotify.FixtureLocalFile, fakespotify.FixtureEpisode}[i]
		summary := []string{"Run Boy Run", "The Giant Beastcast: Episode 0"}[i]
		sent := len(d.notes.Calls())
		fake.SetCurrentlyPlaying(fakespotify.Fixture(next))
		n, _ := p.waitNote(sent, summary)
		d.notes.Expire(n.ID)
	}
	p.item().WaitMenu(episodeMenu...)
}

// TestTrayWithoutPanel: no panel at start is one notification and a log
// line with the fix; the icon registers once a panel starts.
func TestTrayWithoutPanel(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.panel.Stop(t)
	subscriptions := desktoptest.WatchMatchRules(t, d.addr)
	h := trayHome(t, nil)
	p := startTray(t, h, d)
	n, _ := p.waitNote(0, "spotray's icon cannot be shown")
	if !strings.Contains(n.Body, "AppIndicator and KStatusNotifierItem Support") {
		t.Errorf("notification body = %q", n.Body)
	}
	testenv.WaitFor(t, "the log line", func() bool {
		return strings.Contains(p.out.String(), "no system tray is running")
	})
	// A panel starting before the tray listens for one is missed
	// (fyne.io/systray tries to register first, then subscribes): a
	// race between two processes starting at once, not this test's
	// point, which is a panel that starts later.
	testenv.WaitFor(t, "the tray to listen for a panel", func() bool {
		return slices.ContainsFunc(subscriptions.Rules(), func(rule string) bool {
			return strings.Contains(rule, "NameOwnerChanged") && strings.Contains(rule, "arg0='org.kde.StatusNotifierWatcher'")
		})
	})

	d.panel.Start(t)
	p.item().WaitMenu(notConnectedMenu...)
	if got := len(d.notes.Calls()); got != 1 {
		t.Errorf("%d notifications, want 1: %s", got, describeNotes(d.notes.Calls()))
	}
}

// TestTrayLoginDeclined: declining on Spotify's consent page says so in
// the menu and in one notification, and the next try asks Spotify to show
// its consent page again.
func TestTrayLoginDeclined(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	h := trayHome(t, fake)
	p := startTray(t, h, d)
	p.item().WaitMenu(notConnectedMenu...)

	p.item().Click("Connect Spotify")
	p.answerConsent(1, "cancel")
	p.item().WaitMenu("Connect Spotify", "Not connected: access declined on Spotify's page (disabled)",
		"---", "[x] Notifications", "[ ] Launch at login", "---", "Quit")
	n, idx := p.waitNote(0, "Spotify login failed")
	if idx != 0 || !strings.Contains(n.Body, "declined") {
		t.Errorf("want one notification saying the login was declined: %s", describeNotes(d.notes.Calls()))
	}

	p.item().Click("Connect Spotify")
	p.answerConsent(2, "agree")
	p.item().WaitMenu(connectedMenu("Nothing playing (disabled)")...)
	if got := fake.LastAuthorize().Get("show_dialog"); got != "true" {
		t.Errorf("show_dialog = %q after a failed login, want true", got)
	}
}

// answerConsent plays a user answering Spotify's consent page ("agree" or
// "cancel") for the n-th URL given to $BROWSER.
func (p *trayProc) answerConsent(n int, action string) {
	p.t.Helper()
	testenv.WaitFor(p.t, "spotray to open the browser", func() bool { return len(p.browsed()) >= n })
	resp, err := http.Get(p.browsed()[n-1])
	if err != nil {
		p.t.Fatalf("browser: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="request" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		p.t.Fatalf("browser: no consent form at %s:\n%s", resp.Request.URL, page)
	}
	accept := *resp.Request.URL
	accept.Path, accept.RawQuery = "/authorize/accept", ""
	resp, err = http.PostForm(accept.String(), url.Values{"request": {string(m[1])}, "action": {action}})
	if err != nil {
		p.t.Fatalf("browser: %v", err)
	}
	resp.Body.Close()
}

// TestTrayDisconnect removes token.json and returns to the first-run menu.
func TestTrayDisconnect(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetNothingPlaying()
	h := trayHome(t, fake)
	h.seedLogin()
	p := startTray(t, h, d)
	p.item().WaitMenu(connectedMenu("Nothing playing (disabled)")...)
	p.item().Click("Disconnect")
	p.item().WaitMenu(notConnectedMenu...)
	if _, err := os.Stat(filepath.Join(h.Paths.ConfigDir, "token.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token.json still there: %v", err)
	}
}

// TestTraySecondInstance: a second tray says so and fails; the first
// keeps running.
func TestTraySecondInstance(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	h := trayHome(t, nil)
	p := startTray(t, h, d)
	p.item().WaitMenu(notConnectedMenu...)

	second := startTray(t, h, d)
	if code := second.wait(); code == 0 {
		t.Errorf("second tray exited with 0")
	}
	if out := second.out.String(); !strings.Contains(out, "spotray is already running") {
		t.Errorf("second tray said %q", out)
	}
	p.item().WaitMenu(notConnectedMenu...)
}

// TestTrayWithoutSessionBus fails with a sentence, never a panic.
func TestTrayWithoutSessionBus(t *testing.T) {
	t.Parallel()
	h := trayHome(t, nil)
	for _, tc := range []struct{ name, env, want string }{
		{"bus gone", "DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(h.root, "no-bus"), "D-Bus session bus"},
		{"no bus configured", "DBUS_SESSION_BUS_ADDRESS=", "no D-Bus session bus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "no bus configured" {
				if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
					t.Skip("this machine has a user session bus at /run/user/UID/bus")
				}
			}
			h.Env = []string{tc.env}
			_, stderr, code := h.run()
			if code != 1 || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "panic") {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, tc.want)
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 0 {
				t.Logf("stderr has %d lines: %q", n+1, stderr)
			}
		})
	}
}

// TestTrayQuitAndSIGTERM: both end the tray with exit code 0.
func TestTrayQuitAndSIGTERM(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	h := trayHome(t, nil)

	p := startTray(t, h, d)
	p.item().WaitMenu(notConnectedMenu...)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d after SIGTERM; output:\n%s", code, p.out.String())
	}

	p = startTray(t, h, d)
	p.item().WaitMenu(notConnectedMenu...)
	p.item().Click("Quit")
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d after Quit; output:\n%s", code, p.out.String())
	}
}

// TestTrayBrokenConfig keeps running on the defaults and says where the
// mistake is, without rewriting the file.
func TestTrayBrokenConfig(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	h := trayHome(t, nil)
	broken := []byte("# mine\npoll_interval = 2\nclient_id = \"unterminated\n")
	if err := os.WriteFile(h.Paths.ConfigFile(), broken, 0o600); err != nil {
		t.Fatal(err)
	}
	p := startTray(t, h, d)
	n, _ := p.waitNote(0, "spotray cannot use its settings")
	if !strings.Contains(n.Body, "config.toml:3") {
		t.Errorf("notification body = %q: want the file and line", n.Body)
	}
	testenv.WaitFor(t, "the menu to say so", func() bool {
		return slices.ContainsFunc(p.item().Shown(), func(s string) bool { return strings.HasPrefix(s, "config.toml line 3:") })
	})
	if tip := p.item().ToolTip(); !strings.Contains(tip, "config.toml line 3") {
		t.Errorf("tooltip = %q", tip)
	}
	if data, _ := os.ReadFile(h.Paths.ConfigFile()); !bytes.Equal(data, broken) {
		t.Errorf("config.toml was rewritten:\n%s", data)
	}
	if !strings.Contains(p.out.String(), "config.toml:3") {
		t.Errorf("the log does not name the line:\n%s", p.out.String())
	}
}

// TestTrayCopyWithoutClipboardTool: with no clipboard tool installed, Copy
// says which one to install instead of failing silently.
func TestTrayCopyWithoutClipboardTool(t *testing.T) {
	t.Parallel()
	p, _ := startPlaying(t, fakespotify.Options{}, "PATH="+t.TempDir()) // no xclip, xsel or wl-copy
	p.item().Click("Copy refresh token for a script…")
	p.consent(1)
	if n, _ := p.waitNote(0, "Could not copy the refresh token for a script"); !strings.Contains(n.Body, "install xclip") {
		t.Errorf("notification body = %q: want what to install", n.Body)
	}
}
