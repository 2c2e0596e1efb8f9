package playback

import (
	"sort"
	"time"

	"github.com/spotray/spotray/internal/spotify"
)

// This file is a simulated Spotify for tests and the benchmark: a timeline
// of what the listener does, answered at any simulated time.

// phase is what the player does during a segment.
type phase uint8

const (
	idle phase = iota // nothing playing: 204
	playing
	paused
	adBreak
)

// simTrack is a track of the simulated library.
type simTrack struct {
	key string
	dur time.Duration
}

// segment is a stretch of time in one phase; for playing and paused the
// track is at offset when the segment starts.
type segment struct {
	start  time.Duration
	phase  phase
	track  simTrack
	offset time.Duration
}

// timeline is a listener's day; times are offsets from its start.
type timeline struct {
	segs []segment
	end  time.Duration
}

func (tl *timeline) add(p phase, tr simTrack, offset, d time.Duration) {
	tl.segs = append(tl.segs, segment{start: tl.end, phase: p, track: tr, offset: offset})
	tl.end += d
}

func (tl *timeline) idle(d time.Duration)                       { tl.add(idle, simTrack{}, 0, d) }
func (tl *timeline) adBreak(d time.Duration)                    { tl.add(adBreak, simTrack{}, 0, d) }
func (tl *timeline) pause(tr simTrack, offset, d time.Duration) { tl.add(paused, tr, offset, d) }

// play plays tr from offset for d (d shorter than the rest of the track
// means the listener moved on early).
func (tl *timeline) play(tr simTrack, offset, d time.Duration) { tl.add(playing, tr, offset, d) }

// segmentAt returns the segment in force at t (the last one after the end).
func (tl *timeline) segmentAt(t time.Duration) segment {
	i := sort.Search(len(tl.segs), func(i int) bool { return tl.segs[i].start > t })
	return tl.segs[max(i-1, 0)]
}

// answer is what Spotify would answer at t, in its own format.
func (tl *timeline) answer(t time.Duration) *spotify.CurrentlyPlaying {
	s := tl.segmentAt(t)
	switch s.phase {
	case idle:
		return nil
	case adBreak:
		p := (t - s.start).Milliseconds()
		return &spotify.CurrentlyPlaying{IsPlaying: true, ProgressMS: &p, Type: "ad"}
	}
	pos := s.offset
	if s.phase == playing {
		pos += t - s.start
	}
	p := pos.Milliseconds()
	return &spotify.CurrentlyPlaying{
		IsPlaying:  s.phase == playing,
		ProgressMS: &p,
		Type:       "track",
		Item: &spotify.Item{Type: "track", Name: s.track.key, URI: "spotify:track:" + s.track.key,
			DurationMS: s.track.dur.Milliseconds(), Artists: []spotify.Artist{{Name: "Artist"}}},
	}
}
