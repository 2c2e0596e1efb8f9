package fakespotify

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"
)

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
	Artists  []string      // track artists; for an episode the first is the publisher
	Album    string        // album name, or the show name for an episode
	Duration time.Duration // must be positive; zero or less counts as 30 s
	Local    bool          // a local file: no id, no href, a spotify:local: URI, no art
	// Image is the album or episode art URL; a path such as "/demo-art/1.png"
	// is made absolute with the request's host. "" means no images.
	Image string
}

// SetCurrentlyPlaying makes GET /v1/me/player (with the device) and
// /v1/me/player/currently-playing answer 200
// with body, a currently-playing JSON document such as a Fixture. When body
// is an episode and the request lacks additional_types=episode, item is
// served as null, as Spotify does.
func (s *Server) SetCurrentlyPlaying(body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.player = player{mode: modeRaw, raw: bytes.Clone(body)}
}

// SetNothingPlaying makes currently-playing answer 204 with an empty body.
func (s *Server) SetNothingPlaying() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.player = player{}
}

// SetPlaylist starts playing items from the first, now, on the server's
// clock. Progress, the current item and timestamp follow the clock; after the
// last item it starts again from the first.
func (s *Server) SetPlaylist(items []Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(items) == 0 {
		s.player = player{}
		return
	}
	items = slices.Clone(items)
	for i := range items {
		if items[i].Duration <= 0 {
			items[i].Duration = defaultItemDuration
		}
	}
	s.player = player{mode: modePlaylist, items: items, playing: true, since: s.now()}
}

// Pause pauses the playlist where it is.
func (s *Server) Pause() {
	s.change(func(p *player, now time.Time) {
		if p.playing {
			p.pos, p.playing, p.since = p.progress(now), false, now
		}
	})
}

// Resume resumes a paused playlist.
func (s *Server) Resume() {
	s.change(func(p *player, now time.Time) {
		if !p.playing {
			p.playing, p.since = true, now
		}
	})
}

// Skip moves to the start of the next item.
func (s *Server) Skip() {
	s.change(func(p *player, now time.Time) {
		p.index, p.pos, p.since = (p.index+1)%len(p.items), 0, now
	})
}

// Seek moves to position within the current item.
//
// Pause, Resume, Skip and Seek change only a playlist; they do nothing
// while a raw body or nothing is playing.
func (s *Server) Seek(position time.Duration) {
	s.change(func(p *player, now time.Time) {
		p.pos, p.since = min(max(position, 0), p.items[p.index].Duration), now
		p.settle(now)
	})
}

// playMode is what currently-playing serves.
type playMode int

const (
	modeNothing  playMode = iota // 204
	modeRaw                      // a JSON document set by the test
	modePlaylist                 // the scripted playlist, following the clock
)

// player is the playback state; the Server's mutex guards it.
type player struct {
	mode    playMode
	raw     []byte
	items   []Item
	index   int
	playing bool
	pos     time.Duration // position at since
	since   time.Time     // last change: start, pause, resume, skip, seek, next item
}

// defaultItemDuration replaces a non-positive Item.Duration, so a playlist
// always advances.
const defaultItemDuration = 30 * time.Second

// change applies f to a playlist brought up to now; without a playlist it
// does nothing.
func (s *Server) change(f func(p *player, now time.Time)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.player.mode != modePlaylist {
		return
	}
	now := s.now()
	s.player.settle(now)
	f(&s.player, now)
}

// progress is the position in the current item at now (settled).
func (p *player) progress(now time.Time) time.Duration {
	if !p.playing {
		return p.pos
	}
	return p.pos + now.Sub(p.since)
}

// settle moves a playing playlist on to the item that plays at now, which
// then counts as having changed when it started.
func (p *player) settle(now time.Time) {
	if !p.playing || p.progress(now) < p.items[p.index].Duration {
		return
	}
	start := p.since.Add(-p.pos).Add(p.items[p.index].Duration) // when the next item started
	p.index = (p.index + 1) % len(p.items)
	var cycle time.Duration
	for _, it := range p.items {
		cycle += it.Duration
	}
	if laps := now.Sub(start) / cycle; laps > 0 { // long clock jumps: skip whole rounds
		start = start.Add(laps * cycle)
	}
	for d := p.items[p.index].Duration; !now.Before(start.Add(d)); d = p.items[p.index].Duration {
		start = start.Add(d)
		p.index = (p.index + 1) % len(p.items)
	}
	p.pos, p.since = 0, start
}

// currentlyPlaying is the response body at now, nil for 204. base is the
// server's URL, for art paths.
func (p *player) currentlyPlaying(now time.Time, episodes bool, base string) []byte {
	switch p.mode {
	case modeRaw:
		if episodes {
			return p.raw
		}
		return hideEpisode(p.raw)
	case modePlaylist:
		p.settle(now)
		b, err := json.Marshal(playlistJSON(p.items[p.index], p.progress(now), p.playing, p.since, episodes, base))
		if err != nil { // fixed shapes only
			return nil
		}
		return b
	}
	return nil
}

// hideEpisode sets item to null in an episode document, as Spotify does for
// clients that did not ask for additional_types=episode. Anything it cannot
// parse is served unchanged: tests may set broken bodies on purpose.
func hideEpisode(raw []byte) []byte {
	var doc map[string]json.RawMessage
	if json.Unmarshal(raw, &doc) != nil || string(doc["currently_playing_type"]) != `"episode"` {
		return raw
	}
	doc["item"] = json.RawMessage("null")
	b, err := json.Marshal(doc)
	if err != nil {
		return raw
	}
	return b
}
