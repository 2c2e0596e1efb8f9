package main_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/testenv"
)

// consentRequest finds the hidden field of the simulated consent page's form.
var consentRequest = regexp.MustCompile(`name="request" value="([^"]*)"`)

// TestDemo runs `spotray demo` as someone without a Spotify account would:
// Connect Spotify, agree on the consent page, and see a track, without
// anything written to their own configuration.
func TestDemo(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	h := newHome(t, nil) // no Spotify settings at all: the demo brings its own
	p := startTray(t, h, d, "demo")
	p.item().WaitMenu("Connect Spotify", "---", "[x] Notifications", "[ ] Launch at login", "---", "Quit")
	p.item().Click("Connect Spotify")
	testenv.WaitFor(t, "spotray to open the browser", func() bool { return len(p.browsed()) >= 1 })

	// The browser: the consent page, then Agree, which redirects to
	// spotray's loopback callback.
	resp, err := http.Get(p.browsed()[0])
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := consentRequest.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil || !strings.Contains(string(page), `id="agree"`) {
		t.Fatalf("consent page %d:\n%s", resp.StatusCode, page)
	}
	accept := resp.Request.URL.ResolveReference(&url.URL{Path: "/authorize/accept"})
	resp, err = http.PostForm(accept.String(), url.Values{"request": {html.UnescapeString(string(m[1]))}, "action": {"agree"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Connected as Demo Listener") {
		t.Fatalf("callback page %d:\n%s", resp.StatusCode, page)
	}

	testenv.WaitFor(t, "the connected menu with a demo track", func() bool {
		shown := p.item().Shown()
		return len(shown) > 2 && strings.Contains(shown[0], " — ") &&
			strings.Contains(strings.Join(shown, "\n"), "Connected as Demo Listener")
	})
	p.waitNote(0, "Connected to Spotify")
	if _, err := os.Stat(h.Paths.ConfigDir); !os.IsNotExist(err) {
		t.Errorf("the demo wrote to the user's config directory: %v", err)
	}
}
