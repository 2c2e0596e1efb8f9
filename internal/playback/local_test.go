package playback

import (
	"reflect"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/mpris"
)

func TestFromPlayer(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	song := mpris.Metadata{
		TrackID: "/com/spotify/track/4uLU6hMCjMI75M1A2tKUQC", Title: "Never Gonna Give You Up", Artists: []string{"Rick Astley"},
		Album: "Whenever You Need Somebody", ArtURL: "https://i.scdn.co/image/ab67616d0000b273", Length: 213 * time.Second,
		TrackNumber: 1, URL: "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
	}
	songItem := Item{Kind: Track, Key: "spotify:track:4uLU6hMCjMI75M1A2tKUQC", Title: "Never Gonna Give You Up",
		Artists: []string{"Rick Astley"}, Album: "Whenever You Need Somebody", URL: "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
		ImageURL: "https://i.scdn.co/image/ab67616d0000b273", Duration: 213 * time.Second}
	with := func(f func(*mpris.Metadata)) mpris.Metadata {
		md := song
		f(&md)
		return md
	}
	item := func(f func(*Item)) Item {
		it := songItem
		f(&it)
		return it
	}
	for _, tc := range []struct {
		name   string
		status string
		md     mpris.Metadata
		want   Item
		ok     bool
	}{
		{"playing", "Playing", song, songItem, true},
		{"paused", "Paused", song, songItem, true},
		{"stopped", "Stopped", song, Item{}, false},
		{"no status", "", song, Item{}, false},
		{"trackid as a plain string", "Playing", with(func(m *mpris.Metadata) { m.TrackID = "spotify:track:4uLU6hMCjMI75M1A2tKUQC" }), songItem, true},
		{"no trackid: from xesam:url", "Playing", with(func(m *mpris.Metadata) { m.TrackID = "" }), songItem, true},
		{"a trackid that is no Spotify URI, and a link with a query", "Playing", with(func(m *mpris.Metadata) {
			m.TrackID, m.URL = "/org/mpris/MediaPlayer2/Track/7", "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x"
		}), songItem, true},
		{"art on open.spotify.com", "Playing", with(func(m *mpris.Metadata) { m.ArtURL = "https://open.spotify.com/image/ab67616d0000b273" }), songItem, true},
		{"art as a file", "Playing", with(func(m *mpris.Metadata) { m.ArtURL = "file:///tmp/cover.png" }), item(func(it *Item) { it.ImageURL = "" }), true},
		{"Connect: empty title and artist", "Playing", with(func(m *mpris.Metadata) { m.Title, m.Artists = "", nil }), Item{}, false},
		{"Connect: the id of what plays elsewhere, and nothing else", "Playing", mpris.Metadata{TrackID: "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
			Artists: []string{""}}, Item{}, false},
		{"empty metadata at start", "Playing", mpris.Metadata{}, Item{}, false},
		{"ad by id", "Playing", mpris.Metadata{TrackID: "spotify:ad:000000012c603a6600000020316a17a1"}, Item{Kind: Ad}, true},
		{"ad by path", "Playing", mpris.Metadata{TrackID: "/com/spotify/ad/000000012c603a66", Title: "Spotify"}, Item{Kind: Ad}, true},
		{"ad: empty album and track number 0", "Playing", with(func(m *mpris.Metadata) { m.Album, m.TrackNumber = "", 0 }), Item{Kind: Ad}, true},
		{"episode: empty artist, the show as album", "Playing", mpris.Metadata{
			TrackID: "/com/spotify/episode/512ojhOuo1ktJprKbVcKyQ", Title: "Episode 12", Album: "The Show", Length: time.Hour},
			Item{Kind: Episode, Key: "spotify:episode:512ojhOuo1ktJprKbVcKyQ", Title: "Episode 12", Album: "The Show",
				URL: "https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ", Duration: time.Hour}, true},
		{"local file", "Playing", mpris.Metadata{TrackID: "spotify:local:Ada:First:One:120", Title: "One", Artists: []string{"Ada"}},
			Item{Kind: Track, Key: "spotify:local:Ada:First:One:120", Title: "One", Artists: []string{"Ada"}, Local: true}, true},
		{"another player (mpv)", "Playing", mpris.Metadata{TrackID: "/org/mpris/MediaPlayer2/Track/1", Title: "Tone",
			Artists: []string{"Test\u202eartist"}, Album: "Tests", URL: "file:///tmp/tone.flac"},
			Item{Kind: Track, Key: "name:Tone\x1fTestartist", Title: "Tone", Artists: []string{"Testartist"}, Album: "Tests"}, true},
		{"untagged file of another player: no ad", "Playing", mpris.Metadata{Title: "tone.flac"},
			Item{Kind: Track, Key: "name:tone.flac\x1f", Title: "tone.flac"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := FromPlayer(mpris.Player{Bus: "org.mpris.MediaPlayer2.spotify", Status: tc.status, Meta: tc.md}, at)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tc.ok, s)
			}
			if !ok {
				return
			}
			if !reflect.DeepEqual(s.Item, tc.want) {
				t.Errorf("item\n%+v\nwant\n%+v", s.Item, tc.want)
			}
			if s.Playing != (tc.status == "Playing") || s.Progress != 0 || !s.At.Equal(at) || s.Device != "" {
				t.Errorf("status %+v", s)
			}
		})
	}
}
