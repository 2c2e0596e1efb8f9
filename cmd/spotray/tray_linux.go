package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/godbus/dbus/v5"
)

// watcherName is the bus name of the panel side of the tray protocol.
const watcherName = "org.kde.StatusNotifierWatcher"

// dbusDesktop is the session bus the tray icon lives on.
type dbusDesktop struct {
	conn *dbus.Conn // the shared session connection systray uses too
}

// openDesktop makes sure a session bus exists before systray needs one:
// without it systray only logs, and then panics on Quit. godbus would also
// start dbus-launch, leaving a stray bus daemon nobody else can see.
func openDesktop(getenv func(string) string) (desktop, error) {
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
	return &dbusDesktop{conn: conn}, nil
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

// TrayHostMissing reports whether no panel owns the watcher name, so that
// the icon cannot be shown for now.
func (d *dbusDesktop) TrayHostMissing() (bool, error) {
	var has bool
	err := d.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has)
	if err != nil {
		return false, fmt.Errorf("look for a system tray: %w", err)
	}
	return !has, nil
}

// Close leaves the shared connection to systray, which closes it at exit.
func (d *dbusDesktop) Close() error { return nil }
