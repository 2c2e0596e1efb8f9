//go:build darwin

package autostart

import "errors"

func enabled() (bool, error) { return false, errors.New("TODO") }
func enable(exe string) error { return errors.New("TODO") }
func disable() error          { return errors.New("TODO") }
