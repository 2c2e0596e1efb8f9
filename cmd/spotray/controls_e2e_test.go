package main_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/testenv"
	"github.com/spotray/spotray/internal/testlogin"
)

// controlsPlaylist is two tracks long enough that no poll finds them over.
var controlsPlaylist = []fakespotify.Item{
	{Name: "One", Artists: []string{"Ada"}, Album: "First", Duration: 10 * time.Minute},
	{Name: "Two", Artists: []string{"Ada"}, Album: "Second", Duration: 10 * time.Minute},
}

// waitCalls waits until the fake has had exactly want as its non-GET
// requests.
func waitCalls(t *testing.T, fake *fakespotify.Server, want ...string) {
	t.Helper()
	testenv.WaitFor(t, "the requests "+strings.Join(want, ", "), func() bool { return slices.Equal(fake.Calls(), want) })
}

// startControls starts the tray on d, logged in with every scope, playing
// controlsPlaylist, and returns it once its menu shows One (the menu it
// returns).
func startControls(t *testing.T, d *desk) (*trayProc, *fakespotify.Server, []string) {
	t.Helper()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetPlaylist(controlsPlaylist)
	h := trayHome(t, fake)
	h.seedLogin()
	p := startTray(t, h, d)
	one := connectedMenu(loadedRows("One — Ada", "First (disabled)", "Pause", saveSong)...)
	p.item().WaitMenu(one...)
	return p, fake, one
}

// Each menu item makes exactly its request to Spotify; the labels follow,
// and Spotify's refusals are said in words.
func TestTrayControls(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	p, fake, one := startControls(t, d)
	// The library is asked once for the new track, and no command is sent.
	testenv.WaitFor(t, "the library check", func() bool { return len(fake.Requests("/v1/me/library/contains")) == 1 })

	p.item().Click("Pause")
	waitCalls(t, fake, "PUT /v1/me/player/pause")
	p.item().WaitMenu(connectedMenu(loadedRows("Paused: One — Ada", "First (disabled)", "Play", saveSong)...)...)
	p.item().Click("Play")
	waitCalls(t, fake, "PUT /v1/me/player/pause", "PUT /v1/me/player/play")
	p.item().WaitMenu(one...)

	p.item().Click("Next")
	waitCalls(t, fake, "PUT /v1/me/player/pause", "PUT /v1/me/player/play", "POST /v1/me/player/next")
	p.item().WaitMenu(connectedMenu(loadedRows("Two — Ada", "Second (disabled)", "Pause", saveSong)...)...)
	p.item().Click("Previous")
	waitCalls(t, fake, "PUT /v1/me/player/pause", "PUT /v1/me/player/play", "POST /v1/me/player/next",
		"POST /v1/me/player/previous")
	p.item().WaitMenu(one...)
	if n := len(fake.Requests("/v1/me/library/contains")); n != 3 {
		t.Errorf("%d library checks for three new items", n)
	}

	calls := fake.Calls()
	p.item().Click(saveSong)
	testenv.WaitFor(t, "the save request", func() bool { return len(fake.Calls()) == len(calls)+1 })
	save := fake.Calls()[len(calls)]
	saved, err := url.QueryUnescape(strings.TrimPrefix(save, "PUT /v1/me/library?uris="))
	if !strings.HasPrefix(save, "PUT /v1/me/library?uris=") || err != nil || !fake.Saved(saved) {
		t.Fatalf("save request %q (uri %q, %v)", save, saved, err)
	}
	p.item().WaitMenu(connectedMenu(loadedRows("One — Ada", "First (disabled)", "Pause", "Remove from Liked Songs")...)...)
	p.item().Click("Remove from Liked Songs")
	testenv.WaitFor(t, "the removal", func() bool { return !fake.Saved(saved) })
	if last := fake.Calls()[len(fake.Calls())-1]; last != "DELETE /v1/me/library?uris="+url.QueryEscape(saved) {
		t.Errorf("removal request %q", last)
	}
	p.item().WaitMenu(one...)

	// A free account: Spotify refuses, the label comes back, the reason
	// is said.
	fake.SetPremium(false)
	notes := len(d.notes.Calls())
	p.item().Click("Pause")
	premium, _ := p.waitNote(notes, "Could not pause")
	if !strings.Contains(premium.Body, "Premium") {
		t.Errorf("premium refusal says %q", premium.Body)
	}
	p.item().WaitMenu(one...)

	// No active device.
	fake.SetPremium(true)
	fake.SetDevice(nil)
	notes = len(d.notes.Calls())
	p.item().Click("Next")
	device, _ := p.waitNote(notes, "Could not skip to the next track")
	if !strings.Contains(device.Body, "No device is playing") {
		t.Errorf("no-device refusal says %q", device.Body)
	}
	checkNoTokensLeaked(t, p, fake)
}

// A left click on the icon, on panels that send Activate for it, plays or
// pauses.
func TestTrayIconClickPlaysAndPauses(t *testing.T) {
	t.Parallel()
	p, fake, one := startControls(t, newDesk(t))
	p.item().Activate()
	waitCalls(t, fake, "PUT /v1/me/player/pause")
	p.item().WaitMenu(connectedMenu(loadedRows("Paused: One — Ada", "First (disabled)", "Play", saveSong)...)...)
	p.item().Activate()
	waitCalls(t, fake, "PUT /v1/me/player/pause", "PUT /v1/me/player/play")
	p.item().WaitMenu(one...)
}

// A login made before spotray asked for control keeps working for what it
// allows; the controls offer the new consent, and one click asks for it.
func TestTrayOldLoginOffersControls(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	fake.SetPlaylist(controlsPlaylist)
	h := trayHome(t, fake)
	testlogin.SaveOld(t, fake, h.Paths.ConfigDir, spotify.ReadScopes, "")
	p := startTray(t, h, d)
	p.item().WaitMenu(connectedMenu("One — Ada", "First (disabled)", "On Kitchen speaker (disabled)",
		"Log in again to enable controls", "Next (disabled)", "Previous (disabled)", "Save to Liked Songs (disabled)")...)
	if n := len(fake.Requests("/v1/me/library/contains")); n != 0 {
		t.Errorf("%d library checks without the scope", n)
	}
	p.item().Click("Log in again to enable controls")
	p.consent(1)
	auth := fake.LastAuthorize()
	if auth.Get("show_dialog") != "true" || !strings.Contains(auth.Get("scope"), "user-modify-playback-state") {
		t.Errorf("authorize asked %v", auth)
	}
	p.item().WaitMenu(connectedMenu(loadedRows("One — Ada", "First (disabled)", "Pause", saveSong)...)...)
	if tok := h.stored(); !strings.Contains(tok.Scope, "user-library-modify") {
		t.Errorf("token.json records scope %q", tok.Scope)
	}
	if len(fake.Calls()) != 0 {
		t.Errorf("commands sent: %q", fake.Calls())
	}
}

// actionKey returns the D-Bus key of the action labelled label on c.
func actionKey(t *testing.T, c desktoptest.NotifyCall, label string) string {
	t.Helper()
	for i := 0; i+1 < len(c.Actions); i += 2 {
		if c.Actions[i+1] == label {
			return c.Actions[i]
		}
	}
	t.Fatalf("notification %q has no action %q: %q", c.Summary, label, c.Actions)
	return ""
}

// The buttons of a track's notification act on Spotify; the notification
// itself opens the track; a replaced notification's buttons do nothing.
func TestTrayNotificationActions(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetPlaylist(append(slices.Clone(controlsPlaylist),
		fakespotify.Item{Name: "Three", Artists: []string{"Ada"}, Album: "Third", Duration: 10 * time.Minute}))
	h := trayHome(t, fake)
	h.seedLogin()
	p := startTray(t, h, d)
	// What plays at start is in the menu, not announced: the first
	// notification comes with the next track.
	p.item().WaitMenu(connectedMenu(loadedRows("One — Ada", "First (disabled)", "Pause", saveSong)...)...)
	p.item().Click("Next")
	two, _ := p.waitNote(0, "Two")
	if len(two.Actions) < 2 || two.Actions[0] != "default" || two.Actions[1] != "Open in Spotify" {
		t.Errorf("track notification actions %q: no click to open it", two.Actions)
	}
	next := actionKey(t, two, "Next")
	if err := d.notes.Invoke(two.ID, next); err != nil {
		t.Fatal(err)
	}
	waitCalls(t, fake, "POST /v1/me/player/next", "POST /v1/me/player/next")
	three, _ := p.waitNote(0, "Three")
	if three.ReplacesID != two.ID {
		t.Fatalf("the third track's notification replaces %d, want %d", three.ReplacesID, two.ID)
	}
	// A late click on the replaced one's button, which the daemon sends
	// with the same id: nothing. The save after it shows the late click
	// was read and dropped, as signals arrive in order.
	if err := d.notes.Invoke(three.ID, next); err != nil {
		t.Fatal(err)
	}
	if err := d.notes.Invoke(three.ID, actionKey(t, three, "Save to Liked Songs")); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "the save", func() bool { return len(fake.Calls()) == 3 })
	if got := fake.Calls()[2]; !strings.HasPrefix(got, "PUT /v1/me/library?uris=") {
		t.Errorf("requests %q: the late Next was sent", fake.Calls())
	}
	p.item().WaitMenu(connectedMenu(loadedRows("Three — Ada", "Third (disabled)", "Pause", "Remove from Liked Songs")...)...)

	if err := d.notes.Invoke(three.ID, "default"); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "the track to open", func() bool {
		b := p.browsed()
		return len(b) == 1 && strings.HasPrefix(b[0], "https://open.spotify.com/track/")
	})
	// Closed: its buttons are gone.
	if err := d.notes.Expire(three.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.notes.Invoke(three.ID, actionKey(t, three, "Next")); err != nil {
		t.Fatal(err)
	}
	p.item().Click("Previous")
	testenv.WaitFor(t, "Previous", func() bool { return len(fake.Calls()) == 4 })
	if got := fake.Calls()[3]; got != "POST /v1/me/player/previous" {
		t.Errorf("requests %q: a closed notification's Next was sent", fake.Calls())
	}
}

// An open menu holds still: a track change while a panel shows it reaches
// the panel only once the menu closes, in one ItemsPropertiesUpdated, and a
// click in it acts on the track it showed.
func TestTrayMenuHoldsStill(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	menuTraffic := desktoptest.WatchMessages(t, d.addr, "interface='com.canonical.dbusmenu'")
	p, fake, one := startControls(t, d)

	// Another device skips; the opening's poll finds the next track.
	fake.Skip()
	p.item().Open()
	p.waitNote(0, "Two") // the app knows
	if got := p.item().Shown(); !slices.Equal(got, one) {
		t.Errorf("the open menu changed to\n  %q", got)
	}
	p.item().Click(saveSong)
	testenv.WaitFor(t, "the save", func() bool { return len(fake.Calls()) == 1 })
	p.item().Close()
	// Two is not saved: the click saved One, which the menu showed.
	p.item().WaitMenu(connectedMenu(loadedRows("Two — Ada", "Second (disabled)", "Pause", saveSong)...)...)
	p.item().Click("Previous")
	p.item().WaitMenu(connectedMenu(loadedRows("One — Ada", "First (disabled)", "Pause", "Remove from Liked Songs")...)...)

	// On the bus, in order: one LayoutUpdated for the whole run (the
	// export's, at start), and nothing sent to panels between the
	// opening and the closing.
	var layouts, between int
	open := false
	for _, msg := range menuTraffic.All() {
		member := desktoptest.Member(msg)
		switch {
		case msg.Type == dbus.TypeMethodCall && member == "com.canonical.dbusmenu.Event":
			switch msg.Body[1] {
			case "opened":
				open = true
			case "closed":
				open = false
			}
		case msg.Type == dbus.TypeSignal && member == "com.canonical.dbusmenu.LayoutUpdated":
			layouts++
		case msg.Type == dbus.TypeSignal && open:
			between++
		}
	}
	if layouts != 1 || between != 0 {
		t.Errorf("%d LayoutUpdated signals, want 1; %d signals while the menu was open, want 0", layouts, between)
	}
}
