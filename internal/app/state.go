// Package app is spotray's tray application: one State, the Events that
// happen to it, and Apply, a pure transition that turns an event into the
// next state and the Effects to carry out. Everything the menu and the
// notifications show derives from the State; everything the app does to
// the world is an Effect, carried out by Runner through thin adapters
// (the tray icon, the notification queue, the clipboard, the browser,
// files, the playback poller), whose results come back as events.
//
// Where things go:
//   - a new menu entry: internal/menu (its ID, label and state in Build),
//     then its click here in applyClick;
//   - a new event: a type in events.go, its case in Apply;
//   - a new effect: a type in effects.go, its execution in Runner.perform;
//   - a new notification: its wording in wording.go.
package app

import (
	"strings"
	"time"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/nowplaying"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/settings"
	"github.com/spotray/spotray/internal/spotify"
)

// State is everything the tray shows and decides from. The zero value is
// a tray without a login, configuration or settings; Init makes the first
// real one.
type State struct {
	// Config is the configuration in use: config.toml and the
	// environment, or the defaults while config.toml is broken, with the
	// stored login's client ID when none is configured.
	Config config.Config
	// ConfigProblem and LoginProblem are shown in the menu until what
	// fixes them happens (a restart with a good file; a new login).
	ConfigProblem, LoginProblem string

	Connected  bool // a usable stored login exists
	Connecting bool // a login is waiting for the browser
	Granting   bool // a refresh token for a script is waiting for the browser
	User       string
	// LoginEndsAt is when Spotify ends the login (zero: unknown).
	LoginEndsAt time.Time
	// LoginEnded: Spotify ended the last login; said until the next one.
	LoginEnded bool
	// LoginFailed makes the next login show Spotify's consent page even to
	// a user who consented before, which helps after a failure.
	LoginFailed bool

	Playback playback.Status
	Trouble  playback.Trouble
	// Unwritable is a file the login needs written that cannot be (a
	// read-only or full file system), found in Trouble's error; the poller
	// keeps retrying with backoff. Zero: none.
	Unwritable account.Unwritable

	// Grant is what the login allows, as recorded in token.json.
	Grant spotify.Grant

	// Local is the local player watched over MPRIS (nil: none on the bus).
	Local *LocalPlayer
	// Following: Playback comes from Local, and the poller is held.
	Following bool
	// PausedSince is when Local was first seen paused while followed
	// (zero: not paused). After a poll interval the Web API takes over again.
	PausedSince time.Time
	// Heard is the local announcement in the making: an item Local plays,
	// announced once it has played for playback.Calm.
	Heard Heard
	// Exported is what the desktop was last shown of remote playback over
	// MPRIS (nil: nothing).
	Exported *Export

	// Saved is what the library holds for the current item.
	Saved Saved
	// Pending is a play or pause sent and not yet answered: polls keep
	// its optimistic label until it is.
	Pending *bool
	// Note is the last track-change notification with actions; actions of
	// any other are stale and do nothing.
	Note Note

	Settings  settings.Settings
	Autostart bool // the "Launch at login" entry exists

	// Watch numbers the playback poller now running, so that what an
	// older one still reports is recognised and dropped.
	Watch int
	// Quitting: the tray is shutting down.
	Quitting bool
}

// Heard is an item a local player started, waiting for its announcement.
type Heard struct {
	Key   string    // the item ("" none)
	Since time.Time // when it started
	Done  bool      // announced, or not to be
}

// Saved is whether an item is in the user's library.
type Saved struct {
	URI   string // the item it is about ("" none)
	Saved bool
	Known bool // asked, or set by the user
}

// Note is the track-change notification on screen.
type Note struct {
	Tag  uint64 // its number; 0: none yet
	Live bool   // still on screen, as far as known
	Item playback.Item
}

// View is what the menu shows of s at now.
func (s State) View(now time.Time) menu.View {
	return menu.View{
		Connected:     s.Connected,
		Connecting:    s.Connecting,
		Granting:      s.Granting,
		User:          s.User,
		LoginEndsAt:   s.LoginEndsAt,
		Playback:      s.Playback,
		Trouble:       s.Trouble,
		FileProblem:   unwritableProblem(s.Unwritable),
		LoginEnded:    s.LoginEnded,
		Notifications: s.Settings.NotificationsOn(),
		Autostart:     s.Autostart,
		Local:         s.Following,
		Grant:         s.Grant,
		Saved:         s.Saved.Saved && s.Saved.URI == s.Playback.Item.Key,
		Problem:       joinProblems(s.LoginProblem, s.ConfigProblem),
		Now:           now,
	}
}

// NowPlaying is what `spotray now --follow` readers are told: what plays,
// "nothing" when not connected, and ok false while connected but not yet
// polled, when saying "nothing" would be a guess.
func (s State) NowPlaying() (j nowplaying.JSON, ok bool) {
	if s.Connected && s.Playback.At.IsZero() {
		return nowplaying.JSON{}, false
	}
	return nowplaying.Of(s.Playback), true
}

// Menu is the menu for s at now, as goos (runtime.GOOS) shows it.
func (s State) Menu(now time.Time, goos string) menu.Menu { return menu.Build(s.View(now), goos) }

func joinProblems(ps ...string) string {
	var kept []string
	for _, p := range ps {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "; ")
}
