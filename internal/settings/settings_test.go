package settings

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

func TestSettingsRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, err := Load(dir)
	if err != nil || !s.NotificationsOn() || !s.ExpiryWarned.IsZero() {
		t.Fatalf("missing file: %+v, %v; want the defaults", s, err)
	}
	off := false
	warned := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if err := Save(dir, Settings{Notifications: &off, ExpiryWarned: warned}); err != nil {
		t.Fatal(err)
	}
	s, err = Load(dir)
	if err != nil || s.NotificationsOn() || !s.ExpiryWarned.Equal(warned) {
		t.Errorf("reloaded %+v, %v", s, err)
	}
	if err := testenv.CheckPerm(filepath.Join(dir, fileName), 0o600); err != nil {
		t.Error(err)
	}
}

func TestSettingsDamaged(t *testing.T) {
	dir := t.TempDir()
	for _, content := range []string{"", "{", `{"notifications": "yes"}`} {
		if err := os.WriteFile(filepath.Join(dir, fileName), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Load(dir)
		if err == nil || !s.NotificationsOn() {
			t.Errorf("%q: %+v, %v; want the defaults and an error", content, s, err)
		}
	}
	// An older file without the field keeps notifications on.
	if err := os.WriteFile(filepath.Join(dir, fileName), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Load(dir); err != nil || !s.NotificationsOn() {
		t.Errorf("{}: %+v, %v", s, err)
	}
}
