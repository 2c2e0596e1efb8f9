package autostart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// agentPath is ~/Library/LaunchAgents/io.github.spotray.plist; launchd
// reads it at the next login.
func agentPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("autostart: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", launchAgentLabel+".plist"), nil
}

func enabled() (bool, error) {
	path, err := agentPath()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("autostart: %w", err)
	}
	return true, nil
}

func enable(exe string) error {
	path, err := agentPath()
	if err != nil {
		return err
	}
	return placeFile(path, launchAgent(exe), 0o755)
}

func disable() error {
	path, err := agentPath()
	if err != nil {
		return err
	}
	return removeFile(path)
}
