package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

func TestSettingsRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, err := loadSettings(dir)
	if err != nil || !s.notificationsOn() || !s.ExpiryWarned.IsZero() {
		t.Fatalf("missing file: %+v, %v; want the defaults", s, err)
	}
	off := false
	warned := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if err := saveSettings(dir, traySettings{Notifications: &off, ExpiryWarned: warned}); err != nil {
		t.Fatal(err)
	}
	s, err = loadSettings(dir)
	if err != nil || s.notificationsOn() || !s.ExpiryWarned.Equal(warned) {
		t.Errorf("reloaded %+v, %v", s, err)
	}
	if err := testenv.CheckPerm(filepath.Join(dir, settingsFile), 0o600); err != nil {
		t.Error(err)
	}
}

func TestSettingsDamaged(t *testing.T) {
	dir := t.TempDir()
	for _, content := range []string{"", "{", `{"notifications": "yes"}`} {
		if err := os.WriteFile(filepath.Join(dir, settingsFile), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := loadSettings(dir)
		if err == nil || !s.notificationsOn() {
			t.Errorf("%q: %+v, %v; want the defaults and an error", content, s, err)
		}
	}
	// An older file without the field keeps notifications on.
	if err := os.WriteFile(filepath.Join(dir, settingsFile), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := loadSettings(dir); err != nil || !s.notificationsOn() {
		t.Errorf("{}: %+v, %v", s, err)
	}
}
