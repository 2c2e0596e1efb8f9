package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/login"
	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/notify"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

// This file holds the words the app composes for the user: every
// notification, and the problems the menu shows in a line. The menu's own
// labels are in package menu.

// trayHostFix says how to get a tray on desktops that have none.
const trayHostFix = "On GNOME, install the \"AppIndicator and KStatusNotifierItem Support\" extension; " +
	"other desktops need a panel with a system tray (StatusNotifierItem) area."

func noTrayHostNote() notify.Notification {
	return notify.Notification{
		Summary: "spotray's icon cannot be shown",
		Body:    "No system tray is running. " + trayHostFix + " spotray keeps running; its icon appears as soon as a tray starts.",
	}
}

func configNote(err error) notify.Notification {
	return notify.Notification{
		Summary: "spotray cannot use its settings",
		Body:    err.Error() + "\nspotray runs on its defaults until the file is fixed, then restarted.",
	}
}

// configProblem words a configuration error for the menu, which has no room
// for the file's full path.
func configProblem(err error) string {
	var fe *config.FileError
	if errors.As(err, &fe) {
		if fe.Line > 0 {
			return fmt.Sprintf("config.toml line %d: %s", fe.Line, fe.Msg)
		}
		return "config.toml: " + fe.Msg
	}
	return err.Error()
}

func unusableLoginNote(corrupt *tokens.CorruptError) notify.Notification {
	return notify.Notification{
		Summary: "spotray cannot use its stored login",
		Body: fmt.Sprintf("The login file could not be read (%v); it was kept aside at %s. "+
			"Click Connect Spotify in spotray's menu to log in again.", corrupt.Err, corrupt.Path),
	}
}

// Problems with the stored login, for the menu.
const (
	problemUnusableLogin = "The stored login was unusable: connect again"
	problemOtherApp      = "The stored login is for another Spotify app: connect again"
	problemUnreadable    = "Cannot read the stored login: see the log"
)

func loginFailedNote(err error) notify.Notification {
	return notify.Notification{Summary: "Spotify login failed", Body: err.Error()}
}

// loginProblem is a failed login in the few words the menu has room for;
// the notification and the log carry the whole message.
func loginProblem(err error) string {
	switch {
	case errors.Is(err, login.ErrDeclined):
		return "Not connected: access declined on Spotify's page"
	case errors.Is(err, login.ErrTimeout):
		return "Login timed out: nothing came back from the browser"
	case errors.Is(err, login.ErrNotAllowed):
		return "Login failed: this account may not use the Spotify app"
	case errors.Is(err, login.ErrPortUnavailable):
		return "Login failed: the callback port is in use"
	}
	return "Login failed: see the notification or the log"
}

func connectedNote(user string) notify.Notification {
	if user == "" {
		user = "your Spotify account"
	}
	return notify.Notification{
		Summary: "Connected to Spotify",
		Body:    fmt.Sprintf("spotray is connected as %s and shows what plays in its menu.", user),
	}
}

func loginEndedNote(err error) notify.Notification {
	return notify.Notification{
		Summary: "Spotify ended spotray's login",
		Body:    "Click Connect Spotify in spotray's menu to log in again.\n(" + err.Error() + ")",
	}
}

func openFailedNote(err error) notify.Notification {
	return notify.Notification{Summary: "Cannot open Spotify", Body: err.Error()}
}

func copiedNote(c Copied, now time.Time) notify.Notification {
	if c.What == ScriptToken {
		how := "Your app has a client secret: refresh with HTTP Basic (client ID and secret), as the tutorials do."
		if !c.WithSecret {
			how = "Refresh with client_id in the form and no secret, and save the new refresh token of every answer. " +
				"For a website that cannot save it, use an app with a client secret."
		}
		return notify.Notification{
			Summary: "Refresh token for a script copied",
			Body: fmt.Sprintf("A separate login for client ID %s, which spotray never uses. %s "+
				"Spotify ends it on %s. The README shows the curl command.",
				c.ClientID, how, c.LoginEndsAt.In(now.Location()).Format("2 January 2006")),
		}
	}
	return notify.Notification{
		Summary: "Access token copied",
		Body: fmt.Sprintf("Valid until %s (%d minutes). `spotray token` prints a fresh one at any time.",
			c.ValidUntil.In(now.Location()).Format("15:04"), int(c.ValidUntil.Sub(now).Minutes())),
	}
}

// secretName names a token in messages.
func secretName(s Secret) string {
	if s == ScriptToken {
		return "refresh token for a script"
	}
	return "access token"
}

func copyFailedNote(what Secret, err error) notify.Notification {
	body := err.Error()
	if u, ok := account.FileTrouble(err); ok {
		body = unwritableText(u) + ".\n(" + body + ")"
	}
	return notify.Notification{Summary: "Could not copy the " + secretName(what), Body: body}
}

// unwritableProblem names a file system that refuses spotray's writes and
// its fix, in the menu's two lines; zero for none.
func unwritableProblem(u account.Unwritable) menu.FileProblem {
	var fix string
	switch u.Reason {
	case account.ReadOnly:
		fix = "Read-only file system: make it writable"
	case account.Full:
		fix = "No space left on the disk: free some space"
	case account.NotPermitted:
		fix = "Permission denied: give your user write access"
	default:
		return menu.FileProblem{}
	}
	return menu.FileProblem{Where: "spotray cannot write to " + u.Dir, Fix: fix}
}

// unwritableText is unwritableProblem in one sentence, for the log and
// notifications.
func unwritableText(u account.Unwritable) string {
	p := unwritableProblem(u)
	return p.Where + ": " + strings.ToLower(p.Fix[:1]) + p.Fix[1:]
}

func disconnectFailedNote(err error) notify.Notification {
	return notify.Notification{Summary: "Could not disconnect", Body: err.Error()}
}

func autostartFailedNote(err error) notify.Notification {
	return notify.Notification{Summary: "Could not change Launch at login", Body: err.Error()}
}

// expiryNote announces the end of the login.
func expiryNote(ends, now time.Time) notify.Notification {
	days, _ := menu.LoginExpiry(ends, now)
	return notify.Notification{
		Summary: "Spotify login: " + menu.ExpiryPhrase(days),
		Body: fmt.Sprintf("Spotify ends spotray's login on %s. Click \"Log in again now\" in spotray's menu to keep it working.",
			ends.In(now.Location()).Format("Mon 2 Jan 15:04")),
	}
}

// announcement is the notification for a new item: the title as summary,
// artists and album (or the show) as body, each on its own line, with the
// cover art and the buttons keys asks for; clicking it opens the item. It
// replaces the previous one, so that skipping through a playlist leaves
// one on screen.
func announcement(it playback.Item, tag uint64, keys []string) notify.Notification {
	summary := it.Title
	var lines []string
	if it.Kind == playback.Track {
		if a := strings.Join(it.Artists, ", "); a != "" {
			lines = append(lines, a)
		}
	}
	if it.Album != "" {
		lines = append(lines, it.Album)
	}
	if summary == "" {
		summary = "Now playing"
	}
	n := notify.Notification{Summary: summary, Body: strings.Join(lines, "\n"), Replace: true, ImageURL: it.ImageURL, Tag: tag}
	if it.URL != "" {
		n.Default = notify.Action{Key: noteOpen, Label: "Open in Spotify"}
	}
	for _, k := range keys {
		n.Actions = append(n.Actions, notify.Action{Key: k, Label: noteLabel(k, it)})
	}
	return n
}

// noteLabel is the button for a notification action on it.
func noteLabel(key string, it playback.Item) string {
	switch key {
	case noteNext:
		return "Next"
	case noteSave:
		if it.Kind == playback.Episode {
			return "Save to Your Episodes"
		}
		return "Save to Liked Songs"
	case noteRemove:
		if it.Kind == playback.Episode {
			return "Remove from Your Episodes"
		}
		return "Remove from Liked Songs"
	}
	return key
}

// reconsentNote answers the desktop's media controls for a login made
// before spotray asked to control playback.
func reconsentNote() notify.Notification {
	return notify.Notification{Summary: "Spotify cannot be controlled yet",
		Body: "spotray's login predates playback controls. Choose \u201c" + menu.Reconsent + "\u201d in its menu."}
}

// controlFailedNote says why a playback action did not happen, and what
// would make it work.
func controlFailedNote(a Action, err error) notify.Notification {
	return notify.Notification{Summary: "Could not " + actionVerb(a), Body: spotifyRefusal(err)}
}

func likeFailedNote(saved bool, err error) notify.Notification {
	summary := "Could not remove it from your library"
	if saved {
		summary = "Could not save it to your library"
	}
	return notify.Notification{Summary: summary, Body: spotifyRefusal(err)}
}

func actionVerb(a Action) string {
	switch a {
	case Play:
		return "play"
	case Pause:
		return "pause"
	case Next:
		return "skip to the next track"
	case Previous:
		return "go back to the previous track"
	}
	return "play or pause"
}

// spotifyRefusal words why Spotify or the local player refused an action,
// with the fix: Spotify's reasons are codes, not sentences.
func spotifyRefusal(err error) string {
	var apiErr *spotify.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.Reason == spotify.ReasonPremiumRequired:
			return "Spotify lets only Premium accounts control playback from other apps. " +
				"Use the Spotify app, or a local player spotray follows, to control it."
		case apiErr.Reason == spotify.ReasonNoActiveDevice:
			return "No device is playing Spotify right now. Start playing on one (phone, computer or speaker), then try again."
		case spotify.ScopeMissing(apiErr):
			return "This login does not allow it. Click \"" + menu.Reconsent + "\" in spotray's menu."
		case apiErr.Status == 429:
			return apiErr.Error() + "."
		}
		return "Spotify refused: " + apiErr.Message + "."
	}
	return err.Error()
}
