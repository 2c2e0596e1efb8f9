package spotify

// CurrentlyPlaying is the answer of GET /v1/me/player (and of
// /v1/me/player/currently-playing, without the device).
// Only the fields spotray shows are decoded; anything else Spotify adds is
// ignored, so new fields never break polling.
type CurrentlyPlaying struct {
	IsPlaying bool `json:"is_playing"`
	// ProgressMS is nil when Spotify does not know the position (it sends
	// null for some devices and during transitions).
	ProgressMS *int64 `json:"progress_ms"`
	// Timestamp is when the playback state last changed (Unix ms), not when
	// the answer was made, so it cannot date the progress.
	Timestamp int64 `json:"timestamp"`
	// Type is currently_playing_type: "track", "episode", "ad", "unknown"
	// or, in old answers, absent. Callers must accept values not listed.
	Type string `json:"currently_playing_type"`
	// Item is nil for ads, for podcasts when additional_types=episode is not
	// asked for, and whenever Spotify cannot describe what plays.
	Item *Item `json:"item"`
	// Device is where it plays; nil in answers of currently-playing.
	Device *Device `json:"device"`
}

// Device is a Spotify Connect device: a phone, a speaker, a computer.
type Device struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"` // "Computer", "Smartphone", "Speaker", ...
	IsActive bool   `json:"is_active"`
}

// Item is a track or a podcast episode. Local files have a spotify:local:
// URI, no id or links, and often an album without name or images.
type Item struct {
	Type         string       `json:"type"` // "track" or "episode"
	Name         string       `json:"name"`
	URI          string       `json:"uri"`
	IsLocal      bool         `json:"is_local"`
	DurationMS   int64        `json:"duration_ms"`
	Artists      []Artist     `json:"artists"` // tracks only
	Album        *Album       `json:"album"`   // tracks only; may be null
	Show         *Show        `json:"show"`    // episodes only
	Images       []Image      `json:"images"`  // episodes only; tracks have album images
	ExternalURLs ExternalURLs `json:"external_urls"`
}

// Artist is one of a track's artists.
type Artist struct {
	Name string `json:"name"`
}

// Album is the album a track belongs to.
type Album struct {
	Name   string  `json:"name"`
	Images []Image `json:"images"` // largest first, as Spotify sends them
}

// Show is the podcast an episode belongs to.
type Show struct {
	Name      string  `json:"name"`
	Publisher string  `json:"publisher"`
	Images    []Image `json:"images"`
}

// Image is cover art. Width and height are 0 when Spotify sends null.
type Image struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// ExternalURLs holds the links that open an object in Spotify.
type ExternalURLs struct {
	Spotify string `json:"spotify"`
}

// User is the answer of GET /v1/me, reduced to what needs no extra scope.
type User struct {
	ID          string  `json:"id"`
	DisplayName *string `json:"display_name"` // null for some accounts
}

// Name is how to address the user: the display name, else the account id.
func (u *User) Name() string {
	if u.DisplayName != nil && *u.DisplayName != "" {
		return *u.DisplayName
	}
	return u.ID
}
