//go:build !windows && !darwin

package autostart

import (
	"os"
	"path/filepath"
	"testing"
)

func TestEnableDisable(t *testing.T) {
	config := filepath.Join(t.TempDir(), "config")
	t.Setenv("XDG_CONFIG_HOME", config)
	entry := filepath.Join(config, "autostart", "spotray.desktop")
	exe := "/opt/my apps/spotray"

	if on, err := Enabled(); on || err != nil {
		t.Fatalf("Enabled() before Enable = %v, %v", on, err)
	}
	if err := Disable(); err != nil {
		t.Fatalf("Disable when not enabled: %v", err)
	}
	if err := Enable(exe); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != desktopEntry(exe) {
		t.Errorf("wrote:\n%s", data)
	}
	if on, err := Enabled(); !on || err != nil {
		t.Errorf("Enabled() after Enable = %v, %v", on, err)
	}
	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("entry still there after Disable: %v", err)
	}
	if on, err := Enabled(); on || err != nil {
		t.Errorf("Enabled() after Disable = %v, %v", on, err)
	}
}

func TestEntryPathFollowsEnvironment(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, tc := range []struct{ xdg, want string }{
		{"/custom/config", "/custom/config/autostart/spotray.desktop"},
		{"", filepath.Join(home, ".config/autostart/spotray.desktop")},
		{"relative/config", filepath.Join(home, ".config/autostart/spotray.desktop")},
	} {
		t.Setenv("XDG_CONFIG_HOME", tc.xdg)
		if got, err := entryPath(); got != tc.want || err != nil {
			t.Errorf("XDG_CONFIG_HOME=%q: entryPath() = %q, %v; want %q", tc.xdg, got, err, tc.want)
		}
	}
}

func TestEntryEnabled(t *testing.T) {
	for _, tc := range []struct {
		entry string
		want  bool
	}{
		{desktopEntry("/usr/bin/spotray"), true},
		{"[Desktop Entry]\nExec=spotray\nHidden=true\n", false},
		{"[Desktop Entry]\nExec=spotray\nHidden=false\n", true},
		{"[Desktop Entry]\nExec=spotray\nX-GNOME-Autostart-enabled=false\n", false},
		{"[Desktop Entry]\nExec=spotray\nX-GNOME-Autostart-enabled = false\n", false},
		{"# comment Hidden=true\n[Desktop Entry]\nExec=spotray\n", true},
		{"[Desktop Entry]\nExec=spotray\n[Desktop Action x]\nHidden=true\n", true},
	} {
		if got := entryEnabled([]byte(tc.entry)); got != tc.want {
			t.Errorf("entryEnabled(%q) = %v, want %v", tc.entry, got, tc.want)
		}
	}
}
