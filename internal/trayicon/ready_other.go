//go:build !windows

package trayicon

// setBeforeReady is true on Linux and macOS: there systray records the icon
// and the tooltip for the item it exports, and runs the ready callback on a
// goroutine of its own that races with that export, so a value set in the
// callback can miss it and never be shown.
const setBeforeReady = true
