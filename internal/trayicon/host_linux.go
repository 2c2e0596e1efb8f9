package trayicon

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/sessionbus"
)

// The panel side of the tray protocol, and where systray exports the icon.
const (
	watcherName = "org.kde.StatusNotifierWatcher"
	watcherPath = "/StatusNotifierWatcher"
	itemPath    = "/StatusNotifierItem"
	itemIface   = "org.kde.StatusNotifierItem" // also the prefix of the item's bus name
)

// dbusHost is the session bus the tray icon lives on.
type dbusHost struct {
	conn *dbus.Conn // the shared session connection, which systray exports the icon on

	mu     sync.Mutex
	watch  *dbus.Conn // private: hears panels start; nil until KeepRegistered
	closed bool
}

// OpenHost makes sure a session bus exists before systray needs one:
// without it systray only logs, and then panics on Quit. godbus would also
// start dbus-launch, leaving a stray bus daemon nobody else can see.
func OpenHost(getenv func(string) string) (Host, error) {
	addr := getenv("DBUS_SESSION_BUS_ADDRESS")
	if addr == "" {
		bus, err := findSessionBus(getenv)
		if err != nil {
			return nil, err
		}
		// godbus reads the process environment, not getenv.
		addr = "unix:path=" + dbus.EscapeBusAddressValue(bus)
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		return nil, fmt.Errorf("cannot reach the D-Bus session bus at %s (%w): the tray icon and notifications "+
			"need the bus of a desktop session", addr, err)
	}
	return &dbusHost{conn: conn}, nil
}

// findSessionBus finds the socket systemd's user session provides when
// the environment does not name a bus.
func findSessionBus(getenv func(string) string) (string, error) {
	candidates := []string{fmt.Sprintf("/run/user/%d/bus", os.Getuid())}
	if dir := getenv("XDG_RUNTIME_DIR"); dir != "" {
		candidates = append(candidates, filepath.Join(dir, "bus"))
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().Type() == os.ModeSocket {
			return c, nil
		}
	}
	return "", errors.New("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and " + candidates[0] +
		" does not exist; the tray icon and notifications need one, so start spotray from your desktop session")
}

// Missing reports whether no panel owns the watcher name, so that the icon
// cannot be shown for now.
func (d *dbusHost) Missing() (bool, error) {
	var has bool
	err := d.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has)
	if err != nil {
		return false, fmt.Errorf("look for a system tray: %w", err)
	}
	return !has, nil
}

// KeepRegistered registers the icon again with every panel that starts
// (a panel restart, or the first panel of a session that had none).
// systray does this itself, but its loop ends for good at the first signal
// it does not expect on its connection, and any program can send one there
// (notification daemons send NotificationClosed to the caller directly).
// This listens on a connection of its own, and registers from systray's
// connection so that the panel sees the same item either way.
func (d *dbusHost) KeepRegistered(log *slog.Logger) error {
	conn, err := sessionbus.Private()
	if err == nil {
		err = conn.AddMatchSignal(
			dbus.WithMatchSender("org.freedesktop.DBus"),
			dbus.WithMatchObjectPath("/org/freedesktop/DBus"),
			dbus.WithMatchInterface("org.freedesktop.DBus"),
			dbus.WithMatchMember("NameOwnerChanged"),
			dbus.WithMatchArg(0, watcherName),
		)
		if err != nil {
			conn.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("watch for panels: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return conn.Close()
	}
	d.watch = conn
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)
	go func() {
		for sig := range signals {
			if sig == nil {
				return
			}
			if len(sig.Body) != 3 {
				continue
			}
			if owner, _ := sig.Body[2].(string); owner == "" {
				continue // the panel left
			}
			call := d.conn.Object(watcherName, watcherPath).Call(watcherName+".RegisterStatusNotifierItem", 0, itemPath)
			if call.Err != nil {
				log.Warn("cannot register the icon with the new panel", "err", call.Err)
				continue
			}
			log.Info("icon registered with a panel that started")
		}
	}()
	return nil
}

// Close stops watching for panels. The shared connection stays for systray,
// which closes it at exit.
func (d *dbusHost) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.watch != nil {
		return d.watch.Close()
	}
	return nil
}
