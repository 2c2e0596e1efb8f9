// Package playback turns Spotify's currently-playing answers into what the
// tray shows and announces, and decides when to ask again. The decisions
// (model, schedule, announcements, sleep detection) are pure functions and
// small state machines, tested in simulated time; Poller is the thin loop
// that runs them against the real API.
package playback

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/text"
)

// Kind is what is playing.
type Kind uint8

// Kinds of playback.
const (
	Nothing Kind = iota // nothing is playing (Spotify answered 204)
	Track               // a music track, including local files
	Episode             // a podcast episode
	Ad                  // an advertisement; Spotify does not say which
	Unknown             // something Spotify does not describe (currently_playing_type "unknown", a new type, ...)
)

var kindNames = [...]string{"nothing", "track", "episode", "ad", "unknown"}

// String names the kind for logs.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Limits on text taken from Spotify: names are shown in a tray menu and a
// notification, where a 10,000-character title or a list of 50 artists helps
// nobody and can hang some notification daemons.
const (
	maxText    = 200
	maxArtists = 10
)

// Item is a playable thing as the tray shows it. Text fields went through
// text.Line on the way in, but are otherwise raw: escaping for markup
// (notification bodies) or mnemonics (menu labels) is the displaying code's
// job.
type Item struct {
	Kind Kind
	// Key identifies the item across polls: its Spotify URI, else the title
	// and artists (local files can lack a URI). "" for Nothing and Ad.
	Key      string
	Title    string   // track or episode name
	Artists  []string // track artists, in Spotify's order; none for episodes
	Album    string   // album name, or the show name for an episode
	URL      string   // http(s) link that opens the item in Spotify; "" if none
	ImageURL string   // http(s) URL of the largest cover art; "" if none
	Duration time.Duration
	Local    bool // a local file, which has no link and usually no art
}

// String is the one-line description used in the tray and notifications:
// "Title — Artist A, Artist B", "Episode — Show", "Advertisement",
// "Nothing playing".
func (it Item) String() string {
	switch it.Kind {
	case Nothing:
		return "Nothing playing"
	case Ad:
		return "Advertisement"
	}
	title := it.Title
	if title == "" {
		title = "Untitled"
		if it.Kind == Unknown {
			title = "Unknown item"
		}
	}
	switch {
	case it.Kind == Episode && it.Album != "":
		return title + " — " + it.Album
	case it.Kind != Episode && len(it.Artists) > 0:
		return title + " — " + strings.Join(it.Artists, ", ")
	}
	return title
}

// Status is one observation of the player.
type Status struct {
	Item    Item
	Playing bool
	// Progress is the position in Item when observed; 0 when Spotify did not
	// say (progress_ms null) or for Nothing.
	Progress time.Duration
	At       time.Time // when the answer arrived
	// Device is the name of the device it plays on; "" when not known.
	Device string
}

// FromAPI converts a currently-playing answer received at at; cp nil means
// Spotify answered 204 (nothing playing). Unknown currently_playing_type
// values and missing fields never fail: the result is then Kind Unknown or an
// item with empty fields.
func FromAPI(cp *spotify.CurrentlyPlaying, at time.Time) Status {
	if cp == nil {
		return Status{Item: Item{Kind: Nothing}, At: at}
	}
	s := Status{Playing: cp.IsPlaying, At: at, Item: Item{Kind: kindOf(cp)}}
	if cp.Device != nil {
		s.Device = clean(cp.Device.Name)
	}
	if api := cp.Item; api != nil && s.Item.Kind != Ad {
		s.Item = itemFromAPI(s.Item.Kind, api)
	}
	if cp.ProgressMS != nil {
		s.Progress = millis(*cp.ProgressMS)
		if s.Item.Duration > 0 {
			s.Progress = min(s.Progress, s.Item.Duration)
		}
	}
	return s
}

// kindOf decides the kind. The item's own type wins over
// currently_playing_type because old answers lack the latter, except for ads,
// which never carry an item worth showing.
func kindOf(cp *spotify.CurrentlyPlaying) Kind {
	if cp.Type == "ad" {
		return Ad
	}
	if cp.Item == nil {
		return Unknown
	}
	t := cp.Item.Type
	if t == "" {
		t = cp.Type
	}
	switch t {
	case "track", "":
		return Track
	case "episode":
		return Episode
	}
	return Unknown
}

func itemFromAPI(kind Kind, api *spotify.Item) Item {
	it := Item{
		Kind:     kind,
		Title:    clean(api.Name),
		URL:      webURL(api.ExternalURLs.Spotify),
		Duration: millis(api.DurationMS),
		Local:    api.IsLocal || strings.HasPrefix(api.URI, "spotify:local:"),
	}
	images := api.Images
	if kind == Episode {
		if api.Show != nil {
			it.Album = clean(api.Show.Name)
			if len(images) == 0 {
				images = api.Show.Images
			}
		}
	} else {
		for _, a := range api.Artists {
			if name := clean(a.Name); name != "" && len(it.Artists) < maxArtists {
				it.Artists = append(it.Artists, name)
			}
		}
		if api.Album != nil {
			it.Album = clean(api.Album.Name)
			if len(images) == 0 {
				images = api.Album.Images
			}
		}
	}
	it.ImageURL = largest(images)
	it.Key = api.URI
	if it.Key == "" {
		it.Key = nameKey(it.Title, it.Artists)
	}
	return it
}

// nameKey is the Key of an item without a URI.
func nameKey(title string, artists []string) string {
	return "name:" + title + "\x1f" + strings.Join(artists, "\x1f")
}

// largest returns the URL of the widest image; Spotify lists the largest
// first, so with unknown widths the first wins.
func largest(images []spotify.Image) string {
	best, width := "", -1
	for _, im := range images {
		if u := webURL(im.URL); u != "" && im.Width > width {
			best, width = u, im.Width
		}
	}
	return best
}

// webURL keeps http(s) URLs only: the tray opens links in a browser and
// downloads art, and neither should follow file: or javascript: links.
func webURL(s string) string {
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		return s
	}
	return ""
}

// millis converts milliseconds without overflow; negative values are 0.
func millis(ms int64) time.Duration {
	const most = math.MaxInt64 / int64(time.Millisecond)
	return time.Duration(min(max(ms, 0), most)) * time.Millisecond
}

// clean is text.Line with the length limit for names from Spotify.
func clean(s string) string { return text.Line(s, maxText) }
