package app

import (
	"time"

	"github.com/spotray/spotray/internal/login"
	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/playback"
)

// Event is something that happened to the tray: a click, a poll's result,
// a finished login, a minute passing. Every event is one of the types in
// this file.
type Event interface{ event() }

// Clicked: the user clicked a menu entry.
type Clicked struct{ Item menu.ID }

// MenuOpened: the panel opened the menu.
type MenuOpened struct{}

// Polled: the playback poller numbered Watch reported a poll.
type Polled struct {
	Watch  int
	Update playback.Update
}

// LoginFinished: a login started by StartLogin ended.
type LoginFinished struct {
	Result *login.Result // nil when Err is set
	Err    error
}

// Copied: a Copy effect ended; the dates say what the copied token is good
// for.
type Copied struct {
	What        Secret
	ClientID    string    // the grant's client ID (refresh token)
	WithSecret  bool      // the app has a client secret: refresh with HTTP Basic (refresh token)
	LoginEndsAt time.Time // when Spotify ends the grant (refresh token)
	ValidUntil  time.Time // the access token's expiry (access token)
	Err         error
}

// LoginRemoved: a RemoveLogin effect ended.
type LoginRemoved struct{ Err error }

// AutostartChanged: a SetAutostart effect ended; On is what is on disk now.
type AutostartChanged struct {
	On  bool
	Err error
}

// OpenFailed: an OpenURL effect could not start a browser.
type OpenFailed struct{ Err error }

// MinutePassed: a minute went by (the login's coming end is checked).
type MinutePassed struct{}

func (Clicked) event()          {}
func (MenuOpened) event()       {}
func (Polled) event()           {}
func (LoginFinished) event()    {}
func (Copied) event()           {}
func (LoginRemoved) event()     {}
func (AutostartChanged) event() {}
func (OpenFailed) event()       {}
func (MinutePassed) event()     {}
