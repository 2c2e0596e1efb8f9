package mpris

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/testenv"
)

func TestTrackPath(t *testing.T) {
	for _, tc := range []struct {
		uri  string
		want dbus.ObjectPath
	}{
		{"spotify:track:4uLU6hMCjMI75M1A2tKUQC", "/org/spotray/track/spotify_track_4uLU6hMCjMI75M1A2tKUQC"},
		{"spotify:local:Ada:First+Album:One:120", "/org/spotray/track/spotify_local_Ada_First_Album_One_120"},
		{"name:Tone\x1fÄda", "/org/spotray/track/name_Tone__da"},
		{"", NoTrack},
	} {
		got := TrackPath(tc.uri)
		if got != tc.want || !got.IsValid() {
			t.Errorf("TrackPath(%q) = %q (valid %v), want %q", tc.uri, got, got.IsValid(), tc.want)
		}
	}
}

// playerctl is a real MPRIS client: what it reads of the exported player
// is what desktop widgets read.
func playerctl(t *testing.T, addr string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("playerctl", append([]string{"--player=spotray"}, args...)...)
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func TestExporterWithPlayerctl(t *testing.T) {
	testenv.Require(t, "playerctl")
	addr := desktoptest.StartBus(t)
	var mu sync.Mutex
	var commands []string
	e := &Exporter{Conn: desktoptest.Connect(t, addr), OnCommand: func(m string) {
		mu.Lock()
		defer mu.Unlock()
		commands = append(commands, m)
	}}
	r := Remote{Identity: "Spotify on Kitchen speaker", Status: "Playing", Position: 42 * time.Second,
		Meta: Metadata{TrackID: string(TrackPath("spotify:track:1")), Title: "Under Pressure", Artists: []string{"Queen", "David Bowie"},
			Album: "Hot Space", ArtURL: "https://i.scdn.co/image/ab67", URL: "https://open.spotify.com/track/1", Length: 248 * time.Second}}
	if err := e.Show(r); err != nil {
		t.Fatal(err)
	}
	meta, err := playerctl(t, addr, "metadata", "--format",
		"{{mpris:trackid}}|{{xesam:title}}|{{xesam:artist}}|{{xesam:album}}|{{mpris:artUrl}}|{{mpris:length}}|{{xesam:url}}|{{status}}")
	want := "'/org/spotray/track/spotify_track_1'|Under Pressure|Queen, David Bowie|Hot Space|https://i.scdn.co/image/ab67|248000000|https://open.spotify.com/track/1|Playing"
	if err != nil || meta != want {
		t.Fatalf("playerctl metadata: %q, %v\nwant %q", meta, err, want)
	}
	// Position as of the last poll, which playerctl moves on at Rate.
	pos, err := playerctl(t, addr, "position")
	if sec, perr := strconv.ParseFloat(pos, 64); err != nil || perr != nil || sec < 42 || sec > 60 {
		t.Errorf("playerctl position: %q, %v", pos, err)
	}
	// The next track: a new title, no album, no stale keys.
	r.Status = "Paused"
	r.Meta = Metadata{TrackID: string(TrackPath("spotify:episode:2")), Title: "Episode 2", Length: time.Hour}
	if err := e.Show(r); err != nil {
		t.Fatal(err)
	}
	meta, err = playerctl(t, addr, "metadata", "--format", "{{xesam:title}}|{{xesam:album}}|{{xesam:url}}|{{status}}")
	if err != nil || meta != "Episode 2|||Paused" {
		t.Errorf("playerctl metadata after a change: %q, %v", meta, err)
	}
	for _, c := range []string{"play-pause", "next", "previous", "play", "pause", "stop"} {
		if out, err := playerctl(t, addr, c); err != nil {
			t.Errorf("playerctl %s: %v: %s", c, err, out)
		}
	}
	mu.Lock()
	got := slices.Clone(commands)
	mu.Unlock()
	if want := []string{"PlayPause", "Next", "Previous", "Play", "Pause", "Stop"}; !slices.Equal(got, want) {
		t.Errorf("commands %q, want %q", got, want)
	}

	if err := e.Hide(); err != nil {
		t.Fatal(err)
	}
	if out, err := playerctl(t, addr, "status"); err == nil {
		t.Errorf("after Hide playerctl still finds the player: %q", out)
	}
	// Shown again after hiding.
	if err := e.Show(r); err != nil {
		t.Fatal(err)
	}
	if out, err := playerctl(t, addr, "status"); err != nil || out != "Paused" {
		t.Errorf("shown again: %q, %v", out, err)
	}
}

// Every change of what the exported player shows is one PropertiesChanged
// signal, and a poll that only moves the position sends none.
func TestExporterSignals(t *testing.T) {
	addr := desktoptest.StartBus(t)
	e := &Exporter{Conn: desktoptest.Connect(t, addr)}
	listener := desktoptest.Connect(t, addr)
	if err := listener.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.DBus.Properties"), dbus.WithMatchObjectPath(ObjectPath)); err != nil {
		t.Fatal(err)
	}
	signals := make(chan *dbus.Signal, 16)
	listener.Signal(signals)
	r := Remote{Identity: "Spotify on Den", Status: "Playing", Meta: Metadata{TrackID: string(TrackPath("spotify:track:1")), Title: "One"}}
	for _, step := range []func(){
		func() {},
		func() { r.Position = 10 * time.Second },
		func() { r.Status = "Paused" },
		func() { r.Identity = "Spotify on Phone" },
	} {
		step()
		if err := e.Show(r); err != nil {
			t.Fatal(err)
		}
	}
	// A round trip after the last change: its signal has arrived by now.
	if err := listener.BusObject().Call("org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(signals) > 0 {
		sig := <-signals
		var changed map[string]dbus.Variant
		if len(sig.Body) > 1 {
			changed, _ = sig.Body[1].(map[string]dbus.Variant)
		}
		for k := range changed {
			got = append(got, sig.Body[0].(string)+" "+k)
		}
	}
	slices.Sort(got)
	if want := []string{"org.mpris.MediaPlayer2 Identity", "org.mpris.MediaPlayer2.Player PlaybackStatus"}; !slices.Equal(got, want) {
		t.Errorf("signalled %q, want %q", got, want)
	}
}
