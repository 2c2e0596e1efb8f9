package app

import (
	"log/slog"
	"reflect"
	"time"

	"github.com/spotray/spotray/internal/mpris"
	"github.com/spotray/spotray/internal/playback"
)

// LocalPlayer is a local MPRIS player as the tray reads it.
type LocalPlayer struct {
	Bus string // its bus name, which takes its commands
	// Status is what it plays (playback.FromPlayer), At when it said so.
	Status playback.Status
	// Usable: Status can be shown. A player that is stopped, has no
	// metadata yet, or controls another device (Spotify Connect leaves
	// its metadata empty) is not, and the Web API says what plays.
	Usable bool
}

// Local is the local player p as the app sees it at at; nil for nil (no
// watched player on the bus).
func Local(p *mpris.Player, at time.Time) *LocalPlayer {
	if p == nil {
		return nil
	}
	st, ok := playback.FromPlayer(*p, at)
	return &LocalPlayer{Bus: p.Bus, Status: st, Usable: ok}
}

// pauseHold is how long a paused local player keeps the Web API quiet:
// a pause that lasts may mean playback moved to another device, which
// only the Web API can tell. It is the poll interval, so the Web API
// takes over within one.
func pauseHold(s State) time.Duration { return playback.ClampInterval(s.Config.PollInterval) }

// localChanged takes the local player's news.
func localChanged(s State, p *LocalPlayer, now time.Time) (State, []Effect) {
	s.Local = p
	return follow(s, now)
}

// follow decides whether the menu follows the local player or the Web
// API, and carries the change out. Called after every local change and
// Woke, it also announces the local player's items once they settle.
func follow(s State, now time.Time) (State, []Effect) {
	var fx []Effect
	want := s.Connected && s.Local != nil && s.Local.Usable
	if want && s.Local.Status.Playing {
		s.PausedSince = time.Time{}
	} else if want {
		if s.PausedSince.IsZero() {
			s.PausedSince = now
		}
		if hold := s.PausedSince.Add(pauseHold(s)); now.Before(hold) {
			fx = append(fx, WakeAt{hold})
		} else {
			want = false
		}
	}
	switch {
	case want && !s.Following:
		s.Following = true
		// The item the Web API showed is not new to the user, nor is the
		// one the local player plays when first heard: the tray's first
		// poll may have beaten it by a moment, and the item playing at
		// start is never announced.
		seen := s.Playback.Item.Key
		if s.Playback.At.IsZero() || s.Heard == (Heard{}) {
			seen = s.Local.Status.Item.Key
		}
		s.Heard = Heard{Key: seen, Done: true}
		fx = append(fx, HoldPolling{}, logf(slog.LevelInfo, "following the local player", "bus", s.Local.Bus))
	case !want && s.Following:
		s.Following = false
		s.PausedSince = time.Time{}
		fx = append(fx, ResumePolling{Seen: s.Playback}, logf(slog.LevelInfo, "following Spotify's Web API"))
	}
	if !s.Following {
		return exportRemote(s, fx)
	}
	prev := s.Playback.Item.Key
	s.Playback = s.Local.Status
	if s.Pending != nil {
		// A local player answers at once: its own word settles it.
		s.Pending = nil
	}
	s, more := heard(s, now)
	fx = append(fx, more...)
	s, more = itemChanged(s, prev)
	fx = append(fx, more...)
	return exportRemote(s, fx)
}

// heard announces what the local player plays once it has played for
// playback.Calm, as the Web API path does: skipping through tracks does
// not leave a notification for each.
func heard(s State, now time.Time) (State, []Effect) {
	it := s.Playback.Item
	if it.Kind != playback.Track && it.Kind != playback.Episode {
		return s, nil
	}
	if it.Key != s.Heard.Key {
		s.Heard = Heard{Key: it.Key, Since: now}
	}
	if s.Heard.Done || !s.Playback.Playing {
		return s, nil
	}
	if due := s.Heard.Since.Add(playback.Calm); now.Before(due) {
		return s, []Effect{WakeAt{due}}
	}
	s.Heard.Done = true
	return announce(s, it, s.Playback)
}

// exportRemote shows remote playback to the desktop, or stops: only
// while Spotify plays somewhere that no local player shows.
func exportRemote(s State, fx []Effect) (State, []Effect) {
	if remote(s) {
		e := Export{remotePlayer(s.Playback)}
		if s.Exported == nil || !sameExport(*s.Exported, e) {
			s.Exported = &e
			fx = append(fx, e)
		}
		return s, fx
	}
	if s.Exported != nil {
		s.Exported = nil
		fx = append(fx, Unexport{})
	}
	return s, fx
}

// remotePlayer is what the exported MPRIS player shows of st.
func remotePlayer(st playback.Status) mpris.Remote {
	it := st.Item
	r := mpris.Remote{Identity: "Spotify on " + st.Device, Status: "Paused", Position: st.Progress,
		Meta: mpris.Metadata{TrackID: string(mpris.TrackPath(it.Key)), Title: it.Title, Artists: it.Artists,
			Album: it.Album, ArtURL: it.ImageURL, URL: it.URL, Length: it.Duration}}
	if it.Kind == playback.Ad {
		r.Meta.Title = it.String()
	}
	if st.Playing {
		r.Status = "Playing"
	}
	return r
}

// sameExport reports whether b would show the desktop what a shows: the
// position alone moving on is no news (players extrapolate it).
func sameExport(a, b Export) bool {
	a.Player.Position, b.Player.Position = 0, 0
	return reflect.DeepEqual(a, b)
}

// remote reports whether the Web API says something plays on a device
// (which local players never name) that no local player shows.
func remote(s State) bool {
	p := s.Playback
	if !s.Connected || s.Following || p.Device == "" || p.Item.Kind == playback.Nothing {
		return false
	}
	// A paused local player that the Web API took over from still shows
	// its item on the desktop.
	return s.Local == nil || !s.Local.Usable || s.Local.Status.Item.Key != p.Item.Key
}
