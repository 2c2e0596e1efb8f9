package playback

import (
	"strings"
	"time"

	"github.com/spotray/spotray/internal/mpris"
)

// FromPlayer converts what a local MPRIS player says, observed at at. ok
// is false when it cannot stand for what plays and the Web API must say
// instead: stopped or unknown status, no metadata yet (the Spotify client
// right after it starts), or an empty title and artist (the Spotify client
// while it controls another device over Spotify Connect).
//
// Spotify's client gets several things wrong, which this undoes: a
// mpris:trackid that is a "spotify:track:ID" string rather than an object
// path (the URI is taken from either, or from xesam:url), art on
// open.spotify.com/image, which does not resolve (i.scdn.co serves it),
// and ads that carry an empty album and track number 0 instead of an ad
// id. Progress is always 0: MPRIS positions are unreliable and nothing is
// scheduled from them.
func FromPlayer(p mpris.Player, at time.Time) (s Status, ok bool) {
	switch p.Status {
	case "Playing":
		s.Playing = true
	case "Paused":
	default:
		return Status{}, false
	}
	s.At = at
	md := p.Meta
	uri := spotifyURI(md)
	kind, _, _ := strings.Cut(strings.TrimPrefix(uri, "spotify:"), ":")
	if kind == "ad" {
		s.Item = Item{Kind: Ad}
		return s, true
	}
	it := Item{Kind: Track, Title: clean(md.Title), Album: clean(md.Album), Duration: max(md.Length, 0),
		ImageURL: artURL(md.ArtURL), Key: uri, Local: kind == "local"}
	for _, a := range md.Artists {
		if name := clean(a); name != "" && len(it.Artists) < maxArtists {
			it.Artists = append(it.Artists, name)
		}
	}
	if it.Title == "" && len(it.Artists) == 0 {
		// Connect keeps the id of what plays elsewhere, and no more.
		return Status{}, false
	}
	if kind == "track" && md.Album == "" && md.TrackNumber == 0 {
		s.Item = Item{Kind: Ad}
		return s, true
	}
	switch {
	case kind == "episode" || uri != "" && len(it.Artists) == 0:
		// Episodes have no artist; their album is the show.
		it.Kind = Episode
	case uri == "":
		// Not Spotify (mpv, a browser): there is nothing to open.
		it.Key = nameKey(it.Title, it.Artists)
	}
	if uri != "" && !it.Local {
		it.URL = openSpotify + strings.ReplaceAll(strings.TrimPrefix(uri, "spotify:"), ":", "/")
	}
	s.Item = it
	return s, true
}

// spotifyURI finds the Spotify URI of md: mpris:trackid is an object path
// (/com/spotify/track/ID) by the specification, a "spotify:track:ID"
// string from some clients; xesam:url is an open.spotify.com link. ""
// when md is not Spotify's.
func spotifyURI(md mpris.Metadata) string {
	id := md.TrackID
	if rest, ok := strings.CutPrefix(id, "/com/spotify/"); ok {
		id = "spotify:" + strings.ReplaceAll(rest, "/", ":")
	}
	if validURI(id) {
		return id
	}
	if rest, ok := strings.CutPrefix(md.URL, openSpotify); ok {
		rest, _, _ = strings.Cut(rest, "?")
		if id := "spotify:" + strings.ReplaceAll(rest, "/", ":"); validURI(id) {
			return id
		}
	}
	return ""
}

// validURI reports whether s is spotify:KIND:ID with a kind the tray
// knows: base-62 IDs, or a local file's artist:album:title:seconds.
func validURI(s string) bool {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 || parts[0] != "spotify" || parts[2] == "" {
		return false
	}
	switch parts[1] {
	case "track", "episode", "ad":
		return strings.Trim(parts[2], "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	case "local":
		return true
	}
	return false
}

// openSpotify is Spotify's web address for an item (and, in the Spotify
// client's art links, for an image); imageHost is what serves the images.
const (
	openSpotify = "https://open.spotify.com/"
	spotifyArt  = openSpotify + "image/"
	imageHost   = "https://i.scdn.co/image/"
)

// artURL is the cover art link a browser or art cache can fetch.
func artURL(s string) string {
	if id, ok := strings.CutPrefix(s, spotifyArt); ok {
		return imageHost + id
	}
	return webURL(s)
}
