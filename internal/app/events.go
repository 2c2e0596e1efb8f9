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

// Clicked: the user clicked a menu entry of a menu that showed Shown.
type Clicked struct {
	Item  menu.ID
	Shown menu.Target
}

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

// LocalChanged: the local player the tray watches over MPRIS changed, came
// or went (Player nil: none of the players in Config.LocalPlayers is on
// the bus).
type LocalChanged struct{ Player *LocalPlayer }

// Woke: a time a WakeAt effect asked for has come.
type Woke struct{}

// Activated: the tray icon itself was clicked, on panels that open the
// menu with the other button.
type Activated struct{}

// Commanded: the desktop's media controls asked the player spotray exports
// for remote playback to act.
type Commanded struct{ Action Action }

// Controlled: a Control effect ended.
type Controlled struct {
	Action Action
	Local  bool // it went to the local player, not the Web API
	Err    error
}

// SavedKnown: a CheckSaved or SetSaved effect ended; Saved is what the
// library holds for URI when Err is nil.
type SavedKnown struct {
	URI   string
	Saved bool
	Set   bool // from SetSaved (a failure rolls the label back)
	Err   error
}

// NoteAction: the user clicked an action of a notification, or (Key
// "" and Closed) the notification went away with its actions.
type NoteAction struct {
	Tag    uint64
	Key    string
	Closed bool
}

func (Clicked) event()          {}
func (MenuOpened) event()       {}
func (Polled) event()           {}
func (LoginFinished) event()    {}
func (Copied) event()           {}
func (LoginRemoved) event()     {}
func (AutostartChanged) event() {}
func (OpenFailed) event()       {}
func (MinutePassed) event()     {}
func (LocalChanged) event()     {}
func (Woke) event()             {}
func (Activated) event()        {}
func (Commanded) event()        {}
func (Controlled) event()       {}
func (SavedKnown) event()       {}
func (NoteAction) event()       {}
