//go:build !linux

package trayicon

import "log/slog"

// nativeHost is a system whose tray needs nothing checked or watched.
type nativeHost struct{}

// OpenHost returns the system's tray, which is always there.
func OpenHost(func(string) string) (Host, error) { return nativeHost{}, nil }

func (nativeHost) Missing() (bool, error)            { return false, nil }
func (nativeHost) KeepRegistered(*slog.Logger) error { return nil }
func (nativeHost) Close() error                      { return nil }
