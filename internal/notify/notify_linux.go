package notify

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	busName = "org.freedesktop.Notifications"
	objPath = dbus.ObjectPath("/org/freedesktop/Notifications")
	iface   = "org.freedesktop.Notifications"

	// expireTimeout is how long a notification stays up, in milliseconds:
	// long enough to read a title, short enough not to pile up.
	expireTimeout = int32(5000)

	// callTimeout bounds a call to a daemon that is on the bus but hangs.
	// An absent daemon answers with an error at once.
	callTimeout = 5 * time.Second
)

// New returns a Notifier that sends notifications as appName with appIcon
// (the path of the app's PNG icon) whenever a notification has no icon of
// its own. It connects to the session bus lazily, on the first Notify, so a
// missing bus or daemon shows up as a Notify error.
func New(appName, appIcon string) (Notifier, error) {
	abs, err := checkArgs(appName, appIcon)
	if err != nil {
		return nil, err
	}
	return &dbusNotifier{appName: appName, appIcon: abs}, nil
}

// dbusNotifier speaks org.freedesktop.Notifications over a private
// connection. The shared connection of dbus.SessionBus belongs to the tray
// icon: the NotificationClosed signals a daemon sends would reach it and
// stop fyne.io/systray from registering again after a panel restart.
type dbusNotifier struct {
	appName, appIcon string

	mu        sync.Mutex
	conn      *dbus.Conn // nil until the first Notify, and after the bus went away
	capsKnown bool       // markup holds the daemon's answer
	markup    bool       // the daemon renders markup in bodies
	lastID    uint32     // id of the last Replace notification, 0 if none
}

func (d *dbusNotifier) Notify(n Notification) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.connect(); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	body := n.Body
	if d.bodyMarkup(ctx) {
		body = escapeMarkup(body)
	}
	hints := map[string]dbus.Variant{"desktop-entry": dbus.MakeVariant(d.appName)}
	icon := d.appIcon
	if n.Icon != "" {
		abs, err := filepath.Abs(n.Icon)
		if err != nil {
			return fmt.Errorf("notify: icon: %w", err)
		}
		icon = abs
		// image-path is where servers look for a picture belonging to
		// this notification rather than to the app (GNOME Shell shows it
		// large); app_icon carries it too for servers that ignore hints.
		hints["image-path"] = dbus.MakeVariant((&url.URL{Scheme: "file", Path: abs}).String())
	}
	var replaces uint32
	if n.Replace {
		replaces = d.lastID
	}
	var id uint32
	err := d.conn.Object(busName, objPath).CallWithContext(ctx, iface+".Notify", 0,
		d.appName, replaces, icon, n.Summary, body, []string{}, hints, expireTimeout).Store(&id)
	if err != nil {
		d.dropDeadConn()
		return fmt.Errorf("notify: %w", err)
	}
	if n.Replace {
		d.lastID = id
	}
	return nil
}

// connect opens the private connection if there is none.
func (d *dbusNotifier) connect() error {
	if d.conn != nil {
		return nil
	}
	// NoAutoStartup: without a session bus, godbus would otherwise run
	// dbus-launch and leave a stray bus daemon behind.
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return fmt.Errorf("connect to session bus: %w", err)
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return fmt.Errorf("authenticate to session bus: %w", err)
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return fmt.Errorf("session bus hello: %w", err)
	}
	d.conn = conn
	return nil
}

// bodyMarkup reports whether the daemon renders markup in bodies, asking it
// once. The summary is plain text by the specification, so only bodies are
// escaped; escaping for a daemon that shows bodies as they are would show
// "&amp;" to the user.
func (d *dbusNotifier) bodyMarkup(ctx context.Context) bool {
	if d.capsKnown {
		return d.markup
	}
	var caps []string
	if err := d.conn.Object(busName, objPath).CallWithContext(ctx, iface+".GetCapabilities", 0).Store(&caps); err != nil {
		// No answer (no daemon yet): escape, as most daemons render
		// markup, and ask again next time.
		return true
	}
	d.capsKnown, d.markup = true, slices.Contains(caps, "body-markup")
	return d.markup
}

// dropDeadConn forgets a connection the bus has closed, so that the next
// Notify connects again; an error from a live connection (no daemon) keeps
// it.
func (d *dbusNotifier) dropDeadConn() {
	if d.conn != nil && !d.conn.Connected() {
		d.conn.Close()
		d.conn, d.capsKnown = nil, false
	}
}

func (d *dbusNotifier) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn == nil {
		return nil
	}
	err := d.conn.Close()
	d.conn = nil
	if err != nil {
		return fmt.Errorf("close notification connection: %w", err)
	}
	return nil
}

// markupEscaper escapes what the markup subset of the specification gives a
// meaning to. Track and show titles contain "&" and "<" often enough.
var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeMarkup returns s as text that a markup-rendering daemon shows
// literally.
func escapeMarkup(s string) string { return markupEscaper.Replace(s) }
