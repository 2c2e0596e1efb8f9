// Package settings keeps what the tray remembers between runs that the user
// changes with a click rather than in config.toml: the Notifications
// checkbox and when the coming end of the login was last announced.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spotray/spotray/internal/atomicfile"
)

// fileName is the file in the state directory.
const fileName = "settings.json"

// Settings is settings.json. The zero value is the defaults.
type Settings struct {
	// Notifications is the "Notifications" checkbox. A pointer so that an
	// absent field means the default (on) rather than off.
	Notifications *bool `json:"notifications,omitempty"`
	// ExpiryWarned is when the coming end of the login was last announced,
	// so a restart does not announce it a second time the same day.
	ExpiryWarned time.Time `json:"expiry_warned,omitzero"`
}

// NotificationsOn reads the checkbox, on by default.
func (s Settings) NotificationsOn() bool { return s.Notifications == nil || *s.Notifications }

// Load reads dir/settings.json. A missing file gives the defaults;
// an unreadable one gives the defaults and an error to log, since losing a
// checkbox state is no reason to stop.
func Load(dir string) (Settings, error) {
	var s Settings
	data, err := os.ReadFile(filepath.Join(dir, fileName))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read tray settings: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return Settings{}, fmt.Errorf("tray settings %s: %w (using defaults)", filepath.Join(dir, fileName), err)
	}
	return s, nil
}

// Save replaces dir/settings.json atomically.
func Save(dir string, s Settings) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("save tray settings: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save tray settings: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, fileName), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save tray settings: %w", err)
	}
	return nil
}
