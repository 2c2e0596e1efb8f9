//go:build !windows

package autostart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spotray/spotray/internal/atomicfile"
)

// placeFile writes an autostart file (an XDG entry, a LaunchAgent)
// atomically, so that a crash never leaves the desktop a half-written one,
// creating its directory with dirMode if needed.
func placeFile(path, content string, dirMode fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	if err := atomicfile.WriteFile(path, []byte(content), 0o644); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// removeFile deletes an autostart file; one that is not there is not an
// error.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}
