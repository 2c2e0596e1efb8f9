// Package notify shows desktop notifications for spotray. On Linux it talks to
// org.freedesktop.Notifications itself, over a private session-bus connection,
// so that track changes replace each other instead of stacking up and so that
// notification signals never reach the connection the tray icon relies on.
// Elsewhere it uses github.com/gen2brain/beeep.
package notify

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// Notification is one message for the user.
type Notification struct {
	// Summary is the first line, shown as plain text.
	Summary string
	// Body is the detail text, plain text: characters the server would read
	// as markup are escaped by the Notifier.
	Body string
	// Icon is the path of a PNG file (album art), or "" for the app icon.
	Icon string
	// ImageURL is an http(s) picture for the notification (album art): a
	// Queue fetches it into Icon before sending. Notifiers ignore it.
	ImageURL string
	// Replace makes the notification take the place of the previous one that
	// had Replace set, if it is still shown, so a run of track changes leaves
	// one notification on screen.
	Replace bool
	// Tag is the caller's identity for this notification: Invoked events
	// carry it back. It matters only with Actions or Default.
	Tag uint64
	// Actions are buttons on the notification, shown only by servers that
	// advertise the "actions" capability (not at all on Windows and macOS).
	Actions []Action
	// Default is what clicking the notification body means; Key "" for
	// nothing. Its Label names it where a server lists actions in a menu.
	Default Action
}

// Action is one choice offered on a notification.
type Action struct {
	// Key is the caller's own, opaque name for the action.
	Key string
	// Label is plain text for the button, cut to a short line.
	Label string
}

// Invoked reports that the user chose an action of a shown notification, or
// that a notification's actions are gone.
type Invoked struct {
	// Tag is the Notification.Tag of the notification concerned.
	Tag uint64
	// Key is the chosen Action.Key; "" when Closed.
	Key string
	// Closed means the notification is gone (closed, expired, replaced by
	// one with another Tag, or lost with the session bus): none of its
	// actions can be invoked any more.
	Closed bool
}

// Notifier delivers notifications. Implementations are safe for concurrent use.
type Notifier interface {
	// Notify shows n. It returns an error when no notification service
	// answers; it does not retry.
	Notify(n Notification) error
	// SetInvoked sets the function told of chosen actions and closed
	// notifications; call it once, before the first Notify. f is called
	// in order, from the notifier's own goroutines and with the notifier
	// locked: it must not call Notify. Where actions are not supported f
	// is never called.
	SetInvoked(f func(Invoked))
	// Close releases the connection to the notification service.
	Close() error
}

// logged is a Notifier that reports a failing notification service once per
// run of failures rather than on every track change.
type logged struct {
	next   Notifier
	log    *slog.Logger
	mu     sync.Mutex
	failed bool
}

// Logged wraps n so that the first failure of a run of failures is logged at
// Warn level and the first success after failures at Info level; failures in
// between are not logged. The error is still returned, so callers can show
// state, but they should not log it again.
func Logged(n Notifier, log *slog.Logger) Notifier {
	return &logged{next: n, log: log}
}

func (l *logged) Notify(n Notification) error {
	err := l.next.Notify(n)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case err != nil && !l.failed:
		l.failed = true
		l.log.Warn("desktop notifications unavailable; not reporting further failures until one succeeds", "err", err)
	case err == nil && l.failed:
		l.failed = false
		l.log.Info("desktop notifications work again")
	}
	return err
}

func (l *logged) SetInvoked(f func(Invoked)) { l.next.SetInvoked(f) }

func (l *logged) Close() error { return l.next.Close() }

// checkArgs validates New's arguments and returns the app icon as an
// absolute path: notification daemons do not share our working directory.
func checkArgs(appName, appIcon string) (string, error) {
	if appName == "" {
		return "", errors.New("notifier: empty app name")
	}
	if appIcon == "" {
		return "", errors.New("notifier: empty app icon path")
	}
	abs, err := filepath.Abs(appIcon)
	if err != nil {
		return "", fmt.Errorf("notifier: app icon: %w", err)
	}
	return abs, nil
}

// WriteAppIcon puts the app icon (PNG data) in dir, where notification
// daemons can read it: they take a file path, not image data. It writes
// only when the file differs.
func WriteAppIcon(dir string, png []byte) (string, error) {
	path := filepath.Join(dir, "spotray.png")
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, png) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("app icon: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", fmt.Errorf("app icon: %w", err)
	}
	return path, nil
}
