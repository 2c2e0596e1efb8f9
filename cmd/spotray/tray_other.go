//go:build !linux

package main

import "log/slog"

// nativeDesktop is a system whose tray needs nothing checked or watched.
type nativeDesktop struct{}

func openDesktop(func(string) string) (desktop, error) { return nativeDesktop{}, nil }

func (nativeDesktop) TrayHostMissing() (bool, error)        { return false, nil }
func (nativeDesktop) KeepIconRegistered(*slog.Logger) error { return nil }
func (nativeDesktop) Close() error                          { return nil }
