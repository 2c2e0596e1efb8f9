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

	"github.com/spotray/spotray/internal/sessionbus"
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
	capsKnown bool       // markup and actions hold the daemon's answer
	markup    bool       // the daemon renders markup in bodies
	actions   bool       // the daemon shows actions
	lastID    uint32     // id of the last Replace notification, 0 if none
	invoked   func(Invoked)
	shown     map[uint32]shown // notifications on screen that have actions, by daemon id
}

func (d *dbusNotifier) SetInvoked(f func(Invoked)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.invoked = f
}

func (d *dbusNotifier) Notify(n Notification) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.connect(); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	d.askCapabilities(ctx)
	body := n.Body
	if d.markup {
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
	actions := dbusActions(n, d.actions)
	var id uint32
	err := d.conn.Object(busName, objPath).CallWithContext(ctx, iface+".Notify", 0,
		d.appName, replaces, icon, n.Summary, body, actions, hints, expireTimeout).Store(&id)
	if err != nil {
		d.dropDeadConn()
		return fmt.Errorf("notify: %w", err)
	}
	if n.Replace {
		d.lastID = id
	}
	d.remember(id, n, len(actions) > 0)
	return nil
}

// remember records what notification id now shows. A notification that
// replaced one of another tag took its id: the old one's actions are gone,
// and its caller hears so.
func (d *dbusNotifier) remember(id uint32, n Notification, hasActions bool) {
	if old, ok := d.shown[id]; ok && (!hasActions || old.tag != n.Tag) {
		delete(d.shown, id)
		d.tell(Invoked{Tag: old.tag, Closed: true})
	}
	if hasActions {
		if d.shown == nil {
			d.shown = map[uint32]shown{}
		}
		d.shown[id] = shown{tag: n.Tag, defaultKey: n.Default.Key}
	}
}

// tell reports inv to the SetInvoked function. It is called with d.mu
// held, which keeps reports in the daemon's order: a click comes before
// the NotificationClosed that follows it.
func (d *dbusNotifier) tell(inv Invoked) {
	if f := d.invoked; f != nil {
		f(inv)
	}
}

// listen turns the daemon's signals into Invoked reports until the
// connection closes, which ends every notification's actions.
func (d *dbusNotifier) listen(conn *dbus.Conn, signals <-chan *dbus.Signal) {
	for sig := range signals {
		d.signal(sig)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn == conn || d.conn == nil {
		for id, s := range d.shown {
			delete(d.shown, id)
			d.tell(Invoked{Tag: s.tag, Closed: true})
		}
	}
}

// signal handles one ActionInvoked or NotificationClosed.
func (d *dbusNotifier) signal(sig *dbus.Signal) {
	if sig.Path != objPath || len(sig.Body) < 2 {
		return
	}
	id, ok := sig.Body[0].(uint32)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if sig.Name == iface+".NotificationClosed" && id == d.lastID {
		// Gone from the screen: the next track's notification is a new
		// one rather than an update of a closed one.
		d.lastID = 0
	}
	s, ok := d.shown[id]
	if !ok {
		return
	}
	switch sig.Name {
	case iface + ".ActionInvoked":
		dbusKey, _ := sig.Body[1].(string)
		if key, ok := decodeKey(dbusKey, s); ok {
			d.tell(Invoked{Tag: s.tag, Key: key})
		}
	case iface + ".NotificationClosed":
		delete(d.shown, id)
		d.tell(Invoked{Tag: s.tag, Closed: true})
	}
}

// connect opens the private connection if there is none.
func (d *dbusNotifier) connect() error {
	if d.conn != nil {
		return nil
	}
	conn, err := sessionbus.Private()
	if err != nil {
		return err
	}
	// Only this connection hears the daemon's signals: they tell which
	// action the user chose, and when a notification went away.
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(objPath), dbus.WithMatchInterface(iface)); err != nil {
		conn.Close()
		return fmt.Errorf("listen to notification signals: %w", err)
	}
	signals := make(chan *dbus.Signal, 16)
	conn.Signal(signals)
	go d.listen(conn, signals)
	d.conn = conn
	return nil
}

// askCapabilities learns, once, whether the daemon renders markup in
// bodies and shows actions. The summary is plain text by the
// specification, so only bodies are escaped; escaping for a daemon that
// shows bodies as they are would show "&amp;" to the user. Without an
// answer (no daemon yet) it assumes markup, as most daemons render it, no
// actions, and asks again next time.
func (d *dbusNotifier) askCapabilities(ctx context.Context) {
	if d.capsKnown {
		return
	}
	var caps []string
	if err := d.conn.Object(busName, objPath).CallWithContext(ctx, iface+".GetCapabilities", 0).Store(&caps); err != nil {
		d.markup, d.actions = true, false
		return
	}
	d.capsKnown = true
	d.markup, d.actions = slices.Contains(caps, "body-markup"), slices.Contains(caps, "actions")
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
