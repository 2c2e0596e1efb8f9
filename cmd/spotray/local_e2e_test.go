package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

// localRows are the playback rows while a local player plays item.
func localRows(item, album, playPause, like string) []string {
	return []string{item, album, "On this computer (disabled)", playPause, "Next", "Previous", like}
}

// spotifyTrack is what the Spotify client sends for a track, quirks
// included: a plain-string trackid and art on open.spotify.com.
func spotifyTrack(id, title, album string) map[string]any {
	return map[string]any{
		"mpris:trackid": "spotify:track:" + id, "xesam:title": title, "xesam:artist": []string{"Local Ada"},
		"xesam:album": album, "xesam:trackNumber": int32(1), "mpris:length": uint64(200_000_000),
		"mpris:artUrl": "https://open.spotify.com/image/ab67" + id, "xesam:url": "https://open.spotify.com/track/" + id,
	}
}

// exported reports whether anyone owns the exported player's name.
func exported(t *testing.T, conn *dbus.Conn) bool {
	t.Helper()
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.mpris.MediaPlayer2.spotray").Store(&has); err != nil {
		t.Fatalf("NameHasOwner: %v", err)
	}
	return has
}

// The tray follows a local Spotify client over MPRIS without asking the
// Web API, hands over to it when the client controls another device or
// leaves, and shows remote playback to the desktop only while no local
// player does.
func TestTrayFollowsLocalPlayer(t *testing.T) {
	t.Parallel()
	testenv.Require(t, "playerctl")
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetPlaylist(controlsPlaylist)
	h := trayHome(t, fake)
	h.seedLogin()
	client := desktoptest.NewPlayer(t, d.addr, "spotify.instance7")
	client.Set("Playing", spotifyTrack("1111111111111111111111", "Local One", "Local Album"))
	p := startTray(t, h, d)
	p.item().WaitMenu(connectedMenu(localRows("Local One — Local Ada", "Local Album (disabled)", "Pause", saveSong)...)...)
	// The first poll may have left before the player was heard.
	polls := len(fake.Requests("/v1/me/player"))
	if polls > 1 {
		t.Errorf("%d playback requests before following the local player", polls)
	}

	client.Set("Playing", spotifyTrack("2222222222222222222222", "Local Two", "Local Album"))
	p.item().WaitMenu(connectedMenu(localRows("Local Two — Local Ada", "Local Album (disabled)", "Pause", saveSong)...)...)
	p.waitNote(0, "Local Two")
	// The menu's controls go to the player, not to Spotify's Web API.
	p.item().Click("Next")
	p.item().Click("Pause")
	testenv.WaitFor(t, "the player's commands", func() bool { return slices.Equal(client.Calls(), []string{"Next", "Pause"}) })
	client.SetStatus("Paused")
	p.item().WaitMenu(connectedMenu(localRows("Paused: Local Two — Local Ada", "Local Album (disabled)", "Play", saveSong)...)...)
	client.SetStatus("Playing")
	p.item().WaitMenu(connectedMenu(localRows("Local Two — Local Ada", "Local Album (disabled)", "Pause", saveSong)...)...)
	if n := len(fake.Requests("/v1/me/player")); n != polls || len(fake.Calls()) != 0 {
		t.Errorf("while following the local player: %d playback requests (had %d), commands %q", n, polls, fake.Calls())
	}
	bus := desktoptest.Connect(t, d.addr)
	if exported(t, bus) {
		t.Errorf("remote playback exported while a local player plays")
	}

	// Spotify Connect: the client stays on the bus with empty metadata
	// while it controls the kitchen speaker. The Web API says what plays,
	// and the desktop sees it through spotray's own player.
	client.Set("Playing", map[string]any{"mpris:trackid": "spotify:track:1111111111111111111111", "xesam:title": "", "xesam:artist": []string{""}})
	p.item().WaitMenu(connectedMenu(loadedRows("One — Ada", "First (disabled)", "Pause", saveSong)...)...)
	testenv.WaitFor(t, "playerctl to read the remote track", func() bool {
		cmd := exec.Command("playerctl", "--player=spotray", "metadata", "--format", "{{xesam:title}}|{{xesam:artist}}|{{status}}")
		cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+d.addr)
		out, err := cmd.Output()
		return err == nil && strings.TrimSpace(string(out)) == "One|Ada|Playing"
	})
	// Media keys and desktop widgets control the kitchen speaker through it.
	next := exec.Command("playerctl", "--player=spotray", "next")
	next.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+d.addr)
	if out, err := next.CombinedOutput(); err != nil {
		t.Fatalf("playerctl next: %v: %s", err, out)
	}
	waitCalls(t, fake, "POST /v1/me/player/next")
	p.item().WaitMenu(connectedMenu(loadedRows("Two — Ada", "Second (disabled)", "Pause", saveSong)...)...)

	// Local playback again: spotray's player leaves the bus, so no
	// desktop shows the song twice.
	client.Set("Playing", spotifyTrack("3333333333333333333333", "Local Three", "Local Album"))
	p.item().WaitMenu(connectedMenu(localRows("Local Three — Local Ada", "Local Album (disabled)", "Pause", saveSong)...)...)
	testenv.WaitFor(t, "the exported player to leave", func() bool { return !exported(t, bus) })

	// The client quits: the Web API takes over.
	client.Quit()
	p.item().WaitMenu(connectedMenu(loadedRows("Two — Ada", "Second (disabled)", "Pause", saveSong)...)...)
	checkNoTokensLeaked(t, p, fake)
}

// The same with a real MPRIS player nobody here wrote: Debian's mpv with
// mpv-mpris, playing tagged files, named in local_players.
func TestTrayFollowsMPV(t *testing.T) {
	t.Parallel()
	testenv.Require(t, "mpv", "sox")
	if _, err := os.Stat(mpvMPRIS); err != nil {
		testenv.Unavailable(t, "mpv-mpris is not installed ("+mpvMPRIS+")")
	}
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetPlaylist(controlsPlaylist)
	h := trayHome(t, fake)
	if err := os.WriteFile(h.Paths.ConfigFile(), []byte("poll_interval = 2\nlocal_players = [\"mpv\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.seedLogin()
	dir := t.TempDir()
	var files []string
	for _, title := range []string{"Tone One", "Tone Two"} {
		f := filepath.Join(dir, strings.ReplaceAll(title, " ", "")+".ogg")
		out, err := exec.Command("sox", "-n", "--add-comment", "TITLE="+title, "--add-comment", "ARTIST=Test Artist",
			"--add-comment", "ALBUM=Test Album", "-r", "8000", "-c", "1", f, "synth", "600", "sine", "440").CombinedOutput()
		if err != nil {
			t.Fatalf("sox: %v: %s", err, out)
		}
		files = append(files, f)
	}
	mpv := exec.Command("mpv", append([]string{"--no-config", "--no-video", "--ao=null", "--script=" + mpvMPRIS}, files...)...)
	mpv.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+d.addr, "HOME="+dir)
	if err := mpv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { mpv.Wait(); close(exited) }()
	t.Cleanup(func() { mpv.Process.Kill(); <-exited })
	// mpv takes a moment to start; a tray started before would rightly
	// ask the Web API until then.
	conn := desktoptest.Connect(t, d.addr)
	testenv.WaitFor(t, "mpv to play over MPRIS", func() bool {
		v, err := conn.Object("org.mpris.MediaPlayer2.mpv", "/org/mpris/MediaPlayer2").GetProperty("org.mpris.MediaPlayer2.Player.PlaybackStatus")
		return err == nil && v.Value() == "Playing"
	})

	p := startTray(t, h, d)
	// Files have nothing to open in Spotify, nor to save.
	notLikeable := "Save to Liked Songs (disabled)"
	p.item().WaitMenu(connectedMenu(localRows("Tone One — Test Artist (disabled)", "Test Album (disabled)", "Pause", notLikeable)...)...)
	polls := len(fake.Requests("/v1/me/player"))
	p.item().Click("Next")
	// Announced: a change, unlike what played at start.
	p.waitNote(0, "Tone Two")
	if notes := d.notes.Calls(); len(notes) != 1 {
		t.Errorf("notifications: %s", describeNotes(notes))
	}
	p.item().WaitMenu(connectedMenu(localRows("Tone Two — Test Artist (disabled)", "Test Album (disabled)", "Pause", notLikeable)...)...)
	p.item().Click("Pause")
	p.item().WaitMenu(connectedMenu(localRows("Paused: Tone Two — Test Artist (disabled)", "Test Album (disabled)", "Play", notLikeable)...)...)
	p.item().Click("Play")
	p.item().WaitMenu(connectedMenu(localRows("Tone Two — Test Artist (disabled)", "Test Album (disabled)", "Pause", notLikeable)...)...)
	if n := len(fake.Requests("/v1/me/player")); n != polls || len(fake.Calls()) != 0 || polls > 1 {
		t.Errorf("while following mpv: %d playback requests (%d at start), commands %q", n, polls, fake.Calls())
	}
	// mpv quits: within a poll interval the Web API says what plays.
	mpv.Process.Kill()
	<-exited
	p.item().WaitMenu(connectedMenu(loadedRows("One — Ada", "First (disabled)", "Pause", saveSong)...)...)
}

// mpvMPRIS is where Debian's mpv-mpris puts the plugin.
const mpvMPRIS = "/usr/lib/mpv-mpris/mpris.so"
