package app

import (
	"log/slog"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/hook"
	"github.com/spotray/spotray/internal/mpris"
	"github.com/spotray/spotray/internal/notify"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/settings"
)

// Effect is something Apply asks the world to do. Every effect is one of
// the types in this file; Runner carries each out and reports what the
// app needs to know as an Event.
type Effect interface{ effect() }

// StartLogin starts a login in the browser for Config; LoginFinished
// follows.
type StartLogin struct {
	Config     config.Config
	ShowDialog bool // ask Spotify to show its consent page again
}

// StartWatching starts the playback poller numbered Watch for Config's
// login, stopping any other; it reports as Polled.
type StartWatching struct {
	Watch  int
	Config config.Config
}

// StopWatching stops the playback poller.
type StopWatching struct{}

// PollNow asks the poller for a poll as soon as Spotify allows, After
// from now (0: at once).
type PollNow struct{ After time.Duration }

// HoldPolling stops the poller's calls while a local player shows what
// plays (Poller.Hold).
type HoldPolling struct{}

// ResumePolling hands back to the poller (Poller.Resume): Seen is what the
// local player showed last.
type ResumePolling struct{ Seen playback.Status }

// WakeAt asks for a Woke event at At.
type WakeAt struct{ At time.Time }

// Control carries out a playback action: on the local player Bus over
// MPRIS when Bus is set, else through the Web API for Config's login;
// Controlled follows.
type Control struct {
	Action Action
	Bus    string
	Config config.Config
}

// CheckSaved asks whether URI is in the user's library; SavedKnown follows.
type CheckSaved struct {
	URI    string
	Config config.Config
}

// SetSaved saves URI to the user's library or removes it; SavedKnown
// follows.
type SetSaved struct {
	URI    string
	Saved  bool
	Config config.Config
}

// Export shows remote playback to the desktop as the MPRIS player
// org.mpris.MediaPlayer2.spotray.
type Export struct{ Player mpris.Remote }

// Unexport removes that player, so that no desktop shows one song twice.
type Unexport struct{}

// Notify shows a desktop notification.
type Notify struct{ Note notify.Notification }

// RunHook runs the user's on_change command for an announced item.
type RunHook struct{ Job hook.Job }

// Secret is a token the user can copy.
type Secret uint8

// The tokens.
const (
	// ScriptToken is the refresh token of a new grant made for a script
	// in the browser, never the tray's own: with rotation, two users of
	// one refresh token log each other out.
	ScriptToken Secret = iota
	AccessToken
)

// Copy puts a token on the clipboard: Config's login's access token, or a
// new grant's refresh token; Copied follows.
type Copy struct {
	What   Secret
	Config config.Config
}

// SaveSettings writes the tray settings; a failure is logged.
type SaveSettings struct{ Settings settings.Settings }

// SetAutostart creates (On) or removes the "Launch at login" entry;
// AutostartChanged follows. Was is the state before, kept when the entry
// cannot be read back.
type SetAutostart struct{ On, Was bool }

// RemoveLogin deletes Config's stored login; LoginRemoved follows.
type RemoveLogin struct{ Config config.Config }

// OpenURL opens a link in the browser; OpenFailed follows a failure.
type OpenURL struct{ URL string }

// Log writes a line to spotray's log.
type Log struct {
	Level slog.Level
	Msg   string
	Args  []any // key-value pairs, as for slog
}

// Quit ends the tray.
type Quit struct{}

func (StartLogin) effect()    {}
func (StartWatching) effect() {}
func (StopWatching) effect()  {}
func (PollNow) effect()       {}
func (HoldPolling) effect()   {}
func (ResumePolling) effect() {}
func (WakeAt) effect()        {}
func (Control) effect()       {}
func (CheckSaved) effect()    {}
func (SetSaved) effect()      {}
func (Export) effect()        {}
func (Unexport) effect()      {}
func (Notify) effect()        {}
func (RunHook) effect()       {}
func (Copy) effect()          {}
func (SaveSettings) effect()  {}
func (SetAutostart) effect()  {}
func (RemoveLogin) effect()   {}
func (OpenURL) effect()       {}
func (Log) effect()           {}
func (Quit) effect()          {}
