package fakespotify

import (
	"crypto/sha256"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The JSON shapes below follow Spotify's currently-playing objects (see the
// fixtures in testdata), field order included.

type currentlyPlayingJSON struct {
	Timestamp            int64       `json:"timestamp"`
	Context              *struct{}   `json:"context"`
	ProgressMS           int64       `json:"progress_ms"`
	Item                 any         `json:"item"`
	CurrentlyPlayingType string      `json:"currently_playing_type"`
	Actions              actionsJSON `json:"actions"`
	IsPlaying            bool        `json:"is_playing"`
}

type actionsJSON struct {
	Disallows map[string]bool `json:"disallows"`
}

type externalURLs struct {
	Spotify string `json:"spotify,omitempty"` // absent for local files
}

type imageJSON struct {
	Height int    `json:"height"`
	URL    string `json:"url"`
	Width  int    `json:"width"`
}

type artistJSON struct {
	ExternalURLs externalURLs `json:"external_urls"`
	Href         *string      `json:"href"`
	ID           *string      `json:"id"`
	Name         string       `json:"name"`
	Type         string       `json:"type"`
	URI          *string      `json:"uri"`
}

type albumJSON struct {
	AlbumType    *string      `json:"album_type"`
	Artists      []artistJSON `json:"artists"`
	ExternalURLs externalURLs `json:"external_urls"`
	Href         *string      `json:"href"`
	ID           *string      `json:"id"`
	Images       []imageJSON  `json:"images"`
	Name         string       `json:"name"`
	Type         string       `json:"type"`
	URI          *string      `json:"uri"`
}

type trackJSON struct {
	Album        albumJSON    `json:"album"`
	Artists      []artistJSON `json:"artists"`
	DiscNumber   int          `json:"disc_number"`
	DurationMS   int64        `json:"duration_ms"`
	Explicit     bool         `json:"explicit"`
	ExternalURLs externalURLs `json:"external_urls"`
	Href         *string      `json:"href"`
	ID           *string      `json:"id"`
	IsLocal      bool         `json:"is_local"`
	Name         string       `json:"name"`
	Popularity   int          `json:"popularity"`
	PreviewURL   *string      `json:"preview_url"`
	TrackNumber  int          `json:"track_number"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

type showJSON struct {
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	Images       []imageJSON  `json:"images"`
	MediaType    string       `json:"media_type"`
	Name         string       `json:"name"`
	Publisher    string       `json:"publisher"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

type episodeJSON struct {
	Description  string       `json:"description"`
	DurationMS   int64        `json:"duration_ms"`
	Explicit     bool         `json:"explicit"`
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	Images       []imageJSON  `json:"images"`
	Name         string       `json:"name"`
	ReleaseDate  string       `json:"release_date"`
	Show         showJSON     `json:"show"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

// playlistJSON is the currently-playing document for it at progress.
func playlistJSON(it Item, progress time.Duration, playing bool, changed time.Time, episodes bool, base string) currentlyPlayingJSON {
	doc := currentlyPlayingJSON{
		Timestamp:            changed.UnixMilli(),
		ProgressMS:           progress.Milliseconds(),
		CurrentlyPlayingType: "track",
		Actions:              actionsJSON{Disallows: map[string]bool{"resuming": true}},
		IsPlaying:            playing,
	}
	if !playing {
		doc.Actions.Disallows = map[string]bool{"pausing": true}
	}
	switch it.Kind {
	case KindAd:
		doc.CurrentlyPlayingType = "ad"
		doc.Actions.Disallows = map[string]bool{"resuming": true, "seeking": true, "skipping_next": true, "skipping_prev": true}
	case KindEpisode:
		doc.CurrentlyPlayingType = "episode"
		if episodes {
			doc.Item = episodeObject(it, base)
		}
	default:
		doc.Item = trackObject(it, base)
	}
	return doc
}

func trackObject(it Item, base string) trackJSON {
	if it.Local {
		return localTrackObject(it)
	}
	id := spotifyID("track", it.Name, it.Album)
	albumID := spotifyID("album", it.Album)
	album := albumJSON{
		AlbumType:    ptr("album"),
		ExternalURLs: externalURLs{Spotify: "https://open.spotify.com/album/" + albumID},
		Href:         ptr("https://api.spotify.com/v1/albums/" + albumID),
		ID:           ptr(albumID),
		Images:       images(it.Image, base),
		Name:         it.Album,
		Type:         "album",
		URI:          ptr("spotify:album:" + albumID),
	}
	t := trackJSON{
		DiscNumber:   1,
		DurationMS:   it.Duration.Milliseconds(),
		ExternalURLs: externalURLs{Spotify: "https://open.spotify.com/track/" + id},
		Href:         ptr("https://api.spotify.com/v1/tracks/" + id),
		ID:           ptr(id),
		Name:         it.Name,
		Popularity:   42,
		TrackNumber:  1,
		Type:         "track",
		URI:          "spotify:track:" + id,
	}
	for _, name := range it.Artists {
		aid := spotifyID("artist", name)
		a := artistJSON{
			ExternalURLs: externalURLs{Spotify: "https://open.spotify.com/artist/" + aid},
			Href:         ptr("https://api.spotify.com/v1/artists/" + aid),
			ID:           ptr(aid),
			Name:         name,
			Type:         "artist",
			URI:          ptr("spotify:artist:" + aid),
		}
		t.Artists = append(t.Artists, a)
		if len(album.Artists) == 0 {
			album.Artists = append(album.Artists, a)
		}
	}
	t.Album = album
	return t
}

// localTrackObject has the shape of a local file in the fixtures: no ids,
// no links, no art, a spotify:local: URI.
func localTrackObject(it Item) trackJSON {
	t := trackJSON{
		Album:      albumJSON{Artists: []artistJSON{}, Images: []imageJSON{}, Name: it.Album, Type: "album"},
		Artists:    []artistJSON{},
		DurationMS: it.Duration.Milliseconds(),
		IsLocal:    true,
		Name:       it.Name,
		Type:       "track",
	}
	for _, name := range it.Artists {
		t.Artists = append(t.Artists, artistJSON{Name: name, Type: "artist"})
	}
	first := ""
	if len(it.Artists) > 0 {
		first = it.Artists[0]
	}
	t.URI = "spotify:local:" + strings.Join([]string{
		url.QueryEscape(first), url.QueryEscape(it.Album), url.QueryEscape(it.Name),
		strconv.FormatInt(int64(it.Duration/time.Second), 10),
	}, ":")
	return t
}

func episodeObject(it Item, base string) episodeJSON {
	id := spotifyID("episode", it.Name, it.Album)
	showID := spotifyID("show", it.Album)
	publisher := ""
	if len(it.Artists) > 0 {
		publisher = it.Artists[0]
	}
	return episodeJSON{
		Description:  "An episode of " + it.Album + ".",
		DurationMS:   it.Duration.Milliseconds(),
		ExternalURLs: externalURLs{Spotify: "https://open.spotify.com/episode/" + id},
		Href:         "https://api.spotify.com/v1/episodes/" + id,
		ID:           id,
		Images:       images(it.Image, base),
		Name:         it.Name,
		ReleaseDate:  "2026-01-15",
		Show: showJSON{
			ExternalURLs: externalURLs{Spotify: "https://open.spotify.com/show/" + showID},
			Href:         "https://api.spotify.com/v1/shows/" + showID,
			ID:           showID,
			Images:       images(it.Image, base),
			MediaType:    "audio",
			Name:         it.Album,
			Publisher:    publisher,
			Type:         "show",
			URI:          "spotify:show:" + showID,
		},
		Type: "episode",
		URI:  "spotify:episode:" + id,
	}
}

// artSize is the edge of the demo art and the size images[] claims.
const artSize = 300

func images(src, base string) []imageJSON {
	if src == "" {
		return []imageJSON{}
	}
	if strings.HasPrefix(src, "/") {
		src = base + src
	}
	return []imageJSON{{Height: artSize, URL: src, Width: artSize}}
}

// spotifyID makes a stable 22-character base62 ID, the shape of Spotify's.
func spotifyID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	s := new(big.Int).SetBytes(sum[:16]).Text(62)
	return (strings.Repeat("0", 22) + s)[len(s):]
}

func ptr[T any](v T) *T { return &v }
