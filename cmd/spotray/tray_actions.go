package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/atotto/clipboard"

	"github.com/spotray/spotray/internal/login"
	"github.com/spotray/spotray/internal/notify"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
	"github.com/spotray/spotray/internal/tray"
)

// artTimeout bounds the album-art download for a notification: a late
// notification is worse than one with the app icon.
const artTimeout = 5 * time.Second

// connect starts a login in the browser. The menu says it is waiting; the
// outcome arrives as one notification.
func (a *trayApp) connect() {
	if a.state.Connecting {
		return
	}
	a.state.Connecting = true
	a.loginProblem = ""
	o := login.Options{
		Paths:      a.paths,
		Config:     a.cfg,
		ShowDialog: a.loginFailed,
		Out:        lineLog{a.log},
	}
	a.log.Info("login started", "show_dialog", o.ShowDialog)
	a.inBackground(func() func() {
		res, err := login.Run(a.ctx, o)
		return func() { a.loginDone(res, err) }
	})
}

func (a *trayApp) loginDone(res *login.Result, err error) {
	a.state.Connecting = false
	if err != nil {
		if a.ctx.Err() != nil {
			return // quitting
		}
		a.loginFailed = true
		a.loginProblem = loginProblem(err)
		a.log.Warn("login failed", "err", err)
		a.queueNote(notify.Notification{Summary: "Spotify login failed", Body: err.Error()})
		return
	}
	a.loginFailed = false
	a.cfg = res.Config
	a.setConnected(res.Token)
	name := res.Token.User
	if name == "" {
		name = "your Spotify account"
	}
	a.log.Info("login succeeded", "user", res.Token.User)
	a.queueNote(notify.Notification{
		Summary: "Connected to Spotify",
		Body:    fmt.Sprintf("spotray is connected as %s and shows what plays in its menu.", name),
	})
	a.startWatcher()
	a.checkExpiry()
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

// openPlaying opens the current item in Spotify (the web player or the
// app, as the browser decides).
func (a *trayApp) openPlaying() {
	url := a.state.Playback.Item.URL
	if !a.state.Connected || url == "" {
		return
	}
	if err := login.OpenBrowser(url); err != nil {
		a.log.Warn("cannot open the browser", "err", err)
		a.queueNote(notify.Notification{Summary: "Cannot open Spotify", Body: err.Error()})
	}
}

// copyRefreshToken puts the stored refresh token on the clipboard, for a
// script, and says which client ID it belongs to and when it stops working.
func (a *trayApp) copyRefreshToken() {
	if !a.state.Connected {
		return
	}
	a.inBackground(func() func() {
		tok, err := a.store.Load()
		if err == nil {
			err = copyText(tok.RefreshToken)
		}
		return func() {
			if err != nil {
				a.copyFailed("refresh", err)
				return
			}
			a.log.Info("refresh token copied to the clipboard")
			a.queueNote(notify.Notification{
				Summary: "Refresh token copied",
				Body: fmt.Sprintf("Use it with client ID %s. Spotify ends this login on %s. "+
					"While spotray runs, Spotify may replace the token: `spotray refresh-token` prints the current one.",
					tok.ClientID, tok.LoginEndsAt().Local().Format("2 January 2006")),
			})
		}
	})
}

// copyAccessToken puts an access token valid for a while yet on the
// clipboard, refreshing it first if needed.
func (a *trayApp) copyAccessToken() {
	if !a.state.Connected {
		return
	}
	src := a.source()
	a.inBackground(func() func() {
		tok, err := src.Token(a.ctx)
		if err == nil {
			err = copyText(tok.AccessToken)
		}
		return func() {
			if err != nil {
				a.copyFailed("access", err)
				return
			}
			a.log.Info("access token copied to the clipboard", "valid_until", tok.Expiry)
			a.queueNote(notify.Notification{
				Summary: "Access token copied",
				Body: fmt.Sprintf("Valid until %s (%d minutes). `spotray token` prints a fresh one at any time.",
					tok.Expiry.Local().Format("15:04"), int(time.Until(tok.Expiry).Minutes())),
			})
		}
	})
}

// copyText puts text on the clipboard. On Linux that runs a clipboard tool
// (xclip, xsel or wl-copy), a separate process talking to the display
// server, and one attempt fails now and then when the server is busy or a
// clipboard manager takes the selection at that moment: a second attempt
// after a pause succeeds where the user would otherwise click again.
func copyText(text string) error {
	if clipboard.Unsupported {
		return errors.New("no clipboard tool found: install xclip or xsel (X11) or wl-clipboard (Wayland)")
	}
	err := clipboard.WriteAll(text)
	if err != nil {
		time.Sleep(200 * time.Millisecond)
		err = clipboard.WriteAll(text)
	}
	if err != nil {
		return fmt.Errorf("the clipboard tool failed twice: %w", err)
	}
	return nil
}

func (a *trayApp) copyFailed(which string, err error) {
	if a.loginGone(err) {
		return
	}
	a.log.Warn("copy "+which+" token failed", "err", err)
	a.queueNote(notify.Notification{Summary: "Could not copy the " + which + " token", Body: err.Error()})
}

// loginGone handles errors that mean there is no login any more, from
// whichever action met them first, and reports whether err was one.
func (a *trayApp) loginGone(err error) bool {
	switch {
	case errors.Is(err, tokens.ErrLoginEnded), errors.Is(err, spotify.ErrTokenRefused):
		a.loginEnded(err)
	case errors.Is(err, tokens.ErrNotLoggedIn):
		a.loggedOut(err)
	default:
		return false
	}
	return true
}

// loginEnded is Spotify refusing the refresh token (revoked, or six months
// old), or the API refusing even a fresh access token: back to "Connect
// Spotify", with one notification saying why.
func (a *trayApp) loginEnded(err error) {
	if !a.state.Connected {
		return
	}
	a.disconnected()
	a.state.Trouble = playback.Trouble{Kind: playback.LoginEnded, Err: err}
	a.loginFailed = true
	a.log.Warn("Spotify ended the login", "err", err)
	a.queueNote(notify.Notification{
		Summary: "Spotify ended spotray's login",
		Body:    "Click Connect Spotify in spotray's menu to log in again.\n(" + err.Error() + ")",
	})
}

// loggedOut is the stored login disappearing from under the tray, as
// `spotray logout` in a terminal does: the menu follows, quietly.
func (a *trayApp) loggedOut(err error) {
	if !a.state.Connected {
		return
	}
	a.disconnected()
	var corrupt *tokens.CorruptError
	if errors.As(err, &corrupt) {
		a.unusableLogin(corrupt)
		return
	}
	a.log.Info("the stored login is gone", "err", err)
}

// disconnect forgets the login, on request.
func (a *trayApp) disconnect() {
	if !a.state.Connected {
		return
	}
	if err := a.store.Remove(); err != nil {
		a.log.Error("disconnect failed", "err", err)
		a.queueNote(notify.Notification{Summary: "Could not disconnect", Body: err.Error()})
		return
	}
	a.log.Info("disconnected: stored login removed")
	a.disconnected()
}

// disconnected is the state without a login.
func (a *trayApp) disconnected() {
	a.watcher.stop()
	a.state.Connected = false
	a.state.User = ""
	a.state.LoginEndsAt = time.Time{}
	a.state.Playback = playback.Status{}
	a.state.Trouble = playback.Trouble{}
}

func (a *trayApp) toggleNotifications() {
	on := !a.state.Notifications
	a.state.Notifications = on
	a.settings.Notifications = &on
	if err := saveSettings(a.paths.StateDir, a.settings); err != nil {
		a.log.Error("cannot save the Notifications setting", "err", err)
		return
	}
	a.log.Info("notifications switched", "on", on)
}

// toggleAutostart writes or removes the autostart entry and then shows
// what is on disk, which is what matters at the next login.
func (a *trayApp) toggleAutostart() {
	var err error
	if a.state.Autostart {
		err = a.launcher.Disable()
	} else {
		var exe string
		if exe, err = os.Executable(); err == nil {
			err = a.launcher.Enable(exe)
		}
	}
	on, rerr := a.launcher.Enabled()
	if rerr == nil {
		a.state.Autostart = on
	}
	if err = errors.Join(err, rerr); err != nil {
		a.log.Error("cannot change Launch at login", "err", err)
		a.queueNote(notify.Notification{Summary: "Could not change Launch at login", Body: err.Error()})
		return
	}
	a.log.Info("launch at login switched", "on", on)
}

// watcherHandle stops the running playback watcher. Its generation lets
// the loop ignore what a stopped watcher still posts.
type watcherHandle struct {
	w      *playback.Watcher // nil when not running
	stopFn func()
	gen    int
}

func (w *watcherHandle) stop() {
	if w.stopFn != nil {
		w.stopFn()
		w.stopFn = nil
	}
	w.w = nil
	w.gen++
}

func (w *watcherHandle) pollNow() {
	if w.w != nil {
		w.w.PollNow()
	}
}

// startWatcher polls Spotify for the current login, replacing any running
// watcher.
func (a *trayApp) startWatcher() {
	a.watcher.stop()
	ctx, cancel := context.WithCancel(a.ctx)
	a.watcher.stopFn = cancel
	gen := a.watcher.gen
	current := func() bool { return gen == a.watcher.gen }
	w := &playback.Watcher{
		Client:   &spotify.Client{BaseURL: a.cfg.APIURL, Tokens: a.source()},
		Interval: a.cfg.PollInterval,
		Updates: func(u playback.Update) {
			a.post(func() {
				if current() {
					a.update(u)
				}
			})
		},
	}
	a.watcher.w = w
	a.goBackground(func() {
		err := w.Run(ctx)
		a.post(func() {
			// Run returns an error only when this login cannot go on.
			switch {
			case !current() || err == nil:
			case errors.Is(err, tokens.ErrNotLoggedIn):
				a.loggedOut(err)
			default:
				a.loginEnded(err)
			}
		})
	})
}

// update takes one poll's result.
func (a *trayApp) update(u playback.Update) {
	if u.Trouble.Kind != a.state.Trouble.Kind {
		if u.Trouble.Kind == playback.None {
			a.log.Info("Spotify answers again")
		} else {
			a.log.Warn("Spotify trouble", "kind", u.Trouble.Kind.String(), "until", u.Trouble.Until, "err", u.Trouble.Err)
		}
	}
	if u.Trouble.Kind == playback.LoginEnded {
		// Run returns the same error next; it decides the wording.
		return
	}
	a.state.Playback = u.Status
	a.state.Trouble = u.Trouble
	if u.Announce != nil {
		a.log.Debug("new item", "kind", u.Announce.Kind.String(), "notify", a.state.Notifications)
		if a.state.Notifications {
			a.announce(*u.Announce)
		}
	}
}

// checkExpiry announces the coming end of the login, once a day at most.
func (a *trayApp) checkExpiry() {
	if !a.state.Connected {
		return
	}
	now := time.Now()
	if !tray.WarnExpiry(a.state.LoginEndsAt, now, a.settings.ExpiryWarned) {
		return
	}
	summary, body := tray.ExpiryNotice(a.state.LoginEndsAt, now)
	a.log.Info("login ends soon", "at", a.state.LoginEndsAt)
	a.queueNote(notify.Notification{Summary: summary, Body: body})
	a.settings.ExpiryWarned = now
	if err := saveSettings(a.paths.StateDir, a.settings); err != nil {
		a.log.Error("cannot save tray settings", "err", err)
	}
}

// pendingNote is a notification waiting to be sent, with the art to fetch
// for it first.
type pendingNote struct {
	n      notify.Notification
	artURL string
}

// announce sends the notification for a new item, replacing the previous
// one so that skipping through a playlist leaves one on screen.
func (a *trayApp) announce(it playback.Item) {
	summary, body := tray.Announcement(it)
	a.queueNotePending(pendingNote{
		n:      notify.Notification{Summary: summary, Body: body, Replace: true},
		artURL: it.ImageURL,
	})
}

func (a *trayApp) queueNote(n notify.Notification) { a.queueNotePending(pendingNote{n: n}) }

// queueNotePending never blocks the loop: with the notification service
// hanging and the queue full, new notifications are dropped.
func (a *trayApp) queueNotePending(p pendingNote) {
	select {
	case a.notes <- p:
	default:
		a.log.Warn("notification dropped: the notification service is not keeping up", "summary", p.n.Summary)
	}
}

// deliverNotes sends queued notifications in order, fetching album art on
// the way. Notify failures are logged once by notify.Logged.
func (a *trayApp) deliverNotes() {
	for {
		select {
		case <-a.ctx.Done():
			return
		case p := <-a.notes:
			if p.artURL != "" {
				ctx, cancel := context.WithTimeout(a.ctx, artTimeout)
				path, err := a.art.Get(ctx, p.artURL)
				cancel()
				if err != nil {
					a.log.Debug("no album art for the notification", "err", err)
				} else {
					p.n.Icon = path
				}
			}
			a.notifier.Notify(p.n)
		}
	}
}
