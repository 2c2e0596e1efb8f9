package playback

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/mpris"
	"github.com/spotray/spotray/internal/testenv"
)

// Each thing the Spotify client is known to get wrong over MPRIS, sent by
// a scripted player over a real bus with the client's D-Bus types, reads
// as what the Web API would have said.
func TestSpotifyClientQuirksOverDBus(t *testing.T) {
	addr := desktoptest.StartBus(t)
	client := desktoptest.NewPlayer(t, addr, "spotify")
	var mu sync.Mutex
	var last *mpris.Player
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go mpris.Watch(ctx, desktoptest.Connect(t, addr), []string{"spotify"}, func(p *mpris.Player) {
		mu.Lock()
		defer mu.Unlock()
		last = p
	})
	track := Item{Kind: Track, Key: "spotify:track:4uLU6hMCjMI75M1A2tKUQC", Title: "Never Gonna Give You Up",
		Artists: []string{"Rick Astley"}, Album: "Whenever You Need Somebody", URL: "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
		ImageURL: "https://i.scdn.co/image/ab67616d0000b273", Duration: 213 * time.Second}
	md := func(trackid any, extra map[string]any) map[string]any {
		m := map[string]any{"xesam:title": track.Title, "xesam:artist": track.Artists, "xesam:album": track.Album,
			"xesam:trackNumber": int32(1), "mpris:length": uint64(213_000_000),
			"mpris:artUrl": "https://i.scdn.co/image/ab67616d0000b273"}
		if trackid != nil {
			m["mpris:trackid"] = trackid
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		status string
		md     map[string]any
		want   Item
		ok     bool
	}{
		{"trackid as an object path", "Playing", md(dbus.ObjectPath("/com/spotify/track/4uLU6hMCjMI75M1A2tKUQC"), nil), track, true},
		{"trackid as a plain string", "Playing", md("spotify:track:4uLU6hMCjMI75M1A2tKUQC", nil), track, true},
		{"no trackid, xesam:url", "Playing", md(nil, map[string]any{"xesam:url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"}), track, true},
		{"art on open.spotify.com", "Playing", md("spotify:track:4uLU6hMCjMI75M1A2tKUQC",
			map[string]any{"mpris:artUrl": "https://open.spotify.com/image/ab67616d0000b273"}), track, true},
		{"Spotify Connect: empty title and artist", "Playing", map[string]any{"mpris:trackid": "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
			"xesam:title": "", "xesam:artist": []string{""}}, Item{}, false},
		{"ad: empty album, track number 0", "Playing", md("spotify:track:4uLU6hMCjMI75M1A2tKUQC",
			map[string]any{"xesam:album": "", "xesam:trackNumber": int32(0)}), Item{Kind: Ad}, true},
		{"ad: spotify:ad id", "Playing", map[string]any{"mpris:trackid": "spotify:ad:000000012c603a6600000020316a17a1",
			"xesam:title": "Spotify"}, Item{Kind: Ad}, true},
		{"episode: no artist, the show as album", "Paused", map[string]any{"mpris:trackid": dbus.ObjectPath("/com/spotify/episode/512ojhOuo1ktJprKbVcKyQ"),
			"xesam:title": "Episode 12", "xesam:artist": []string{}, "xesam:album": "The Show", "mpris:length": uint64(3_600_000_000)},
			Item{Kind: Episode, Key: "spotify:episode:512ojhOuo1ktJprKbVcKyQ", Title: "Episode 12", Album: "The Show",
				URL: "https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ", Duration: time.Hour}, true},
		{"empty metadata right after start", "Playing", map[string]any{}, Item{}, false},
		{"stopped", "Stopped", md("spotify:track:4uLU6hMCjMI75M1A2tKUQC", nil), Item{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// From a state no case has, so that the case's own shows.
			client.Set("Stopped", map[string]any{"xesam:title": "reset"})
			testenv.WaitFor(t, "the reset", func() bool {
				mu.Lock()
				defer mu.Unlock()
				return last != nil && last.Meta.Title == "reset"
			})
			client.Set(tc.status, tc.md)
			var got Status
			var ok bool
			testenv.WaitFor(t, "the player's state", func() bool {
				mu.Lock()
				defer mu.Unlock()
				if last == nil || last.Status != tc.status || last.Meta.Title != str(tc.md["xesam:title"]) {
					return false
				}
				got, ok = FromPlayer(*last, time.Now())
				return ok == tc.ok && reflect.DeepEqual(got.Item, tc.want)
			})
			if got.Progress != 0 {
				t.Errorf("progress %v from an MPRIS position", got.Progress)
			}
		})
	}
}

func str(v any) string { s, _ := v.(string); return s }
