// Package sessionbus opens private connections to the D-Bus session bus.
//
// spotray keeps one connection per job (tray icon, notifications, media
// players) because the shared dbus.SessionBus connection belongs to
// fyne.io/systray, whose panel re-registration stops at the first signal
// it does not expect, and every job here subscribes to signals.
package sessionbus

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

// Private returns a new authenticated connection to the session bus.
// Without a session bus it fails rather than starting one: godbus would
// otherwise run dbus-launch and leave a stray bus daemon behind.
func Private() (*dbus.Conn, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, fmt.Errorf("connect to session bus: %w", err)
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("authenticate to session bus: %w", err)
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("session bus hello: %w", err)
	}
	return conn, nil
}
