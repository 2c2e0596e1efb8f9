package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spotray/spotray/assets"
	"github.com/spotray/spotray/internal/artcache"
	"github.com/spotray/spotray/internal/autostart"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/instance"
	"github.com/spotray/spotray/internal/logging"
	"github.com/spotray/spotray/internal/notify"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/tokens"
	"github.com/spotray/spotray/internal/tray"
	"github.com/spotray/spotray/internal/tray/ui"
)

// EnvDebug switches the log to debug level when set to anything.
const EnvDebug = "SPOTRAY_DEBUG"

// runTray is spotray without arguments: the tray icon and its menu.
func runTray(ctx context.Context, paths config.Paths, getenv func(string) string, stderr io.Writer) error {
	return runTrayWith(ctx, trayOptions{paths: paths, getenv: getenv, stderr: stderr, launcher: systemLauncher{}})
}

// trayOptions is what differs between the real tray and the demo.
type trayOptions struct {
	paths    config.Paths
	getenv   func(string) string
	stderr   io.Writer
	launcher launcher
}

// launcher is the "Launch at login" setting.
type launcher interface {
	Enabled() (bool, error)
	Enable(exe string) error
	Disable() error
}

// systemLauncher is the real autostart entry of this desktop.
type systemLauncher struct{}

func (systemLauncher) Enabled() (bool, error)  { return autostart.Enabled() }
func (systemLauncher) Enable(exe string) error { return autostart.Enable(exe) }
func (systemLauncher) Disable() error          { return autostart.Disable() }

func runTrayWith(ctx context.Context, o trayOptions) error {
	release, err := instance.Acquire(o.paths.StateDir)
	if err != nil {
		return err
	}
	defer release()
	log, logFile, err := logging.Setup(o.paths.StateDir, o.stderr, o.getenv(EnvDebug) != "")
	if err != nil {
		return err
	}
	defer logFile.Close()
	// Also routes systray's own log.Printf lines to the log file.
	slog.SetDefault(log)

	desk, err := openDesktop(o.getenv)
	if err != nil {
		return err
	}
	defer desk.Close()
	a, err := newTrayApp(o, log, desk)
	if err != nil {
		return err
	}
	return a.run(ctx)
}

// trayApp owns the tray's state. Only its loop goroutine touches the state;
// everything else (clicks, playback updates, finished logins) reaches it as
// a function posted to events, so no state needs a lock.
type trayApp struct {
	trayOptions
	log      *slog.Logger
	desk     desktop
	notifier notify.Notifier
	art      *artcache.Cache
	store    *tokens.Store

	cfg      config.Config
	settings traySettings
	state    tray.State
	// Problems shown in the menu: each cleared by what fixes it.
	configProblem, loginProblem string
	// loginFailed makes the next login show Spotify's consent page even
	// to a user who consented before, which helps after a failure.
	loginFailed bool

	ctx     context.Context // canceled when the tray exits
	events  chan func()
	clicks  chan tray.ID
	opened  chan struct{} // the menu was opened: worth a fresh look at Spotify
	notes   chan pendingNote
	ui      *ui.Tray // nil until the menu exists
	quit    bool
	watcher watcherHandle
	wg      sync.WaitGroup // goroutines to wait for at exit
}

func newTrayApp(o trayOptions, log *slog.Logger, desk desktop) (*trayApp, error) {
	a := &trayApp{
		trayOptions: o,
		log:         log,
		desk:        desk,
		art:         &artcache.Cache{Dir: filepath.Join(o.paths.CacheDir, "art")},
		store:       &tokens.Store{Dir: o.paths.ConfigDir},
		events:      make(chan func()),
		clicks:      make(chan tray.ID, 8),
		opened:      make(chan struct{}, 1),
		notes:       make(chan pendingNote, 16),
	}
	icon, err := writeAppIcon(o.paths.CacheDir)
	if err != nil {
		return nil, err
	}
	n, err := notify.New("spotray", icon)
	if err != nil {
		return nil, err
	}
	a.notifier = notify.Logged(n, log)

	a.loadConfig()
	if a.settings, err = loadSettings(o.paths.StateDir); err != nil {
		log.Warn("tray settings unreadable", "err", err)
	}
	a.state.Notifications = a.settings.notificationsOn()
	if a.state.Autostart, err = o.launcher.Enabled(); err != nil {
		log.Warn("cannot tell whether spotray launches at login", "err", err)
	}
	a.loadLogin()
	return a, nil
}

// writeAppIcon puts the app icon where notification daemons can read it:
// they take a file path, not image data.
func writeAppIcon(cacheDir string) (string, error) {
	path := filepath.Join(cacheDir, "spotray.png")
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, assets.AppIcon) {
		return path, nil
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return "", fmt.Errorf("app icon: %w", err)
	}
	if err := os.WriteFile(path, assets.AppIcon, 0o644); err != nil {
		return "", fmt.Errorf("app icon: %w", err)
	}
	return path, nil
}

// loadConfig reads config.toml. A broken file does not stop the tray: it
// runs on the defaults and the environment, and says where the problem is
// (log, notification, menu and tooltip) without touching the file.
func (a *trayApp) loadConfig() {
	cfg, err := config.Load(a.paths.ConfigFile(), a.getenv)
	if err == nil {
		a.cfg = cfg
		return
	}
	a.log.Error("config file problem: using the defaults and the environment until it is fixed", "err", err)
	a.configProblem = configProblem(err)
	a.queueNote(notify.Notification{
		Summary: "spotray cannot use its settings",
		Body:    err.Error() + "\nspotray runs on its defaults until the file is fixed, then restarted.",
	})
	// An empty path is a missing file: defaults plus the environment.
	if a.cfg, err = config.Load("", a.getenv); err != nil {
		a.log.Error("environment settings problem", "err", err)
		a.cfg, _ = config.Load("", func(string) string { return "" })
	}
}

// configProblem words a configuration error for the menu, which has no room
// for the file's full path.
func configProblem(err error) string {
	var fe *config.FileError
	if errors.As(err, &fe) {
		if fe.Line > 0 {
			return fmt.Sprintf("config.toml line %d: %s", fe.Line, fe.Msg)
		}
		return "config.toml: " + fe.Msg
	}
	return err.Error()
}

// loadLogin looks at token.json to start connected or not.
func (a *trayApp) loadLogin() {
	tok, err := a.store.Load()
	var corrupt *tokens.CorruptError
	switch {
	case errors.As(err, &corrupt):
		a.unusableLogin(corrupt)
	case errors.Is(err, tokens.ErrNotLoggedIn):
	case err != nil:
		a.log.Error("cannot read the stored login", "err", err)
		a.loginProblem = "Cannot read the stored login: see the log"
	case a.cfg.ClientID != "" && tok.ClientID != a.cfg.ClientID:
		a.log.Warn("stored login is for another client ID: connect again",
			"stored", config.MaskedClientID(tok.ClientID), "configured", config.MaskedClientID(a.cfg.ClientID))
		a.loginProblem = "The stored login is for another Spotify app: connect again"
	default:
		// With no client ID configured (say, config.toml is broken), the
		// login's own client ID keeps it working.
		if a.cfg.ClientID == "" {
			a.cfg.ClientID = tok.ClientID
		}
		a.setConnected(tok)
	}
}

// unusableLogin reports a token.json that could not be read, which tokens
// has moved aside: the user decides whether it is worth a look.
func (a *trayApp) unusableLogin(corrupt *tokens.CorruptError) {
	a.log.Warn("stored login unusable", "err", corrupt)
	a.loginProblem = "The stored login was unusable: connect again"
	a.queueNote(notify.Notification{
		Summary: "spotray cannot use its stored login",
		Body: fmt.Sprintf("The login file could not be read (%v); it was kept aside at %s. "+
			"Click Connect Spotify in spotray's menu to log in again.", corrupt.Err, corrupt.Path),
	})
}

func (a *trayApp) setConnected(tok *tokens.Token) {
	a.state.Connected = true
	a.state.User = tok.User
	a.state.LoginEndsAt = tok.LoginEndsAt()
	a.state.Trouble = playback.Trouble{}
}

// source is the refreshing token source for the current configuration.
func (a *trayApp) source() *tokens.Source {
	return &tokens.Source{Store: a.store, OAuth: a.cfg.OAuth2(), ClientID: a.cfg.ClientID}
}

// run shows the tray until Quit or ctx ends. systray's loop runs on this
// goroutine (the main one, as Windows and macOS require); the app's loop
// runs beside it.
func (a *trayApp) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.ctx = ctx
	a.goBackground(a.deliverNotes)
	a.checkTrayHost()
	if a.state.Connected {
		a.startWatcher()
		a.checkExpiry()
	}
	// The state belongs to the loop once it runs: read it before.
	initial := a.menu()
	a.log.Info("tray starting", "connected", a.state.Connected)
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		a.loop()
	}()
	ui.Run(initial, a.clicks, a.opened, func(t *ui.Tray) {
		if err := a.desk.KeepIconRegistered(a.log); err != nil {
			a.log.Warn("the icon may not come back after the panel restarts", "err", err)
		}
		a.post(func() { a.ui = t })
	})
	cancel()
	<-loopDone
	a.finish()
	a.log.Info("tray stopped")
	return nil
}

// finish waits a little for background work (a login shutting its server
// down, a notification in flight) so that exit is clean but prompt.
func (a *trayApp) finish() {
	done := make(chan struct{})
	go func() {
		a.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		a.log.Warn("exiting with background work unfinished")
	}
	a.notifier.Close()
}

// loop is the only goroutine that changes the state. After each event it
// shows the result; ui.Apply skips what did not change.
func (a *trayApp) loop() {
	defer ui.Quit()
	minute := time.NewTicker(time.Minute)
	defer minute.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case id := <-a.clicks:
			a.click(id)
		case <-a.opened:
			// Whoever opens the menu wants to see what plays now, not what
			// played at the last poll (up to a minute ago when idle).
			a.watcher.pollNow()
			continue
		case f := <-a.events:
			f()
		case <-minute.C:
			a.checkExpiry()
		}
		if a.quit {
			return
		}
		if a.ui != nil {
			a.ui.Apply(a.menu())
		}
	}
}

// post runs f on the loop goroutine; after exit it is dropped.
func (a *trayApp) post(f func()) {
	select {
	case a.events <- f:
	case <-a.ctx.Done():
	}
}

// goBackground runs f in a goroutine the exit waits for.
func (a *trayApp) goBackground(f func()) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		f()
	}()
}

// inBackground runs work off the loop and posts its result (a function to
// run on the loop) back, so that slow steps (clipboard tools, HTTP) never
// hold up clicks.
func (a *trayApp) inBackground(work func() func()) {
	a.goBackground(func() { a.post(work()) })
}

// menu is the menu for the current state.
func (a *trayApp) menu() tray.Menu {
	s := a.state
	s.Now = time.Now()
	s.Problem = joinProblems(a.loginProblem, a.configProblem)
	return tray.Build(s, runtime.GOOS)
}

func joinProblems(ps ...string) string {
	var kept []string
	for _, p := range ps {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "; ")
}

func (a *trayApp) click(id tray.ID) {
	a.log.Debug("menu click", "entry", int(id))
	switch id {
	case tray.Connect:
		a.connect()
	case tray.Playing:
		a.openPlaying()
	case tray.CopyRefreshToken:
		a.copyRefreshToken()
	case tray.CopyAccessToken:
		a.copyAccessToken()
	case tray.Notifications:
		a.toggleNotifications()
	case tray.Autostart:
		a.toggleAutostart()
	case tray.Disconnect:
		a.disconnect()
	case tray.Quit:
		a.log.Info("quit from the menu")
		a.quit = true
	}
}

// lineLog is an io.Writer that logs each write as one line, for the login
// URL: a tray started at login has nobody reading its stderr.
type lineLog struct{ log *slog.Logger }

func (l lineLog) Write(p []byte) (int, error) {
	l.log.Info(strings.TrimSpace(string(p)))
	return len(p), nil
}

// checkTrayHost warns once when no panel can show the icon. systray
// registers by itself when a panel appears later.
func (a *trayApp) checkTrayHost() {
	missing, err := a.desk.TrayHostMissing()
	if err != nil {
		a.log.Warn("cannot check for a system tray", "err", err)
		return
	}
	if !missing {
		return
	}
	const fix = "On GNOME, install the \"AppIndicator and KStatusNotifierItem Support\" extension; " +
		"other desktops need a panel with a system tray (StatusNotifierItem) area."
	a.log.Warn("no system tray is running, so spotray's icon cannot be shown yet; it appears when one starts. " + fix)
	a.queueNote(notify.Notification{
		Summary: "spotray's icon cannot be shown",
		Body:    "No system tray is running. " + fix + " spotray keeps running; its icon appears as soon as a tray starts.",
	})
}

// desktop is what the tray needs to know about the desktop session.
type desktop interface {
	// TrayHostMissing reports whether nothing can show a tray icon now.
	TrayHostMissing() (bool, error)
	// KeepIconRegistered shows the icon on every tray host that starts
	// from now on; call it once the icon exists.
	KeepIconRegistered(log *slog.Logger) error
	Close() error
}
