package trayicon

import "log/slog"

// Host is the desktop's side of the tray: what shows the icon.
type Host interface {
	// Missing reports whether nothing can show a tray icon now.
	Missing() (bool, error)
	// KeepRegistered shows the icon on every tray host that starts from
	// now on; call it once the icon exists.
	KeepRegistered(log *slog.Logger) error
	Close() error
}
