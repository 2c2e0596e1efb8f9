package login

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
	"github.com/spotray/spotray/internal/tokens"
)

// newChromium starts a headless Chromium with a fresh profile and no
// background traffic, ended with the test.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	testenv.Require(t, "chromium")
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir() // removed after the browser has exited (cleanups run in reverse)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
	)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	bctx, cancelTimeout := context.WithTimeout(bctx, time.Minute) // bounds a hung browser only
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc()
	})
	return bctx
}

// browserLogin runs a login that starts without a client ID, with Chromium
// as the user's browser: it fills in the setup page (client ID, and secret
// if given), then presses the button with id button on the fake Spotify's consent page. It
// returns Run's outcome and the text of the page the browser ends on.
func browserLogin(t *testing.T, fake *fakespotify.Server, clientID, secret, button string) (config.Paths, *Result, string, error) {
	t.Helper()
	bctx := newChromium(t)
	paths := testPaths(t)
	cfg := testConfig(fake)
	cfg.ClientID = ""

	// A browser that gets stuck ends the login at once rather than at its
	// timeout.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lead string
	browsed := make(chan error, 1)
	open := func(u string) {
		go func() {
			steps := []chromedp.Action[chromedp.Void]{
				chromedp.Navigate(u),
				chromedp.WaitVisible(chromedp.ID("client_id")),
				// The copy button appears only if the page's script ran,
				// i.e. the Content-Security-Policy admits it.
				chromedp.WaitVisible(chromedp.ID("copy")),
				chromedp.SendKeys(chromedp.ID("client_id"), clientID),
			}
			if secret != "" {
				steps = append(steps, chromedp.SendKeys(chromedp.ID("client_secret"), secret))
			}
			steps = append(steps,
				chromedp.Click(chromedp.ID("save")),
				chromedp.WaitVisible(chromedp.ID(button)),
				chromedp.Click(chromedp.ID(button)),
				chromedp.WaitVisible(chromedp.ID("lead")),
			)
			err := chromedp.Do(bctx, steps...)
			if err == nil {
				lead, err = chromedp.Run(bctx, chromedp.Text(chromedp.ID("lead")))
			}
			if err != nil {
				cancel()
			}
			browsed <- err
		}()
	}
	res, err := Run(ctx, Options{Paths: paths, Config: cfg, Open: open, Out: io.Discard})
	if berr := <-browsed; berr != nil {
		t.Fatalf("browser: %v (login: %v)", berr, err)
	}
	return paths, res, lead, err
}

func TestChromiumSetupAndConsent(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	paths, res, lead, err := browserLogin(t, fake, fakespotify.DefaultClientID, "", "agree")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Connected as Demo Listener — you can close this tab."; lead != want {
		t.Errorf("page says %q, want %q", lead, want)
	}
	if got := fake.LastAuthorize().Get("code_challenge_method"); got != "S256" {
		t.Errorf("code_challenge_method %q: a login without a secret must use PKCE", got)
	}
	checkSaved(t, paths, res, "")
}

func TestChromiumSetupWithSecret(t *testing.T) {
	const id, secret = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	fake := fakespotify.NewTestServer(t, fakespotify.Options{Apps: []fakespotify.App{
		{ClientID: id, ClientSecret: secret, RedirectURIs: []string{fakespotify.DefaultRedirectURI}},
	}})
	paths, res, lead, err := browserLogin(t, fake, id, secret, "agree")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(lead, "Connected as ") {
		t.Errorf("page says %q", lead)
	}
	// Without a challenge the fake accepts the code only from a client that
	// authenticates with its secret.
	if fake.LastAuthorize().Has("code_challenge") {
		t.Errorf("PKCE challenge sent although a secret is set")
	}
	checkSaved(t, paths, res, secret)
}

func TestChromiumCancel(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	paths, res, lead, err := browserLogin(t, fake, fakespotify.DefaultClientID, "", "cancel")
	if !errors.Is(err, ErrDeclined) || res != nil {
		t.Fatalf("Run = %v, %v; want ErrDeclined", res, err)
	}
	if !strings.HasPrefix(lead, "You declined") {
		t.Errorf("page says %q", lead)
	}
	if _, err := os.Stat(filepath.Join(paths.ConfigDir, "token.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token.json after a declined login: %v", err)
	}
	if n := fake.Stats().Exchanges; n != 0 {
		t.Errorf("%d code exchanges after a declined login", n)
	}
}

// checkSaved checks config.toml and token.json after a login from the setup
// page, and that the stored login works.
func checkSaved(t *testing.T, paths config.Paths, res *Result, secret string) {
	t.Helper()
	checkMode(t, paths.ConfigFile(), 0o600)
	raw, err := os.ReadFile(paths.ConfigFile())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), res.Config.ClientID) {
		t.Errorf("config.toml lacks the client ID:\n%s", raw)
	}
	cfg, err := config.Load(paths.ConfigFile(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ClientID != res.Config.ClientID || cfg.ClientSecret != secret || res.Config.ClientSecret != secret {
		t.Errorf("config.toml: client ID %q (want %q), secret as typed: %v", cfg.ClientID, res.Config.ClientID, cfg.ClientSecret == secret)
	}

	checkMode(t, filepath.Join(paths.ConfigDir, "token.json"), 0o600)
	checkMode(t, paths.ConfigDir, 0o700)
	src := &tokens.Source{Store: &tokens.Store{Dir: paths.ConfigDir}, OAuth: res.Config.OAuth2(), ClientID: res.Config.ClientID}
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != res.Token.AccessToken || tok.User != res.Token.User {
		t.Errorf("the stored login differs from the one returned")
	}
	// A refresh proves the stored refresh token and client settings work
	// together (PKCE: client ID only; with a secret: HTTP Basic).
	if _, err := src.Refresh(context.Background(), tok.AccessToken); err != nil {
		t.Errorf("refresh: %v", err)
	}
}
