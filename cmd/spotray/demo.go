package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
)

// runDemo is `spotray demo`: the real tray against a simulated Spotify that
// plays a made-up playlist, so the whole app (Connect, the consent page,
// tracks changing, notifications) can be seen without a Spotify account.
// Everything it writes lives in a temporary directory removed at exit; the
// user's own login, settings and autostart entry are never touched.
func runDemo(ctx context.Context, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "spotray-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(tmp)

	fake := fakespotify.New(fakespotify.Options{})
	fake.SetPlaylist(fakespotify.DemoPlaylist())
	url, err := fake.Listen("127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: start the simulated Spotify: %w", err)
	}
	defer fake.Close()

	paths := config.Paths{
		ConfigDir: filepath.Join(tmp, "config"),
		StateDir:  filepath.Join(tmp, "state"),
		CacheDir:  filepath.Join(tmp, "cache"),
	}
	cfg := config.Config{ClientID: fakespotify.DefaultClientID, RedirectURI: fakespotify.DefaultRedirectURI}
	if err := config.Save(paths.ConfigFile(), cfg); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(stderr, "spotray demo: a simulated Spotify runs at %s.\n"+
		"Open the tray icon's menu and click Connect Spotify: the browser shows the simulated consent page.\n"+
		"Your own login and settings are not touched. Press Ctrl-C to quit.\n", url)
	return runTray(ctx, paths, demoEnv(url), stderr, &demoLauncher{})
}

// demoEnv is the environment with the settings that point spotray at the
// simulated Spotify, whatever the user's shell says about the real one.
func demoEnv(url string) func(string) string {
	fixed := map[string]string{
		config.EnvClientID:     fakespotify.DefaultClientID,
		config.EnvClientSecret: "",
		config.EnvRedirectURI:  fakespotify.DefaultRedirectURI,
		config.EnvAccountsURL:  url,
		config.EnvAPIURL:       url,
		// The demo's now-playing socket goes in its own state directory,
		// never over a running tray's.
		"XDG_RUNTIME_DIR": "",
	}
	return func(name string) string {
		if v, ok := fixed[name]; ok {
			return v
		}
		return os.Getenv(name)
	}
}

// demoLauncher is "Launch at login" kept in memory: a demo must not make
// itself start at the user's next login.
type demoLauncher struct{ on bool }

func (l *demoLauncher) Enabled() (bool, error) { return l.on, nil }
func (l *demoLauncher) Enable(string) error    { l.on = true; return nil }
func (l *demoLauncher) Disable() error         { l.on = false; return nil }
