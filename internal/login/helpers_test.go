package login

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/testenv"
)

// testPort is the port the handler tests pretend to listen on; they call
// the handler directly, so nothing is bound.
const testPort = 8974

// anyPortURI is the redirect URI the tests configure: port 0, which the
// fake's default app (registered without a port) accepts with any port.
const anyPortURI = "http://127.0.0.1:0/callback"

// testConfig is a loaded configuration pointing at the fake.
func testConfig(fake *fakespotify.Server) config.Config {
	return config.Config{
		ClientID:     fakespotify.DefaultClientID,
		RedirectURI:  anyPortURI,
		PollInterval: playback.DefaultInterval,
		AccountsURL:  fake.URL(),
		APIURL:       fake.URL(),
	}
}

func testPaths(t *testing.T) config.Paths {
	dir := t.TempDir()
	return config.Paths{
		ConfigDir: filepath.Join(dir, "config", "spotray"),
		StateDir:  filepath.Join(dir, "state", "spotray"),
		CacheDir:  filepath.Join(dir, "cache", "spotray"),
	}
}

// newTestFlow is a login's handler for cfg, as if listening on testPort.
func newTestFlow(t *testing.T, cfg config.Config) *flow {
	t.Helper()
	rd, err := parseRedirect(cfg.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return newFlow(ctx, Options{Paths: testPaths(t), Config: cfg}, rd.site(testPort))
}

// serve runs one request through the handler, addressed to the flow's own
// host unless the target names another.
func serve(f *flow, method, target string, body io.Reader, header http.Header) *httptest.ResponseRecorder {
	if !strings.HasPrefix(target, "http") {
		target = "http://" + f.site.host + target
	}
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	return rec
}

// consent plays the browser's part at Spotify's /authorize (auto-approving
// fake) and returns the query Spotify sends back to the callback.
func consent(t *testing.T, authorizeURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("authorize: %s, Location %q", resp.Status, resp.Header.Get("Location"))
	}
	return loc.Query()
}

// authorizeURL is the consent page the flow would send the browser to.
func (f *flow) authorizeURL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.authorizeURLLocked()
}

// isDone reports whether the login has ended.
func (f *flow) isDone() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// noTokens fails if any token the fake issued appears in the response.
func noTokens(t *testing.T, fake *fakespotify.Server, rec *httptest.ResponseRecorder) {
	t.Helper()
	for _, tok := range fake.IssuedTokens() {
		if strings.Contains(rec.Body.String(), tok) {
			t.Errorf("response body contains an issued token")
		}
		for k, vs := range rec.Header() {
			for _, v := range vs {
				if strings.Contains(v, tok) {
					t.Errorf("response header %s contains an issued token", k)
				}
			}
		}
	}
}

// checkPage checks a page's status and that its body has every want and no
// notWant.
func checkPage(t *testing.T, rec *httptest.ResponseRecorder, status int, want, notWant []string) {
	t.Helper()
	body := rec.Body.String()
	if rec.Code != status {
		t.Errorf("status %d, want %d\n%s", rec.Code, status, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q:\n%s", w, body)
		}
	}
	for _, w := range notWant {
		if strings.Contains(body, w) {
			t.Errorf("body contains %q:\n%s", w, body)
		}
	}
}

// checkMode fails the test unless path has the mode want, as far as this
// system promises modes.
func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	if err := testenv.CheckPerm(path, want); err != nil {
		t.Error(err)
	}
}
