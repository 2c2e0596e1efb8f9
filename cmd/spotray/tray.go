package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/clipboard"

	"github.com/spotray/spotray/assets"
	"github.com/spotray/spotray/internal/app"
	"github.com/spotray/spotray/internal/artcache"
	"github.com/spotray/spotray/internal/autostart"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/hook"
	"github.com/spotray/spotray/internal/instance"
	"github.com/spotray/spotray/internal/logging"
	"github.com/spotray/spotray/internal/login"
	"github.com/spotray/spotray/internal/mpris"
	"github.com/spotray/spotray/internal/notify"
	"github.com/spotray/spotray/internal/sessionbus"
	"github.com/spotray/spotray/internal/stream"
	"github.com/spotray/spotray/internal/trayicon"
)

// EnvDebug switches the log to debug level when set to anything.
const EnvDebug = "SPOTRAY_DEBUG"

// systemLauncher is the real autostart entry of this desktop.
type systemLauncher struct{}

func (systemLauncher) Enabled() (bool, error)  { return autostart.Enabled() }
func (systemLauncher) Enable(exe string) error { return autostart.Enable(exe) }
func (systemLauncher) Disable() error          { return autostart.Disable() }

// runTray is spotray without arguments (launcher: the real autostart
// entry) and spotray demo: it wires the app to the desktop.
func runTray(ctx context.Context, paths config.Paths, getenv func(string) string, stderr io.Writer, launcher app.Launcher) error {
	release, err := instance.Acquire(paths.StateDir)
	if err != nil {
		return err
	}
	defer release()
	log, logFile, err := logging.Setup(paths.StateDir, stderr, getenv(EnvDebug) != "")
	if err != nil {
		return err
	}
	defer logFile.Close()
	// Also routes systray's own log.Printf lines to the log file.
	slog.SetDefault(log)

	host, err := trayicon.OpenHost(getenv)
	if err != nil {
		return err
	}
	defer host.Close()
	icon, err := notify.WriteAppIcon(paths.CacheDir, assets.AppIcon)
	if err != nil {
		return err
	}
	n, err := notify.New("spotray", icon)
	if err != nil {
		return err
	}
	notifier := notify.Logged(n, log)
	defer notifier.Close()
	var r *app.Runner
	notifier.SetInvoked(func(inv notify.Invoked) {
		r.Post(app.NoteAction{Tag: inv.Tag, Key: inv.Key, Closed: inv.Closed})
	})
	art := &artcache.Cache{Dir: filepath.Join(paths.CacheDir, "art")}
	queue := notify.NewQueue(notifier, art, log)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go queue.Run(ctx)
	hooks := &hook.Runner{Log: log, Art: art, Environ: os.Environ}
	go hooks.Run(ctx)

	r = &app.Runner{
		Paths: paths, Log: log, Tray: trayicon.New(), Host: host, Notes: queue, Hooks: hooks, Launcher: launcher,
		Copy: clipboard.Write, Open: login.OpenBrowser, Login: login.Run, GOOS: runtime.GOOS,
	}
	if srv, err := stream.Listen(stream.SocketPath(getenv, paths.StateDir)); err != nil {
		log.Warn("`spotray now --follow` will poll Spotify itself", "err", err)
	} else {
		defer srv.Close()
		go func() {
			if err := srv.Serve(); err != nil {
				log.Warn("`spotray now --follow` readers are no longer served", "err", err)
			}
		}()
		r.Stream = srv
	}
	st := app.Load(paths, getenv, launcher, host)
	// Windows and macOS have no session bus: media players speak other
	// protocols there.
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if conn, err := sessionbus.Private(); err != nil {
			log.Warn("local media players are not followed and remote playback is not shown to the desktop", "err", err)
		} else {
			defer conn.Close()
			followPlayers(ctx, r, conn, st.Config.LocalPlayers, log)
		}
	}
	r.Run(ctx, st)
	return nil
}

// followPlayers connects the app to the MPRIS players on conn: it follows
// the local players named in names, sends them the menu's commands, and
// exports remote playback as a player whose commands reach the app.
func followPlayers(ctx context.Context, r *app.Runner, conn *dbus.Conn, names []string, log *slog.Logger) {
	r.Players = mpris.Players{Conn: conn}
	r.Remote = &mpris.Exporter{Conn: conn, OnCommand: func(method string) {
		if a, ok := app.ActionOf(method); ok {
			// Not on the D-Bus goroutine: the app may be waiting for
			// this connection's reply to take the name.
			go r.Post(app.Commanded{Action: a})
		}
	}}
	go func() {
		err := mpris.Watch(ctx, conn, names, func(p *mpris.Player) { r.Post(app.LocalChanged{Player: app.Local(p, time.Now())}) })
		if err != nil {
			log.Warn("local media players are no longer followed", "err", err)
		}
	}()
}
