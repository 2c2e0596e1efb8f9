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
// cover art. It replaces the previous one, so that skipping through a
// playlist leaves one on screen.
func announcement(it playback.Item) notify.Notification {
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
	return notify.Notification{Summary: summary, Body: strings.Join(lines, "\n"), Replace: true, ImageURL: it.ImageURL}
}
