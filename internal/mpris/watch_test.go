package mpris

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/testenv"
)

func TestWatched(t *testing.T) {
	names := []string{"spotify", "ncspot"}
	for _, tc := range []struct {
		bus  string
		name string
		ok   bool
	}{
		{"org.mpris.MediaPlayer2.spotify", "spotify", true},
		{"org.mpris.MediaPlayer2.spotify.instance4242", "spotify", true},
		{"org.mpris.MediaPlayer2.ncspot", "ncspot", true},
		{"org.mpris.MediaPlayer2.vlc", "vlc", false},
		{"org.mpris.MediaPlayer2.spotifyd", "spotifyd", false},
		{"org.mpris.MediaPlayer2", "", false},
		{"org.freedesktop.Notifications", "", false},
	} {
		name, ok := Watched(tc.bus, names)
		if name != tc.name || ok != tc.ok {
			t.Errorf("Watched(%q) = %q, %v; want %q, %v", tc.bus, name, ok, tc.name, tc.ok)
		}
	}
}

func TestChoose(t *testing.T) {
	names := []string{"spotify", "ncspot"}
	sp := func(status string) Player { return Player{Bus: "org.mpris.MediaPlayer2.spotify", Status: status} }
	nc := func(status string) Player { return Player{Bus: "org.mpris.MediaPlayer2.ncspot", Status: status} }
	second := Player{Bus: "org.mpris.MediaPlayer2.spotify.instance2", Status: "Paused"}
	for _, tc := range []struct {
		name    string
		players []Player
		want    string // bus, "" for nil
	}{
		{"none", nil, ""},
		{"one", []Player{nc("Stopped")}, nc("").Bus},
		{"the one that plays", []Player{sp("Paused"), nc("Playing")}, nc("").Bus},
		{"neither plays: first named", []Player{nc("Paused"), sp("Stopped")}, sp("").Bus},
		{"both play: first named", []Player{nc("Playing"), sp("Playing")}, sp("").Bus},
		{"two instances: by bus name", []Player{second, sp("Paused")}, sp("").Bus},
	} {
		got := Choose(tc.players, names)
		if (got == nil) != (tc.want == "") || got != nil && got.Bus != tc.want {
			t.Errorf("%s: Choose = %+v, want %q", tc.name, got, tc.want)
		}
	}
}

// reports collects what Watch tells.
type reports struct {
	mu  sync.Mutex
	got []*Player
}

func (r *reports) add(p *Player) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, p)
}

// waitFor waits for a report that satisfies ok.
func (r *reports) waitFor(t *testing.T, what string, ok func(*Player) bool) {
	t.Helper()
	testenv.WaitFor(t, what, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.got) > 0 && ok(r.got[len(r.got)-1])
	})
}

// Watch follows players as they come, change and go, decoding what the
// Spotify client sends, quirks included.
func TestWatch(t *testing.T) {
	addr := desktoptest.StartBus(t)
	conn := desktoptest.Connect(t, addr)
	ignored := desktoptest.NewPlayer(t, addr, "vlc")
	ignored.Set("Playing", map[string]any{"xesam:title": "Not followed"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var r reports
	go func() { done <- Watch(ctx, conn, []string{"spotify", "ncspot"}, r.add) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	}()
	r.waitFor(t, "the first report: no player", func(p *Player) bool { return p == nil })

	sp := desktoptest.NewPlayer(t, addr, "spotify.instance42")
	r.waitFor(t, "the player to come", func(p *Player) bool { return p != nil && p.Bus == sp.Bus && p.Status == "Stopped" })
	sp.Set("Playing", map[string]any{
		"mpris:trackid": "spotify:track:4uLU6hMCjMI75M1A2tKUQC", // a string, not an object path
		"xesam:title":   "Never Gonna Give You Up", "xesam:artist": []string{"Rick Astley"},
		"xesam:album": "Whenever You Need Somebody", "mpris:artUrl": "https://open.spotify.com/image/ab67",
		"mpris:length": uint64(213_000_000), "xesam:trackNumber": int32(1),
		"xesam:url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
	})
	want := Metadata{TrackID: "spotify:track:4uLU6hMCjMI75M1A2tKUQC", Title: "Never Gonna Give You Up",
		Artists: []string{"Rick Astley"}, Album: "Whenever You Need Somebody", ArtURL: "https://open.spotify.com/image/ab67",
		URL: "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", Length: 213 * time.Second, TrackNumber: 1}
	r.waitFor(t, "the track", func(p *Player) bool { return p != nil && p.Status == "Playing" && reflect.DeepEqual(p.Meta, want) })

	// Object-path ids and odd types decode too; a value of a type nobody
	// expects reads as absent.
	sp.Set("Paused", map[string]any{"mpris:trackid": dbus.ObjectPath("/com/spotify/episode/5"), "xesam:title": "Ep",
		"xesam:artist": "One artist", "mpris:length": int64(-5), "xesam:album": 42})
	want = Metadata{TrackID: "/com/spotify/episode/5", Title: "Ep", Artists: []string{"One artist"}}
	r.waitFor(t, "the episode", func(p *Player) bool { return p != nil && p.Status == "Paused" && reflect.DeepEqual(p.Meta, want) })

	// A second player that plays wins over a paused one, and hands back
	// when it leaves.
	nc := desktoptest.NewPlayer(t, addr, "ncspot")
	nc.Set("Playing", map[string]any{"xesam:title": "Other"})
	r.waitFor(t, "the playing player", func(p *Player) bool { return p != nil && p.Bus == nc.Bus && p.Meta.Title == "Other" })
	nc.Quit()
	r.waitFor(t, "the paused player again", func(p *Player) bool { return p != nil && p.Bus == sp.Bus })
	sp.Quit()
	r.waitFor(t, "no player", func(p *Player) bool { return p == nil })
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.got {
		if p != nil && p.Bus == ignored.Bus {
			t.Errorf("a player not named was followed: %+v", p)
		}
	}
}

func TestWatchNothing(t *testing.T) {
	// No names: off, without touching the bus.
	if err := Watch(context.Background(), nil, nil, func(*Player) { t.Error("reported") }); err != nil {
		t.Fatal(err)
	}
}

func TestPlayersCommand(t *testing.T) {
	addr := desktoptest.StartBus(t)
	conn := desktoptest.Connect(t, addr)
	sp := desktoptest.NewPlayer(t, addr, "spotify")
	ps := Players{Conn: conn}
	for _, m := range []string{"PlayPause", "Next", "Previous"} {
		if err := ps.Command(context.Background(), sp.Bus, m); err != nil {
			t.Fatal(err)
		}
	}
	if got := sp.Calls(); len(got) != 3 || got[0] != "PlayPause" || got[1] != "Next" || got[2] != "Previous" {
		t.Errorf("player received %q", got)
	}
	sp.Quit()
	if err := ps.Command(context.Background(), sp.Bus, "Next"); err == nil {
		t.Error("a command to a player that left succeeded")
	}
}
