//go:build !linux

package trayicon

// takeActivate does nothing: on Windows a left click opens the menu, which
// is what people expect there, and macOS has only the menu.
func takeActivate(func()) {}
