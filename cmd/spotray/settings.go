package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spotray/spotray/internal/atomicfile"
)

// settingsFile holds what the tray remembers between runs that the user
// changes with a click rather than in config.toml.
const settingsFile = "settings.json"

// traySettings is settings.json.
type traySettings struct {
	// Notifications is the "Notifications" checkbox. A pointer so that an
	// absent field means the default (on) rather than off.
	Notifications *bool `json:"notifications,omitempty"`
	// ExpiryWarned is when the coming end of the login was last announced,
	// so a restart does not announce it a second time the same day.
	ExpiryWarned time.Time `json:"expiry_warned,omitzero"`
}

// notificationsOn reads the checkbox, on by default.
func (s traySettings) notificationsOn() bool { return s.Notifications == nil || *s.Notifications }

// loadSettings reads dir/settings.json. A missing file gives the defaults;
// an unreadable one gives the defaults and an error to log, since losing a
// checkbox state is no reason to stop.
func loadSettings(dir string) (traySettings, error) {
	var s traySettings
	data, err := os.ReadFile(filepath.Join(dir, settingsFile))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read tray settings: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return traySettings{}, fmt.Errorf("tray settings %s: %w (using defaults)", filepath.Join(dir, settingsFile), err)
	}
	return s, nil
}

// saveSettings replaces dir/settings.json atomically.
func saveSettings(dir string, s traySettings) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("save tray settings: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save tray settings: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, settingsFile), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save tray settings: %w", err)
	}
	return nil
}
