package fakespotify

import "time"

// Kind is what a playlist item is, as currently_playing_type says it.
type Kind int

const (
	KindTrack   Kind = iota // a music track
	KindEpisode             // a podcast episode: item is null without additional_types=episode
	KindAd                  // an advertisement: item is always null
)

// Item is one entry of a scripted playlist.
type Item struct {
	Kind     Kind
	Name     string
	Artists  []string // track artists; for an episode the first is the publisher
	Album    string   // album name, or the show name for an episode
	Duration time.Duration
	Local    bool // a local file: no id, no href, a spotify:local: URI, no art
	// Image is the album or episode art URL; a path such as "/demo-art/1.png"
	// is made absolute with the request's host. "" means no images.
	Image string
}

// SetCurrentlyPlaying makes GET /v1/me/player/currently-playing answer 200
// with body, a currently-playing JSON document such as a Fixture. When body
// is an episode and the request lacks additional_types=episode, item is
// served as null, as Spotify does.
func (s *Server) SetCurrentlyPlaying(body []byte) { s.setRaw(body) }

// SetNothingPlaying makes currently-playing answer 204 with an empty body.
func (s *Server) SetNothingPlaying() { s.setNothing() }

// SetPlaylist starts playing items from the first, now, on the server's
// clock. Progress, the current item and timestamp follow the clock; after the
// last item it starts again from the first.
func (s *Server) SetPlaylist(items []Item) { s.setPlaylist(items) }

// Pause pauses the playlist where it is.
func (s *Server) Pause() { s.pause() }

// Resume resumes a paused playlist.
func (s *Server) Resume() { s.resume() }

// Skip moves to the start of the next item.
func (s *Server) Skip() { s.skip() }

// Seek moves to position within the current item.
func (s *Server) Seek(position time.Duration) { s.seek(position) }
