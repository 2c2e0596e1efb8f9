package main_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

// scriptRefresh refreshes as a PKCE script is told to: client_id in the
// form, no secret. It returns the refresh token to keep (the rotated one).
func scriptRefresh(t *testing.T, fake *fakespotify.Server, refreshToken string) string {
	t.Helper()
	resp, err := http.PostForm(fake.URL()+"/api/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}, "client_id": {fakespotify.DefaultClientID},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error_description"`
	}
	json.NewDecoder(resp.Body).Decode(&answer)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the script's refresh: HTTP %d: %s", resp.StatusCode, answer.Error)
	}
	if answer.RefreshToken == "" {
		return refreshToken
	}
	return answer.RefreshToken
}

// TestTrayScriptGrantOnWayland clicks "Copy refresh token for a script…"
// under a Wayland compositor: the new grant goes to the clipboard through
// wl-copy (there is no X display for the tray), and with single-use
// rotation the tray and the script each keep refreshing their own.
func TestTrayScriptGrantOnWayland(t *testing.T) {
	t.Parallel()
	testenv.Require(t, "Xvfb", "weston", "wl-copy", "wl-paste")
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{Rotation: fakespotify.RotateSingleUse})
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h := trayHome(t, fake)
	own := h.seedLogin()
	// spotray's XDG_RUNTIME_DIR is the home's root: weston's socket goes there.
	w := desktoptest.StartWeston(t, desktoptest.StartXvfb(t), h.root)
	h.Env = append(h.Env, "WAYLAND_DISPLAY="+w.Display)
	p := startTray(t, h, d)
	p.item().WaitMenu(playingMenu...)
	path := filepath.Join(h.Paths.ConfigDir, "token.json")
	before, _ := os.ReadFile(path)

	p.item().Click("Copy refresh token for a script…")
	p.consent(1)
	var script string
	testenv.WaitFor(t, "a new refresh token on the Wayland clipboard", func() bool {
		script = w.Clipboard(t)
		return script != ""
	})
	if script == own.RefreshToken || strings.ContainsAny(script, "\n ") {
		t.Fatalf("clipboard %q: want exactly a new refresh token", script)
	}
	n, _ := p.waitNote(0, "Refresh token for a script copied")
	if strings.Contains(n.Body, script) {
		t.Error("the notification shows the token")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Errorf("copying changed token.json:\n%s", after)
	}

	// The tray keeps refreshing its own login, saving each rotated
	// refresh token...
	refreshed := func() {
		t.Helper()
		was := h.stored().RefreshToken
		fake.ExpireAccessTokens()
		testenv.WaitFor(t, "the tray to refresh and save the rotated token", func() bool {
			p.item().Glance()
			return h.stored().RefreshToken != was
		})
		p.item().WaitMenu(playingMenu...)
	}
	refreshed()
	// ...and the script's token still works, and rotates on its own...
	script = scriptRefresh(t, fake, script)
	script = scriptRefresh(t, fake, script)
	// ...without logging the tray out.
	refreshed()
	scriptRefresh(t, fake, script)
	checkNoTokensLeaked(t, p, fake)
}
