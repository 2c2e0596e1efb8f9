package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

const (
	runKey   = `Software\Microsoft\Windows\CurrentVersion\Run`
	runValue = "spotray"
)

// openRun opens the Run key; errors wrap registry.ErrNotExist when it is
// missing, which a fresh profile may do.
func openRun(access uint32) (registry.Key, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, access)
	if err != nil {
		return 0, fmt.Errorf(`autostart: open HKCU\%s: %w`, runKey, err)
	}
	return k, nil
}

func enabled() (bool, error) {
	k, err := openRun(registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer k.Close()
	_, _, err = k.GetStringValue(runValue)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("autostart: read %s: %w", runValue, err)
	}
	return true, nil
}

func enable(exe string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf(`autostart: open HKCU\%s: %w`, runKey, err)
	}
	defer k.Close()
	if err := k.SetStringValue(runValue, runCommand(exe)); err != nil {
		return fmt.Errorf("autostart: write %s: %w", runValue, err)
	}
	return nil
}

func disable() error {
	k, err := openRun(registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(runValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("autostart: remove %s: %w", runValue, err)
	}
	return nil
}
