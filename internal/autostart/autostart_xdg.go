//go:build !windows && !darwin

package autostart

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// entryPath is $XDG_CONFIG_HOME/autostart/spotray.desktop, read from the
// environment now. The base directory specification says to ignore a
// relative XDG_CONFIG_HOME and use ~/.config.
func entryPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("autostart: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", "spotray.desktop"), nil
}

func enabled() (bool, error) {
	path, err := entryPath()
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("autostart: %w", err)
	}
	return entryEnabled(data), nil
}

// entryEnabled reports whether a desktop environment would run an
// autostart entry: settings dialogs switch one off by adding Hidden=true or
// X-GNOME-Autostart-enabled=false rather than by removing the file.
func entryEnabled(data []byte) bool {
	inMain := false
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if strings.HasPrefix(line, "[") {
			inMain = line == "[Desktop Entry]"
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !inMain || !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "Hidden":
			if strings.TrimSpace(value) == "true" {
				return false
			}
		case "X-GNOME-Autostart-enabled":
			if strings.TrimSpace(value) == "false" {
				return false
			}
		}
	}
	return true
}

func enable(exe string) error {
	path, err := entryPath()
	if err != nil {
		return err
	}
	return placeFile(path, desktopEntry(exe), 0o700)
}

func disable() error {
	path, err := entryPath()
	if err != nil {
		return err
	}
	return removeFile(path)
}
