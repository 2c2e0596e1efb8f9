// Package autostart makes spotray start when the user logs in, in the way
// each desktop expects: an XDG autostart entry on Linux and the BSDs, a
// LaunchAgent on macOS, a Run registry value on Windows.
package autostart

// Enabled reports whether spotray starts at login. On Linux an autostart
// entry switched off by desktop settings (Hidden=true or
// X-GNOME-Autostart-enabled=false) counts as not enabled.
func Enabled() (bool, error) { return enabled() }

// Enable makes exe, the absolute path of the spotray executable, start at
// login (with no arguments: the tray).
func Enable(exe string) error { return enable(exe) }

// Disable stops spotray from starting at login. It is not an error if it
// was not enabled.
func Disable() error { return disable() }
