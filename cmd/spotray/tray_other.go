//go:build !linux

package main

// nativeDesktop is a system whose tray needs nothing checked up front.
type nativeDesktop struct{}

func openDesktop(func(string) string) (desktop, error) { return nativeDesktop{}, nil }

func (nativeDesktop) TrayHostMissing() (bool, error) { return false, nil }
func (nativeDesktop) Close() error                   { return nil }
