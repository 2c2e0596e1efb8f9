package main_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

// homeOnSmallDisk is a home whose config directory is a 64 KiB tmpfs,
// holding a login whose access token has expired, so that the next use
// refreshes it. It returns the mount point.
func homeOnSmallDisk(t *testing.T, fake *fakespotify.Server, tray bool) (*home, string) {
	t.Helper()
	h := newHome(t, fake)
	if tray {
		h = trayHome(t, fake)
	}
	disk := testenv.SmallDisk(t, 64<<10)
	old := h.Paths.ConfigDir
	h.Paths.ConfigDir = filepath.Join(disk, "spotray")
	if err := os.MkdirAll(h.Paths.ConfigDir, 0o700); err != nil {
		t.Fatal(err)
	}
	// The environment names the config directory's parent.
	for i, kv := range h.Env {
		h.Env[i] = strings.ReplaceAll(kv, old, h.Paths.ConfigDir)
	}
	h.Env = append(h.Env, "XDG_CONFIG_HOME="+disk)
	if cfg, err := os.ReadFile(filepath.Join(old, "config.toml")); err == nil {
		if err := os.WriteFile(h.Paths.ConfigFile(), cfg, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h.seedLogin()
	fake.ExpireAccessTokens()
	expireStored(t, h)
	return h, disk
}

// TestFullDiskKeepsTheLogin: with single-use rotation, a refresh that could
// not be saved would lose the login for good. On a full disk `spotray
// token` fails without spending the refresh token; once space is freed
// the login works.
func TestFullDiskKeepsTheLogin(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{Rotation: fakespotify.RotateSingleUse})
	h, disk := homeOnSmallDisk(t, fake, false)
	path := filepath.Join(h.Paths.ConfigDir, "token.json")
	before, _ := os.ReadFile(path)
	testenv.Fill(t, disk)

	_, errOut, code := h.run("token")
	if code != 1 || !strings.Contains(errOut, "no space left on device") ||
		!strings.Contains(errOut, "spotray cannot write to "+h.Paths.ConfigDir+": its disk is full: free some space") {
		t.Fatalf("token on a full disk: exit %d, %q", code, errOut)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Errorf("token.json changed:\n%s", after)
	}
	if n := fake.Stats().Refreshes; n != 0 {
		t.Errorf("%d refreshes spent on a full disk", n)
	}

	testenv.Free(t, disk)
	out, errOut, code := h.run("token")
	if code != 0 || !fake.Accepts(strings.TrimSpace(out)) {
		t.Fatalf("token after freeing space: exit %d, %q", code, errOut)
	}
	if _, errOut, code := h.run("token"); code != 0 {
		t.Fatalf("the saved login: %q", errOut)
	}
}

// TestTrayReadOnlyConfig: a config directory that turns read-only under a
// running tray is named as such in the menu, with its fix, rather than
// "Offline"; Spotify is not asked to refresh meanwhile, and the tray
// recovers once the directory is writable again.
func TestTrayReadOnlyConfig(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{Rotation: fakespotify.RotateSingleUse})
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h, disk := homeOnSmallDisk(t, fake, true)
	p := startTray(t, h, d)
	p.item().WaitMenu(playingMenu...)

	testenv.Remount(t, disk, true)
	refreshes := len(fake.Requests("/api/token"))
	fake.ExpireAccessTokens() // the next poll meets a 401 and must refresh
	const notice = "Read-only file system: make it writable (disabled)"
	testenv.WaitFor(t, "the menu to name the read-only directory", func() bool {
		p.item().Glance()
		return slices.Contains(p.item().Shown(), notice)
	})
	where := "spotray cannot write to /"
	if tip := p.item().ToolTip(); !strings.HasPrefix(tip, where) || !strings.HasSuffix(tip, "\nRead-only file system: make it writable") {
		t.Errorf("tooltip %q", tip)
	}
	for _, e := range p.item().Shown() {
		if strings.Contains(e, "Offline") || strings.Contains(e, "Dancing Queen") {
			t.Errorf("menu says %q", e)
		}
	}
	if !strings.HasPrefix(p.item().Shown()[0], where) {
		t.Errorf("menu %q: want the directory first", p.item().Shown())
	}
	if !strings.Contains(p.out.String(), "spotray cannot write to "+h.Paths.ConfigDir+": read-only file system") {
		t.Errorf("the log does not name the directory")
	}
	if n := len(fake.Requests("/api/token")) - refreshes; n != 0 {
		t.Errorf("Spotify was asked to refresh %d times", n)
	}

	testenv.Remount(t, disk, false)
	p.item().WaitMenu(playingMenu...)
}
