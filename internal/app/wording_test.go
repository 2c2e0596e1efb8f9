package app

import (
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/playback"
)

var (
	twoArtists = playback.Item{Kind: playback.Track, Key: "spotify:track:2", Title: "Under Pressure",
		Artists: []string{"Queen", "David Bowie"}, Album: "Hot Space"}
	episode = playback.Item{Kind: playback.Episode, Key: "spotify:episode:3", Title: "Hello World", Album: "The Go Podcast"}
	local   = playback.Item{Kind: playback.Track, Key: "spotify:local:Me:Demos:Tape_1:215", Title: "Tape_1",
		Artists: []string{"Me"}, Album: "Demos", Local: true}
)

func TestWarnExpiry(t *testing.T) {
	soon := now.Add(5 * 24 * time.Hour)
	for _, tc := range []struct {
		name       string
		ends, last time.Time
		want       bool
	}{
		{"far away", now.AddDate(0, 3, 0), time.Time{}, false},
		{"unknown end", time.Time{}, time.Time{}, false},
		{"soon, never warned", soon, time.Time{}, true},
		{"soon, warned this morning", soon, time.Date(2026, 11, 3, 8, 0, 0, 0, utc), false},
		{"soon, warned a minute ago", soon, now.Add(-time.Minute), false},
		{"soon, warned yesterday evening", soon, time.Date(2026, 11, 2, 23, 59, 0, 0, utc), true},
		{"soon, warned a week ago", soon, now.AddDate(0, 0, -7), true},
		{"over, never warned", now.Add(-time.Hour), time.Time{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := warnExpiry(tc.ends, now, tc.last); got != tc.want {
				t.Errorf("warnExpiry = %v, want %v", got, tc.want)
			}
		})
	}
}
func TestExpiryNotice(t *testing.T) {
	ends := time.Date(2026, 11, 6, 9, 30, 0, 0, utc)
	n := expiryNote(ends, now)
	summary, body := n.Summary, n.Body
	if summary != "Spotify login: log in again within 3 days" {
		t.Errorf("summary = %q", summary)
	}
	if !strings.Contains(body, "Fri 6 Nov 09:30") || !strings.Contains(body, "Log in again now") {
		t.Errorf("body = %q", body)
	}
}
func TestAnnouncement(t *testing.T) {
	for _, tc := range []struct {
		name          string
		it            playback.Item
		summary, body string
	}{
		{"track", song, "Mr. Brightside", "The Killers\nHot Fuss"},
		{"two artists", twoArtists, "Under Pressure", "Queen, David Bowie\nHot Space"},
		{"episode", episode, "Hello World", "The Go Podcast"},
		{"local file", local, "Tape_1", "Me\nDemos"},
		{"no album", playback.Item{Kind: playback.Track, Title: "T", Artists: []string{"A"}}, "T", "A"},
		{"no title", playback.Item{Kind: playback.Unknown}, "Now playing", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := announcement(tc.it, 7, nil)
			if n.Summary != tc.summary || n.Body != tc.body || !n.Replace || n.ImageURL != tc.it.ImageURL {
				t.Errorf("announcement = %+v; want %q, %q", n, tc.summary, tc.body)
			}
		})
	}
}

func TestAnnouncementActions(t *testing.T) {
	for _, tc := range []struct {
		name string
		it   playback.Item
		keys []string
		want string // key=label, ...
		dflt string
	}{
		{"track", song, []string{noteNext, noteSave}, "next=Next save=Save to Liked Songs", noteOpen},
		{"saved track", song, []string{noteNext, noteRemove}, "next=Next remove=Remove from Liked Songs", noteOpen},
		{"episode without a link", episode, []string{noteSave}, "save=Save to Your Episodes", ""},
		{"saved episode", episode, []string{noteRemove}, "remove=Remove from Your Episodes", ""},
		{"local file: nothing to open", local, []string{noteNext}, "next=Next", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := announcement(tc.it, 7, tc.keys)
			var got []string
			for _, a := range n.Actions {
				got = append(got, a.Key+"="+a.Label)
			}
			if strings.Join(got, " ") != tc.want || n.Default.Key != tc.dflt || n.Tag != 7 {
				t.Errorf("actions %q, default %q, tag %d; want %q, %q, 7", got, n.Default.Key, n.Tag, tc.want, tc.dflt)
			}
		})
	}
}
