package app

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/hook"
	"github.com/spotray/spotray/internal/login"
	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/mpris"
	"github.com/spotray/spotray/internal/notify"
	"github.com/spotray/spotray/internal/nowplaying"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/settings"
	"github.com/spotray/spotray/internal/spotify"
)

// exitGrace is how long the exit waits for background work (a login
// closing its server, a token being copied) so that it is clean but prompt.
const exitGrace = 3 * time.Second

// Tray is the icon and its menu on screen (package trayicon).
type Tray interface {
	// Run shows first and blocks until Quit; see trayicon.Tray.Run.
	Run(first menu.Menu, clicked func(menu.ID, menu.Target), opened, activated, ready func())
	// Show changes what is shown; only after ready.
	Show(menu.Menu)
	Quit()
}

// Host is the desktop's side of the tray (trayicon.Host).
type Host interface {
	Missing() (bool, error)
	KeepRegistered(log *slog.Logger) error
}

// Launcher is the "Launch at login" entry (package autostart).
type Launcher interface {
	Enabled() (bool, error)
	Enable(exe string) error
	Disable() error
}

// Load reads what the tray starts from: config.toml and the environment,
// the stored login, the tray settings, the autostart entry and whether a
// panel is there to show the icon.
func Load(paths config.Paths, getenv func(string) string, launcher Launcher, host Host) Startup {
	var st Startup
	cfg, cfgErr := config.Load(paths.ConfigFile(), getenv)
	acct, tok, loginErr := account.Open(paths, cfg)
	st.Config, st.ConfigErr, st.Login, st.LoginErr = acct.Config, cfgErr, tok, loginErr
	st.Settings, st.SettingsErr = settings.Load(paths.StateDir)
	st.Autostart, st.AutostartErr = launcher.Enabled()
	st.TrayHostMissing, st.TrayHostErr = host.Missing()
	return st
}

// Runner runs the tray: it feeds events to Apply, one at a time on one
// goroutine, shows the resulting menu and carries out the effects. Set the
// fields, then call Run once.
type Runner struct {
	Paths config.Paths
	Log   *slog.Logger
	Tray  Tray
	Host  Host
	Notes interface{ Send(notify.Notification) } // a notify.Queue
	Hooks interface{ Send(hook.Job) }            // a hook.Runner
	// Stream is told what plays after every change, for `spotray now
	// --follow` (a stream.Server); nil when it could not start.
	Stream   interface{ Publish(nowplaying.JSON) }
	Launcher Launcher
	// Copy puts text on the clipboard; Open opens a URL in the browser;
	// Login runs a login (login.Run).
	Copy  func(text string) error
	Open  func(url string) error
	Login func(ctx context.Context, o login.Options) (*login.Result, error)
	GOOS  string // runtime.GOOS: how menus escape labels
	// Players takes commands for local MPRIS players (package mpris);
	// Remote shows remote playback to the desktop as an MPRIS player. Nil
	// where there is no session bus (then no local player is followed).
	Players interface {
		Command(ctx context.Context, bus, method string) error
	}
	Remote interface {
		Show(mpris.Remote) error
		Hide() error
	}

	ctx     context.Context // ends when the tray exits
	state   State           // owned by the loop goroutine once it runs
	started chan struct{}   // closed once ctx and events are set
	once    sync.Once
	events  chan Event
	opened  chan struct{}
	ready   chan struct{}
	wg      sync.WaitGroup // background work the exit waits for

	poller     *playback.Poller // nil when not watching
	stopPoller context.CancelFunc

	published    nowplaying.JSON // what Stream was last told
	hasPublished bool
}

// Run shows the tray from st until Quit or ctx ends. The tray's message
// loop runs on the calling goroutine (the main one, as Windows and macOS
// require); the app's loop runs beside it.
func (r *Runner) Run(ctx context.Context, st Startup) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.ctx = ctx
	r.events = make(chan Event)
	close(r.startedCh())
	r.opened = make(chan struct{}, 1)
	r.ready = make(chan struct{}, 1)

	var fx []Effect
	r.state, fx = Init(st, time.Now())
	r.perform(fx)
	r.publish()
	// The state belongs to the loop once it runs: read it before.
	first := r.state.Menu(time.Now(), r.GOOS)
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		r.loop()
	}()
	r.Tray.Run(first, r.clicked, r.menuOpened, func() { r.post(Activated{}) }, func() {
		if err := r.Host.KeepRegistered(r.Log); err != nil {
			r.Log.Warn("the icon may not come back after the panel restarts", "err", err)
		}
		r.ready <- struct{}{}
	})
	cancel()
	<-loopDone
	r.finish()
	r.Log.Info("tray stopped")
}

func (r *Runner) startedCh() chan struct{} {
	r.once.Do(func() { r.started = make(chan struct{}) })
	return r.started
}

// loop is the only goroutine that changes the state.
func (r *Runner) loop() {
	defer r.Tray.Quit()
	minute := time.NewTicker(time.Minute)
	defer minute.Stop()
	shown := false
	for {
		var e Event
		select {
		case <-r.ctx.Done():
			return
		case e = <-r.events:
		case <-r.opened:
			e = MenuOpened{}
		case <-minute.C:
			e = MinutePassed{}
		case <-r.ready:
			shown = true
		}
		if e != nil {
			var fx []Effect
			r.state, fx = Apply(r.state, e, time.Now())
			r.perform(fx)
			r.publish()
		}
		if r.state.Quitting {
			return
		}
		if shown {
			r.Tray.Show(r.state.Menu(time.Now(), r.GOOS))
		}
	}
}

// publish tells Stream what plays when that changed.
func (r *Runner) publish() {
	j, ok := r.state.NowPlaying()
	if !ok || r.Stream == nil || r.hasPublished && nowplaying.Same(j, r.published) {
		return
	}
	r.published, r.hasPublished = j, true
	r.Stream.Publish(j)
}

// clicked passes a click to the loop, waiting for it.
func (r *Runner) clicked(id menu.ID, shown menu.Target) { r.post(Clicked{Item: id, Shown: shown}) }

// menuOpened passes an opening of the menu to the loop unless one is
// waiting already: they mean the same.
func (r *Runner) menuOpened() {
	select {
	case r.opened <- struct{}{}:
	default:
	}
}

// post hands e to the loop; after exit it is dropped.
func (r *Runner) post(e Event) {
	select {
	case r.events <- e:
	case <-r.ctx.Done():
	}
}

// background runs work off the loop, so that slow steps (clipboard tools,
// HTTP, a browser) never hold up clicks, and posts the event it returns
// (nil: none). The exit waits for it.
func (r *Runner) background(work func() Event) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if e := work(); e != nil {
			r.post(e)
		}
	}()
}

// perform carries out effects in order.
func (r *Runner) perform(fx []Effect) {
	for _, f := range fx {
		switch f := f.(type) {
		case Log:
			r.Log.Log(r.ctx, f.Level, f.Msg, f.Args...)
		case Notify:
			r.Notes.Send(f.Note)
		case RunHook:
			r.Hooks.Send(f.Job)
		case StartWatching:
			r.startPoller(f)
		case StopWatching:
			r.stopPolling()
		case PollNow:
			if p := r.poller; p != nil && f.After > 0 {
				time.AfterFunc(f.After, p.PollNow)
			} else if p != nil {
				p.PollNow()
			}
		case HoldPolling:
			if r.poller != nil {
				r.poller.Hold()
			}
		case ResumePolling:
			if r.poller != nil {
				r.poller.Resume(f.Seen)
			}
		case WakeAt:
			r.wakeAt(f.At)
		case Control:
			r.background(func() Event { return r.control(f) })
		case CheckSaved:
			r.background(func() Event {
				saved, err := account.New(r.Paths, f.Config).API.Saved(r.ctx, f.URI)
				return SavedKnown{URI: f.URI, Saved: saved, Err: err}
			})
		case SetSaved:
			r.background(func() Event {
				err := account.New(r.Paths, f.Config).API.SetSaved(r.ctx, f.URI, f.Saved)
				return SavedKnown{URI: f.URI, Saved: f.Saved, Set: true, Err: err}
			})
		case Export:
			if r.Remote != nil {
				if err := r.Remote.Show(f.Player); err != nil {
					r.Log.Warn("cannot show remote playback to the desktop", "err", err)
				}
			}
		case Unexport:
			if r.Remote != nil {
				if err := r.Remote.Hide(); err != nil {
					r.Log.Warn("cannot withdraw remote playback from the desktop", "err", err)
				}
			}
		case StartLogin:
			o := login.Options{Paths: r.Paths, Config: f.Config, ShowDialog: f.ShowDialog, Out: lineLog{r.Log}}
			r.background(func() Event {
				res, err := r.Login(r.ctx, o)
				return LoginFinished{Result: res, Err: err}
			})
		case Copy:
			r.background(func() Event { return r.copy(f) })
		case SaveSettings:
			if err := settings.Save(r.Paths.StateDir, f.Settings); err != nil {
				r.Log.Error("cannot save the tray settings", "err", err)
			}
		case SetAutostart:
			r.background(func() Event { return r.setAutostart(f) })
		case RemoveLogin:
			r.background(func() Event { return LoginRemoved{Err: account.New(r.Paths, f.Config).Store.Remove()} })
		case OpenURL:
			r.background(func() Event {
				if err := r.Open(f.URL); err != nil {
					return OpenFailed{err}
				}
				return nil
			})
		case Quit:
			// The loop ends after this event; its exit removes the icon.
		}
	}
}

// wakeAt posts Woke at t.
func (r *Runner) wakeAt(t time.Time) {
	time.AfterFunc(time.Until(t), func() { r.post(Woke{}) })
}

// mprisMethods are the org.mpris.MediaPlayer2.Player methods of the
// actions.
var mprisMethods = [...]string{PlayPause: mpris.PlayPause, Play: mpris.Play, Pause: mpris.Pause, Next: mpris.Next, Previous: mpris.Previous}

// ActionOf is the action for a Player method the desktop called on the
// player spotray exports. Stop is Pause: playback on another device can
// only be paused from here, and pausing is what a Stop key means to it.
func ActionOf(method string) (Action, bool) {
	if method == mpris.Stop {
		return Pause, true
	}
	i := slices.Index(mprisMethods[:], method)
	return Action(i), i >= 0
}

// webCommands are the Web API's commands of the actions (PlayPause is
// resolved before).
var webCommands = [...]spotify.Command{Play: spotify.Play, Pause: spotify.Pause, Next: spotify.Next, Previous: spotify.Previous}

// control carries out a playback action.
func (r *Runner) control(c Control) Event {
	if c.Bus != "" {
		err := errors.New("no session bus to reach the local player")
		if r.Players != nil {
			err = r.Players.Command(r.ctx, c.Bus, mprisMethods[c.Action])
		}
		return Controlled{Action: c.Action, Local: true, Err: err}
	}
	return Controlled{Action: c.Action, Err: account.New(r.Paths, c.Config).API.Control(r.ctx, webCommands[c.Action])}
}

// Post hands an event from outside the app (a local player watched over
// MPRIS, the desktop's media controls, a notification's action) to the
// loop; it blocks until the loop takes it, and drops it after exit.
func (r *Runner) Post(e Event) {
	<-r.startedCh()
	r.post(e)
}

// startPoller replaces the playback poller with one for e's login.
func (r *Runner) startPoller(e StartWatching) {
	r.stopPolling()
	ctx, cancel := context.WithCancel(r.ctx)
	p := &playback.Poller{
		Client:   account.New(r.Paths, e.Config).API,
		Interval: e.Config.PollInterval,
		Updates:  func(u playback.Update) { r.post(Polled{Watch: e.Watch, Update: u}) },
	}
	r.poller, r.stopPoller = p, cancel
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		p.Run(ctx)
	}()
}

func (r *Runner) stopPolling() {
	if r.stopPoller != nil {
		r.stopPoller()
	}
	r.poller, r.stopPoller = nil, nil
}

// copy puts e's token on the clipboard: for a script, a new grant's,
// made in the browser and stored nowhere.
func (r *Runner) copy(e Copy) Event {
	acct := account.New(r.Paths, e.Config)
	c := Copied{What: e.What}
	if e.What == ScriptToken {
		o := login.Options{Paths: r.Paths, Config: e.Config, Out: lineLog{r.Log}, Handoff: true}
		res, err := r.Login(r.ctx, o)
		if err == nil {
			c.ClientID, c.WithSecret, c.LoginEndsAt = res.Config.ClientID, res.Config.ClientSecret != "", res.Token.LoginEndsAt()
			err = r.Copy(res.Token.RefreshToken)
		}
		c.Err = err
		return c
	}
	tok, err := acct.Tokens.Token(r.ctx)
	if err == nil {
		c.ValidUntil = tok.Expiry
		err = r.Copy(tok.AccessToken)
	}
	c.Err = err
	return c
}

// setAutostart writes or removes the autostart entry and then reports what
// is on disk, which is what matters at the next login.
func (r *Runner) setAutostart(e SetAutostart) Event {
	var err error
	if e.On {
		var exe string
		if exe, err = os.Executable(); err == nil {
			err = r.Launcher.Enable(exe)
		}
	} else {
		err = r.Launcher.Disable()
	}
	on, rerr := r.Launcher.Enabled()
	if rerr != nil {
		on = e.Was
	}
	return AutostartChanged{On: on, Err: errors.Join(err, rerr)}
}

// finish waits a little for background work (a login shutting its server
// down, a copy in flight) so that exit is clean but prompt.
func (r *Runner) finish() {
	r.stopPolling()
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(exitGrace):
		r.Log.Warn("exiting with background work unfinished")
	}
}

// lineLog is an io.Writer that logs each write as one line, for the login
// URL: a tray started at login has nobody reading its stderr.
type lineLog struct{ log *slog.Logger }

func (l lineLog) Write(p []byte) (int, error) {
	l.log.Info(strings.TrimSpace(string(p)))
	return len(p), nil
}
