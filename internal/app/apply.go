package app

import (
	"errors"
	"log/slog"
	"time"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/settings"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

// Startup is what the tray finds when it starts: the results of reading
// its files and looking at the desktop (see Load).
type Startup struct {
	// Config is the configuration to run on, and ConfigErr what was wrong
	// with config.toml or the environment (Config is then the fallback
	// config.Load returns).
	Config    config.Config
	ConfigErr error
	// Login is the stored login (nil when LoginErr is set). LoginErr
	// matches tokens.ErrNotLoggedIn when there is none.
	Login    *tokens.Token
	LoginErr error
	// Settings are the tray settings; SettingsErr is logged.
	Settings    settings.Settings
	SettingsErr error
	// Autostart is whether "Launch at login" is on; AutostartErr is logged.
	Autostart    bool
	AutostartErr error
	// TrayHostMissing: no panel can show the icon yet; TrayHostErr: could
	// not tell.
	TrayHostMissing bool
	TrayHostErr     error
}

// Init is the first state, from what the tray found at start, and the
// effects that start it: problems to report, and watching playback when
// there is a login.
func Init(st Startup, now time.Time) (State, []Effect) {
	s := State{Config: st.Config, Settings: st.Settings, Autostart: st.Autostart}
	var fx []Effect
	if st.ConfigErr != nil {
		s.ConfigProblem = configProblem(st.ConfigErr)
		fx = append(fx,
			logf(slog.LevelError, "config file problem: using the defaults and the environment until it is fixed", "err", st.ConfigErr),
			Notify{configNote(st.ConfigErr)})
	}
	if st.SettingsErr != nil {
		fx = append(fx, logf(slog.LevelWarn, "tray settings unreadable", "err", st.SettingsErr))
	}
	if st.AutostartErr != nil {
		fx = append(fx, logf(slog.LevelWarn, "cannot tell whether spotray launches at login", "err", st.AutostartErr))
	}
	var corrupt *tokens.CorruptError
	var other *tokens.OtherAppError
	switch err := st.LoginErr; {
	case err == nil:
		s = connected(s, st.Login)
	case errors.As(err, &corrupt):
		s.LoginProblem = problemUnusableLogin
		fx = append(fx, logf(slog.LevelWarn, "stored login unusable", "err", err), Notify{unusableLoginNote(corrupt)})
	case errors.As(err, &other):
		s.LoginProblem = problemOtherApp
		fx = append(fx, logf(slog.LevelWarn, "stored login is for another client ID: connect again", "err", err))
	case errors.Is(err, tokens.ErrNotLoggedIn):
	default:
		s.LoginProblem = problemUnreadable
		fx = append(fx, logf(slog.LevelError, "cannot read the stored login", "err", err))
	}
	switch {
	case st.TrayHostErr != nil:
		fx = append(fx, logf(slog.LevelWarn, "cannot check for a system tray", "err", st.TrayHostErr))
	case st.TrayHostMissing:
		fx = append(fx,
			logf(slog.LevelWarn, "no system tray is running, so spotray's icon cannot be shown yet; it appears when one starts. "+trayHostFix),
			Notify{noTrayHostNote()})
	}
	if s.Connected {
		var more []Effect
		s, more = startWatching(s, now)
		fx = append(fx, more...)
		s, more = checkExpiry(s, now)
		fx = append(fx, more...)
	}
	return s, append(fx, logf(slog.LevelInfo, "tray starting", "connected", s.Connected))
}

// Apply is the tray's transition: the state after e happened at now, and
// what to do about it. It is pure: all it knows comes in s and e.
func Apply(s State, e Event, now time.Time) (State, []Effect) {
	switch e := e.(type) {
	case Clicked:
		return applyClick(s, e.Item, e.Shown)
	case MenuOpened:
		// Whoever opens the menu wants to see what plays now, not what
		// played at the last poll (up to a minute ago when idle).
		if s.Connected {
			return s, []Effect{PollNow{}}
		}
	case Polled:
		if e.Watch == s.Watch && s.Connected {
			return polled(s, e.Update)
		}
	case LoginFinished:
		return loginFinished(s, e, now)
	case Copied:
		return copied(s, e, now)
	case LoginRemoved:
		if e.Err != nil {
			return s, []Effect{logf(slog.LevelError, "disconnect failed", "err", e.Err), Notify{disconnectFailedNote(e.Err)}}
		}
		s, fx := disconnected(s)
		return s, append(fx, logf(slog.LevelInfo, "disconnected: stored login removed"))
	case AutostartChanged:
		s.Autostart = e.On
		if e.Err != nil {
			return s, []Effect{logf(slog.LevelError, "cannot change Launch at login", "err", e.Err), Notify{autostartFailedNote(e.Err)}}
		}
		return s, []Effect{logf(slog.LevelInfo, "launch at login switched", "on", e.On)}
	case OpenFailed:
		return s, []Effect{logf(slog.LevelWarn, "cannot open the browser", "err", e.Err), Notify{openFailedNote(e.Err)}}
	case MinutePassed:
		return checkExpiry(s, now)
	case LocalChanged:
		return localChanged(s, e.Player, now)
	case Woke:
		return follow(s, now)
	case Activated:
		// Panels that open the menu with the other button (lxqt-panel,
		// KDE) send this for the primary click: a tray icon for a player
		// is expected to play or pause, as media widgets do. Without a
		// login it does what the menu's first entry does.
		if !s.Connected {
			return applyClick(s, menu.Connect, menu.Target{})
		}
		return act(s, PlayPause)
	case Commanded:
		if !s.Following && !s.Grant.Control {
			// A media key is no moment for a browser to pop up: say
			// what would make it work.
			return s, []Effect{Notify{reconsentNote()}}
		}
		return act(s, e.Action)
	case Controlled:
		return controlled(s, e)
	case SavedKnown:
		return savedKnown(s, e)
	case NoteAction:
		return noteAction(s, e)
	}
	return s, nil
}

// applyClick takes a click on entry id of a menu that showed shown: the
// entries about the current item act on the one the user saw.
func applyClick(s State, id menu.ID, shown menu.Target) (State, []Effect) {
	fx := []Effect{logf(slog.LevelDebug, "menu click", "entry", int(id))}
	switch id {
	case menu.Connect:
		// One login at a time: both need the callback port.
		if s.Connecting || s.Granting {
			break
		}
		s.Connecting = true
		s.LoginProblem = ""
		fx = append(fx, logf(slog.LevelInfo, "login started", "show_dialog", s.LoginFailed),
			StartLogin{Config: s.Config, ShowDialog: s.LoginFailed})
	case menu.PlayPause:
		// What the label said, even if playback turned meanwhile.
		a := Play
		if shown.Playing {
			a = Pause
		}
		s, more := act(s, a)
		return s, append(fx, more...)
	case menu.Next:
		s, more := act(s, Next)
		return s, append(fx, more...)
	case menu.Previous:
		s, more := act(s, Previous)
		return s, append(fx, more...)
	case menu.Like:
		if shown.Key == "" {
			break
		}
		s, more := like(s, shown.Key, !shown.Saved)
		return s, append(fx, more...)
	case menu.Playing:
		// Opens the item in Spotify (the web player or the app, as the
		// browser decides).
		if s.Connected && shown.URL != "" {
			fx = append(fx, OpenURL{shown.URL})
		}
	case menu.CopyScriptToken:
		if s.Connected && !s.Granting && !s.Connecting {
			s.Granting = true
			fx = append(fx, logf(slog.LevelInfo, "grant for a script started"), Copy{What: ScriptToken, Config: s.Config})
		}
	case menu.CopyAccessToken:
		if s.Connected {
			fx = append(fx, Copy{What: AccessToken, Config: s.Config})
		}
	case menu.Notifications:
		on := !s.Settings.NotificationsOn()
		s.Settings.Notifications = &on
		fx = append(fx, SaveSettings{s.Settings}, logf(slog.LevelInfo, "notifications switched", "on", on))
	case menu.Autostart:
		fx = append(fx, SetAutostart{On: !s.Autostart, Was: s.Autostart})
	case menu.Disconnect:
		if s.Connected {
			fx = append(fx, RemoveLogin{s.Config})
		}
	case menu.Quit:
		s.Quitting = true
		fx = append(fx, logf(slog.LevelInfo, "quit from the menu"), Quit{})
	}
	return s, fx
}

// polled takes a poll's result: the login's end, trouble, or what plays.
func polled(s State, u playback.Update) (State, []Effect) {
	if err := u.Trouble.Err; err != nil && account.Classify(err) != account.Kept {
		return loginGone(s, err)
	}
	var fx []Effect
	unwritable, _ := account.FileTrouble(u.Trouble.Err)
	if unwritable != s.Unwritable && unwritable.Reason != 0 {
		fx = append(fx, logf(slog.LevelError, unwritableText(unwritable), "err", u.Trouble.Err))
	}
	s.Unwritable = unwritable
	if u.Trouble.Kind != s.Trouble.Kind {
		if u.Trouble.Kind == playback.None {
			fx = append(fx, logf(slog.LevelInfo, "Spotify answers again"))
		} else {
			fx = append(fx, logf(slog.LevelWarn, "Spotify trouble", "kind", u.Trouble.Kind.String(),
				"until", u.Trouble.Until, "err", u.Trouble.Err))
		}
	}
	s.Trouble = u.Trouble
	if s.Following {
		// A poll that was running when the local player took over: the
		// local player knows better.
		return s, fx
	}
	prev := s.Playback.Item.Key
	s.Playback = u.Status
	if s.Pending != nil && u.Trouble.Kind == playback.None {
		// Until the command is answered, the label it flipped stays.
		s.Playback.Playing = *s.Pending
	}
	if it := u.Announce; it != nil {
		var more []Effect
		s, more = announce(s, *it, u.Status)
		fx = append(fx, more...)
	}
	s, more := itemChanged(s, prev)
	return exportRemote(s, append(fx, more...))
}

func loginFinished(s State, e LoginFinished, now time.Time) (State, []Effect) {
	s.Connecting = false
	if e.Err != nil {
		s.LoginFailed = true
		s.LoginProblem = loginProblem(e.Err)
		return s, []Effect{logf(slog.LevelWarn, "login failed", "err", e.Err), Notify{loginFailedNote(e.Err)}}
	}
	s.LoginFailed = false
	s.Config = e.Result.Config
	s = connected(s, e.Result.Token)
	fx := []Effect{logf(slog.LevelInfo, "login succeeded", "user", e.Result.Token.User), Notify{connectedNote(e.Result.Token.User)}}
	s, more := startWatching(s, now)
	fx = append(fx, more...)
	s, more = checkExpiry(s, now)
	return s, append(fx, more...)
}

func copied(s State, e Copied, now time.Time) (State, []Effect) {
	if e.What == ScriptToken {
		s.Granting = false
	}
	if e.Err != nil {
		if account.Classify(e.Err) != account.Kept {
			return loginGone(s, e.Err)
		}
		return s, []Effect{logf(slog.LevelWarn, "copy "+secretName(e.What)+" failed", "err", e.Err),
			Notify{copyFailedNote(e.What, e.Err)}}
	}
	if e.What == ScriptToken {
		return s, []Effect{logf(slog.LevelInfo, "refresh token for a script copied to the clipboard"), Notify{copiedNote(e, now)}}
	}
	return s, []Effect{logf(slog.LevelInfo, "access token copied to the clipboard", "valid_until", e.ValidUntil),
		Notify{copiedNote(e, now)}}
}

// loginGone handles an error that means there is no login any more, from
// whichever action met it first; the rest find the tray disconnected.
func loginGone(s State, err error) (State, []Effect) {
	if !s.Connected {
		return s, nil
	}
	s, fx := disconnected(s)
	if account.Classify(err) == account.Ended {
		// Spotify refused the refresh token (revoked, or six months
		// old), or the API refuses even a fresh access token.
		s.LoginEnded = true
		s.LoginFailed = true
		return s, append(fx, logf(slog.LevelWarn, "Spotify ended the login", "err", err), Notify{loginEndedNote(err)})
	}
	// The stored login disappeared from under the tray, as `spotray
	// logout` in a terminal does: the menu follows, quietly, unless the
	// file became unusable.
	var corrupt *tokens.CorruptError
	if errors.As(err, &corrupt) {
		s.LoginProblem = problemUnusableLogin
		return s, append(fx, logf(slog.LevelWarn, "stored login unusable", "err", err), Notify{unusableLoginNote(corrupt)})
	}
	return s, append(fx, logf(slog.LevelInfo, "the stored login is gone", "err", err))
}

// connected is s with tok as its login.
func connected(s State, tok *tokens.Token) State {
	s.Connected = true
	s.User = tok.User
	s.Grant = spotify.Granted(tok.Scope)
	s.LoginEndsAt = tok.LoginEndsAt()
	s.LoginEnded = false
	s.Trouble = playback.Trouble{}
	s.Unwritable = account.Unwritable{}
	return s
}

// disconnected is s without a login, and the poller stopped.
func disconnected(s State) (State, []Effect) {
	s.Connected = false
	s.User = ""
	s.LoginEndsAt = time.Time{}
	s.LoginEnded = false
	s.Playback = playback.Status{}
	s.Trouble = playback.Trouble{}
	s.Unwritable = account.Unwritable{}
	s.Grant = spotify.Grant{}
	s.Following, s.PausedSince, s.Heard, s.Saved, s.Pending = false, time.Time{}, Heard{}, Saved{}, nil
	s.Watch++
	fx := []Effect{StopWatching{}}
	if s.Exported != nil {
		s.Exported = nil
		fx = append(fx, Unexport{})
	}
	return s, fx
}

// startWatching starts a new poller for the login, replacing any other,
// held at once when a local player already shows what plays.
func startWatching(s State, now time.Time) (State, []Effect) {
	s.Watch++
	s.Following = false
	fx := []Effect{StartWatching{Watch: s.Watch, Config: s.Config}}
	s, more := follow(s, now)
	return s, append(fx, more...)
}

// checkExpiry announces the coming end of the login, once a day at most.
func checkExpiry(s State, now time.Time) (State, []Effect) {
	if !s.Connected || !warnExpiry(s.LoginEndsAt, now, s.Settings.ExpiryWarned) {
		return s, nil
	}
	s.Settings.ExpiryWarned = now
	return s, []Effect{
		logf(slog.LevelInfo, "login ends soon", "at", s.LoginEndsAt),
		Notify{expiryNote(s.LoginEndsAt, now)},
		SaveSettings{s.Settings},
	}
}

// warnExpiry decides whether to announce the coming end of the login now:
// within menu.ExpiryWarningDays, and at most once per calendar day (in
// now's location). lastWarned is when it was last announced (zero: never).
func warnExpiry(ends, now, lastWarned time.Time) bool {
	if _, soon := menu.LoginExpiry(ends, now); !soon {
		return false
	}
	if lastWarned.IsZero() {
		return true
	}
	ly, lm, ld := lastWarned.In(now.Location()).Date()
	y, m, d := now.Date()
	return ly != y || lm != m || ld != d
}

func logf(level slog.Level, msg string, args ...any) Log {
	return Log{Level: level, Msg: msg, Args: args}
}
