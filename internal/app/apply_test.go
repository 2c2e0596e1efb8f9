package app

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/hook"
	"github.com/spotray/spotray/internal/login"
	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/notify"
	"github.com/spotray/spotray/internal/nowplaying"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/settings"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

var (
	utc = time.UTC
	now = time.Date(2026, 11, 3, 14, 0, 0, 0, utc)
	cfg = config.Config{ClientID: "0123456789abcdef0123456789abcdef", RedirectURI: config.DefaultRedirectURI}

	// login was authorized three months ago: far from its end.
	login3m = &tokens.Token{ClientID: cfg.ClientID, AccessToken: "a", RefreshToken: "r", User: "Demo Listener",
		AuthorizedAt: now.AddDate(0, -3, 0)}
	// endingLogin ends in five days.
	endingLogin = &tokens.Token{ClientID: cfg.ClientID, AccessToken: "a", RefreshToken: "r", User: "Demo Listener",
		AuthorizedAt: now.AddDate(0, -6, 5)}

	song = playback.Item{Kind: playback.Track, Key: "spotify:track:1", Title: "Mr. Brightside",
		Artists: []string{"The Killers"}, Album: "Hot Fuss", URL: "https://open.spotify.com/track/1",
		ImageURL: "https://i.scdn.co/image/1"}

	errEnded = fmt.Errorf("currently playing: refresh access token: Spotify answered invalid_grant: Refresh token revoked: %w",
		tokens.ErrLoginEnded)
)

// connectedState is a tray that started with login3m.
func connectedState() State {
	s, _ := Init(Startup{Config: cfg, Login: login3m}, now)
	return s
}

func playingState() State {
	s := connectedState()
	s.Playback = playback.Status{Item: song, Playing: true, At: now}
	return s
}

// notesIn returns the notifications among fx.
func notesIn(fx []Effect) []notify.Notification {
	var ns []notify.Notification
	for _, f := range fx {
		if n, ok := f.(Notify); ok {
			ns = append(ns, n.Note)
		}
	}
	return ns
}

// acts is fx without the log lines: what the tray does.
func acts(fx []Effect) []Effect {
	var out []Effect
	for _, f := range fx {
		if _, ok := f.(Log); !ok {
			out = append(out, f)
		}
	}
	return out
}

// logged reports whether fx logs a line containing msg.
func logged(fx []Effect, msg string) bool {
	for _, f := range fx {
		if l, ok := f.(Log); ok && strings.Contains(l.Msg, msg) {
			return true
		}
	}
	return false
}

// summaries are the notifications' summaries.
func summaries(fx []Effect) []string {
	var out []string
	for _, n := range notesIn(fx) {
		out = append(out, n.Summary)
	}
	return out
}

func kinds(fx []Effect) string {
	var out []string
	for _, f := range acts(fx) {
		out = append(out, strings.TrimPrefix(fmt.Sprintf("%T", f), "app."))
	}
	return strings.Join(out, " ")
}

// step is one event of a case.
type step struct {
	e    Event
	at   time.Time // zero: now
	acts string    // the effects it makes, by type, logs left out
	// notes are the notifications' summaries, in order (nil: none).
	notes []string
	check func(t *testing.T, s State, fx []Effect)
}

// asShown completes a click as the tray reports it: on the menu it shows
// for s, unless the click names a menu of its own.
func asShown(s State, e Event, at time.Time) Event {
	if c, ok := e.(Clicked); ok && c.Shown == (menu.Target{}) {
		c.Shown = s.Menu(at, "linux").Target
		return c
	}
	return e
}

func run(t *testing.T, s State, steps []step) {
	t.Helper()
	for i, st := range steps {
		at := st.at
		if at.IsZero() {
			at = now
		}
		var fx []Effect
		s, fx = Apply(s, asShown(s, st.e, at), at)
		if got := kinds(fx); got != st.acts {
			t.Errorf("step %d (%T): effects %q, want %q", i, st.e, got, st.acts)
		}
		if got := summaries(fx); !reflect.DeepEqual(got, st.notes) {
			t.Errorf("step %d (%T): notifications %q, want %q", i, st.e, got, st.notes)
		}
		if st.check != nil {
			st.check(t, s, fx)
		}
	}
}

func TestInit(t *testing.T) {
	corrupt := &tokens.CorruptError{Path: "/c/token.json.bad", Err: errors.New("unexpected end of JSON input")}
	broken := &config.FileError{Path: "/c/config.toml", Line: 3, Msg: "unknown setting client-id"}
	for _, tc := range []struct {
		name    string
		st      Startup
		acts    string
		notes   []string
		check   func(t *testing.T, s State, fx []Effect)
		problem string // what the menu's notice line says
	}{
		{name: "first run", st: Startup{Config: cfg, LoginErr: tokens.ErrNotLoggedIn}, check: func(t *testing.T, s State, fx []Effect) {
			if s.Connected || !logged(fx, "tray starting") {
				t.Errorf("state %+v", s)
			}
		}},
		{name: "stored login", st: Startup{Config: cfg, Login: login3m}, acts: "StartWatching",
			check: func(t *testing.T, s State, fx []Effect) {
				if !s.Connected || s.User != "Demo Listener" || !s.LoginEndsAt.Equal(login3m.AuthorizedAt.AddDate(0, 6, 0)) {
					t.Errorf("state %+v", s)
				}
				if w := acts(fx)[0].(StartWatching); w.Watch != s.Watch || !reflect.DeepEqual(w.Config, cfg) {
					t.Errorf("watching %+v, state's watch %d", w, s.Watch)
				}
			}},
		{name: "broken config", st: Startup{Config: cfg, ConfigErr: broken, LoginErr: tokens.ErrNotLoggedIn},
			acts: "Notify", notes: []string{"spotray cannot use its settings"},
			problem: "config.toml line 3: unknown setting client-id"},
		{name: "broken config, logged in", st: Startup{Config: cfg, ConfigErr: broken, Login: login3m},
			acts: "Notify StartWatching", notes: []string{"spotray cannot use its settings"},
			problem: "config.toml line 3: unknown setting client-id"},
		{name: "environment wrong", st: Startup{Config: cfg, ConfigErr: errors.New("SPOTRAY_API_URL: \"ftp://x\" is not an http(s) URL"), LoginErr: tokens.ErrNotLoggedIn},
			acts: "Notify", notes: []string{"spotray cannot use its settings"},
			problem: "SPOTRAY_API_URL: \"ftp://x\" is not an http(s) URL"},
		{name: "corrupt token file", st: Startup{Config: cfg, LoginErr: corrupt},
			acts: "Notify", notes: []string{"spotray cannot use its stored login"}, problem: problemUnusableLogin,
			check: func(t *testing.T, s State, fx []Effect) {
				if b := notesIn(fx)[0].Body; !strings.Contains(b, "/c/token.json.bad") || !strings.Contains(b, "Connect Spotify") {
					t.Errorf("body %q", b)
				}
			}},
		{name: "login of another app", st: Startup{Config: cfg, LoginErr: &tokens.OtherAppError{Stored: "x", Configured: cfg.ClientID}},
			problem: problemOtherApp},
		{name: "token file unreadable", st: Startup{Config: cfg, LoginErr: errors.New("load token: permission denied")},
			problem: problemUnreadable},
		{name: "both problems", st: Startup{Config: cfg, ConfigErr: broken, LoginErr: corrupt},
			acts: "Notify Notify", notes: []string{"spotray cannot use its settings", "spotray cannot use its stored login"},
			problem: problemUnusableLogin + "; config.toml line 3: unknown setting client-id"},
		{name: "no panel", st: Startup{Config: cfg, LoginErr: tokens.ErrNotLoggedIn, TrayHostMissing: true},
			acts: "Notify", notes: []string{"spotray's icon cannot be shown"},
			check: func(t *testing.T, s State, fx []Effect) {
				if !strings.Contains(notesIn(fx)[0].Body, "AppIndicator") || !logged(fx, "no system tray") {
					t.Errorf("the GNOME fix is missing: %+v", fx)
				}
			}},
		{name: "panel unknown", st: Startup{Config: cfg, LoginErr: tokens.ErrNotLoggedIn, TrayHostErr: errors.New("bus hung up")},
			check: func(t *testing.T, s State, fx []Effect) {
				if !logged(fx, "cannot check for a system tray") {
					t.Error("not logged")
				}
			}},
		{name: "settings and autostart unreadable", st: Startup{Config: cfg, LoginErr: tokens.ErrNotLoggedIn,
			SettingsErr: errors.New("bad json"), AutostartErr: errors.New("no home")},
			check: func(t *testing.T, s State, fx []Effect) {
				if !logged(fx, "tray settings unreadable") || !logged(fx, "launches at login") || !s.Settings.NotificationsOn() {
					t.Errorf("state %+v", s)
				}
			}},
		{name: "login ends soon", st: Startup{Config: cfg, Login: endingLogin},
			acts: "StartWatching Notify SaveSettings", notes: []string{"Spotify login: log in again within 5 days"},
			check: func(t *testing.T, s State, fx []Effect) {
				if !s.Settings.ExpiryWarned.Equal(now) || !acts(fx)[2].(SaveSettings).Settings.ExpiryWarned.Equal(now) {
					t.Errorf("warning not recorded: %+v", s.Settings)
				}
			}},
		{name: "login ends soon, warned this morning", st: Startup{Config: cfg, Login: endingLogin,
			Settings: settings.Settings{ExpiryWarned: now.Add(-5 * time.Hour)}}, acts: "StartWatching"},
		{name: "settings restored", st: Startup{Config: cfg, LoginErr: tokens.ErrNotLoggedIn,
			Settings: settings.Settings{Notifications: new(bool)}, Autostart: true},
			check: func(t *testing.T, s State, fx []Effect) {
				m := s.Menu(now, "linux")
				if m.Items[menu.Notifications].Checked || !m.Items[menu.Autostart].Checked {
					t.Errorf("checkboxes %+v %+v", m.Items[menu.Notifications], m.Items[menu.Autostart])
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, fx := Init(tc.st, now)
			if got := kinds(fx); got != tc.acts {
				t.Errorf("effects %q, want %q", got, tc.acts)
			}
			if got := summaries(fx); !reflect.DeepEqual(got, tc.notes) {
				t.Errorf("notifications %q, want %q", got, tc.notes)
			}
			if got := s.Menu(now, "linux").Items[menu.Notice].Label; got != menu.Build(menu.View{Problem: tc.problem, Now: now}, "linux").Items[menu.Notice].Label && !s.Connected {
				t.Errorf("notice %q, want %q", got, tc.problem)
			}
			if s.View(now).Problem != tc.problem {
				t.Errorf("problem %q, want %q", s.View(now).Problem, tc.problem)
			}
			if tc.check != nil {
				tc.check(t, s, fx)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	declined := fmt.Errorf("login: %w", login.ErrDeclined)
	success := LoginFinished{Result: &login.Result{Token: login3m, Config: cfg}}
	notConnected, _ := Init(Startup{Config: config.Config{RedirectURI: config.DefaultRedirectURI}, LoginErr: tokens.ErrNotLoggedIn}, now)
	t.Run("connect", func(t *testing.T) {
		run(t, notConnected, []step{
			{e: Clicked{Item: menu.Connect}, acts: "StartLogin", check: func(t *testing.T, s State, fx []Effect) {
				if !s.Connecting || acts(fx)[0].(StartLogin).ShowDialog {
					t.Errorf("state %+v, effects %+v", s, fx)
				}
				if l := s.Menu(now, "linux").Items[menu.Connect]; l.Enabled || !strings.Contains(l.Label, "browser") {
					t.Errorf("Connect entry %+v while connecting", l)
				}
			}},
			{e: Clicked{Item: menu.Connect}}, // a second click while the browser is open starts nothing
			{e: success, acts: "Notify StartWatching", notes: []string{"Connected to Spotify"},
				check: func(t *testing.T, s State, fx []Effect) {
					if !s.Connected || s.Connecting || !reflect.DeepEqual(s.Config, cfg) || s.Watch != 1 {
						t.Errorf("state %+v", s)
					}
					if b := notesIn(fx)[0].Body; !strings.Contains(b, "Demo Listener") {
						t.Errorf("body %q", b)
					}
				}},
		})
	})
	t.Run("declined, then again with the consent page", func(t *testing.T) {
		run(t, notConnected, []step{
			{e: Clicked{Item: menu.Connect}, acts: "StartLogin"},
			{e: LoginFinished{Err: declined}, notes: []string{"Spotify login failed"}, acts: "Notify",
				check: func(t *testing.T, s State, fx []Effect) {
					if s.Connecting || !s.LoginFailed || s.View(now).Problem != "Not connected: access declined on Spotify's page" {
						t.Errorf("state %+v", s)
					}
				}},
			{e: Clicked{Item: menu.Connect}, acts: "StartLogin", check: func(t *testing.T, s State, fx []Effect) {
				if !acts(fx)[0].(StartLogin).ShowDialog || s.LoginProblem != "" {
					t.Errorf("retry %+v, problem %q", fx, s.LoginProblem)
				}
			}},
			{e: success, acts: "Notify StartWatching", notes: []string{"Connected to Spotify"},
				check: func(t *testing.T, s State, fx []Effect) {
					if s.LoginFailed {
						t.Error("a success still counts as a failure")
					}
				}},
		})
	})
	for _, tc := range []struct {
		err     error
		problem string
	}{
		{login.ErrTimeout, "Login timed out: nothing came back from the browser"},
		{login.ErrNotAllowed, "Login failed: this account may not use the Spotify app"},
		{login.ErrPortUnavailable, "Login failed: the callback port is in use"},
		{errors.New("token exchange failed"), "Login failed: see the notification or the log"},
	} {
		s, _ := Apply(notConnected, LoginFinished{Err: fmt.Errorf("login: %w", tc.err)}, now)
		if s.LoginProblem != tc.problem {
			t.Errorf("%v: problem %q, want %q", tc.err, s.LoginProblem, tc.problem)
		}
	}
	t.Run("login ending soon warns at once", func(t *testing.T) {
		run(t, notConnected, []step{{e: LoginFinished{Result: &login.Result{Token: endingLogin, Config: cfg}},
			acts:  "Notify StartWatching Notify SaveSettings",
			notes: []string{"Connected to Spotify", "Spotify login: log in again within 5 days"}}})
	})
}

func TestPlaybackAndTrouble(t *testing.T) {
	s := connectedState()
	w := s.Watch
	upd := func(u playback.Update) Polled { return Polled{Watch: w, Update: u} }
	offline := playback.Trouble{Kind: playback.Offline, Until: now.Add(4 * time.Second), Err: errors.New("Spotify API 503: Service Unavailable")}
	limited := playback.Trouble{Kind: playback.RateLimited, Until: now.Add(30 * time.Second), Err: &spotify.Error{Status: 429}}
	st := playback.Status{Item: song, Playing: true, At: now}
	run(t, s, []step{
		{e: upd(playback.Update{Status: st}), check: func(t *testing.T, s State, fx []Effect) {
			if s.Menu(now, "linux").Items[menu.Playing].Label != "Mr. Brightside — The Killers" {
				t.Errorf("menu %+v", s.Menu(now, "linux").Items[menu.Playing])
			}
		}},
		{e: upd(playback.Update{Status: st, Announce: &song}), acts: "Notify", notes: []string{"Mr. Brightside"},
			check: func(t *testing.T, s State, fx []Effect) {
				n := notesIn(fx)[0]
				if n.Body != "The Killers\nHot Fuss" || !n.Replace || n.ImageURL != song.ImageURL {
					t.Errorf("announcement %+v", n)
				}
			}},
		{e: upd(playback.Update{Status: st, Trouble: offline}), check: func(t *testing.T, s State, fx []Effect) {
			m := s.Menu(now, "linux")
			if !logged(fx, "Spotify trouble") || m.Icon != menu.IconTrouble || m.Items[menu.Notice].Label != "Offline: retrying…" {
				t.Errorf("offline: icon %v, notice %q, logs %+v", m.Icon, m.Items[menu.Notice].Label, fx)
			}
			if m.Items[menu.Playing].Label != "Mr. Brightside — The Killers" {
				t.Errorf("the last item is not kept while offline: %q", m.Items[menu.Playing].Label)
			}
		}},
		// Trouble goes on: logged once, not on every failed poll.
		{e: upd(playback.Update{Status: st, Trouble: offline}), check: func(t *testing.T, s State, fx []Effect) {
			if logged(fx, "Spotify trouble") {
				t.Error("the same trouble logged again")
			}
		}},
		{e: upd(playback.Update{Status: st, Trouble: limited}), check: func(t *testing.T, s State, fx []Effect) {
			if n := s.Menu(now, "linux").Items[menu.Notice].Label; n != "Rate-limited by Spotify: retrying at 14:00" {
				t.Errorf("notice %q", n)
			}
		}},
		{e: upd(playback.Update{Status: st}), check: func(t *testing.T, s State, fx []Effect) {
			if !logged(fx, "Spotify answers again") || s.Menu(now, "linux").Icon != menu.IconConnected {
				t.Error("recovery not shown")
			}
		}},
		// A poller stopped earlier still reports: ignored.
		{e: Polled{Watch: w - 1, Update: playback.Update{Trouble: offline}}, check: func(t *testing.T, s State, fx []Effect) {
			if s.Trouble.Kind != playback.None {
				t.Error("a stale poller's update was taken")
			}
		}},
		{e: Clicked{Item: menu.Notifications}, acts: "SaveSettings", check: func(t *testing.T, s State, fx []Effect) {
			if s.Settings.NotificationsOn() || acts(fx)[0].(SaveSettings).Settings.NotificationsOn() {
				t.Error("Notifications still on")
			}
		}},
		// With notifications off a new track shows in the menu only.
		{e: upd(playback.Update{Status: st, Announce: &song})},
		{e: Clicked{Item: menu.Notifications}, acts: "SaveSettings"},
		{e: MenuOpened{}, acts: "PollNow"},
		{e: Clicked{Item: menu.Playing}, acts: "OpenURL", check: func(t *testing.T, s State, fx []Effect) {
			if acts(fx)[0].(OpenURL).URL != song.URL {
				t.Errorf("opens %+v", fx)
			}
		}},
		{e: OpenFailed{errors.New("no browser found")}, acts: "Notify", notes: []string{"Cannot open Spotify"}},
	})
}

func TestLoginGone(t *testing.T) {
	corrupt := &tokens.CorruptError{Path: "/c/token.json.bad", Err: errors.New("invalid character")}
	refused := fmt.Errorf("currently playing: %w; %w", &spotify.Error{Status: 401, Message: "Invalid access token"}, spotify.ErrTokenRefused)
	for _, tc := range []struct {
		name  string
		e     func(s State) Event
		notes []string
		ended bool   // the menu says Spotify ended the login
		prob  string // the menu's problem line
	}{
		{"invalid_grant on a poll", func(s State) Event {
			return Polled{Watch: s.Watch, Update: playback.Update{Trouble: playback.Trouble{Kind: playback.Offline, Err: errEnded}}}
		},
			[]string{"Spotify ended spotray's login"}, true, ""},
		{"fresh token refused on a poll", func(s State) Event {
			return Polled{Watch: s.Watch, Update: playback.Update{Trouble: playback.Trouble{Kind: playback.Offline, Err: refused}}}
		},
			[]string{"Spotify ended spotray's login"}, true, ""},
		{"logged out in a terminal", func(s State) Event {
			return Polled{Watch: s.Watch, Update: playback.Update{Trouble: playback.Trouble{Kind: playback.Offline, Err: tokens.ErrNotLoggedIn}}}
		},
			nil, false, ""},
		{"token file corrupted", func(s State) Event {
			return Polled{Watch: s.Watch, Update: playback.Update{Trouble: playback.Trouble{Kind: playback.Offline, Err: corrupt}}}
		},
			[]string{"spotray cannot use its stored login"}, false, problemUnusableLogin},
		{"invalid_grant on a copy", func(State) Event { return Copied{What: AccessToken, Err: errEnded} },
			[]string{"Spotify ended spotray's login"}, true, ""},
		{"logged out before a copy", func(State) Event { return Copied{What: ScriptToken, Err: tokens.ErrNotLoggedIn} },
			nil, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := playingState()
			watch := s.Watch
			s, fx := Apply(s, tc.e(s), now)
			if got := summaries(fx); !reflect.DeepEqual(got, tc.notes) {
				t.Errorf("notifications %q, want %q", got, tc.notes)
			}
			if !strings.HasPrefix(kinds(fx), "StopWatching") || s.Connected || s.Watch == watch {
				t.Errorf("still connected or watching: %+v, effects %q", s, kinds(fx))
			}
			m := s.Menu(now, "linux")
			if m.Items[menu.Connect].Label != "Connect Spotify" || m.Items[menu.Playing].Visible || m.Icon != menu.IconDisconnected {
				t.Errorf("menu %+v", m)
			}
			if s.LoginEnded != tc.ended || s.LoginFailed != tc.ended || s.LoginProblem != tc.prob {
				t.Errorf("ended %v, failed %v, problem %q", s.LoginEnded, s.LoginFailed, s.LoginProblem)
			}
			if tc.ended && m.Items[menu.Notice].Label != "Spotify ended this login" {
				t.Errorf("notice %q", m.Items[menu.Notice].Label)
			}
			// One path: whatever meets the end next finds no login to end.
			s2, fx := Apply(s, tc.e(s), now)
			if len(acts(fx)) != 0 || !reflect.DeepEqual(s2, s) {
				t.Errorf("the end handled twice: %q", kinds(fx))
			}
			// Connecting again clears the end.
			s, _ = Apply(s, Clicked{Item: menu.Connect}, now)
			s, _ = Apply(s, LoginFinished{Result: &login.Result{Token: login3m, Config: cfg}}, now)
			if s.LoginEnded || !s.Connected {
				t.Errorf("after a new login: %+v", s)
			}
		})
	}
}

func TestCopy(t *testing.T) {
	ends := login3m.AuthorizedAt.AddDate(0, 6, 0)
	entry := func(want string, enabled bool) func(*testing.T, State, []Effect) {
		return func(t *testing.T, s State, fx []Effect) {
			t.Helper()
			if it := s.Menu(now, "linux").Items[menu.CopyScriptToken]; it.Label != want || it.Enabled != enabled {
				t.Errorf("entry %+v, want %q enabled=%v", it, want, enabled)
			}
		}
	}
	body := func(want ...string) func(*testing.T, State, []Effect) {
		return func(t *testing.T, s State, fx []Effect) {
			t.Helper()
			b := notesIn(fx)[0].Body
			for _, w := range want {
				if !strings.Contains(b, w) {
					t.Errorf("body %q lacks %q", b, w)
				}
			}
		}
	}
	const waiting = "Refresh token for a script: finish in your browser"
	run(t, connectedState(), []step{
		// A new grant in the browser, never the tray's own token.
		{e: Clicked{Item: menu.CopyScriptToken}, acts: "Copy", check: func(t *testing.T, s State, fx []Effect) {
			if c := acts(fx)[0].(Copy); c.What != ScriptToken || !reflect.DeepEqual(c.Config, cfg) {
				t.Errorf("copy %+v", c)
			}
			entry(waiting, false)(t, s, fx)
		}},
		// One browser login at a time: both need the callback port.
		{e: Clicked{Item: menu.CopyScriptToken}},
		{e: Clicked{Item: menu.Connect}},
		{e: Copied{What: ScriptToken, ClientID: cfg.ClientID, LoginEndsAt: ends}, acts: "Notify",
			notes: []string{"Refresh token for a script copied"}, check: func(t *testing.T, s State, fx []Effect) {
				body(cfg.ClientID, "3 February 2027", "client_id in the form and no secret",
					"save the new refresh token of every answer", "website", "client secret")(t, s, fx)
				entry("Copy refresh token for a script…", true)(t, s, fx)
			}},
		{e: Clicked{Item: menu.CopyScriptToken}, acts: "Copy"},
		{e: Copied{What: ScriptToken, ClientID: cfg.ClientID, WithSecret: true, LoginEndsAt: ends}, acts: "Notify",
			notes: []string{"Refresh token for a script copied"}, check: body("HTTP Basic", "3 February 2027")},
		{e: Clicked{Item: menu.CopyAccessToken}, acts: "Copy"},
		{e: Copied{What: AccessToken, ValidUntil: now.Add(59 * time.Minute)}, acts: "Notify", notes: []string{"Access token copied"},
			check: body("14:59 (59 minutes)")},
		{e: Clicked{Item: menu.CopyScriptToken}, acts: "Copy"},
		{e: Copied{What: ScriptToken, Err: errors.New("no clipboard tool found: install xclip")}, acts: "Notify",
			notes: []string{"Could not copy the refresh token for a script"}, check: func(t *testing.T, s State, fx []Effect) {
				if !s.Connected || s.Granting || !strings.Contains(notesIn(fx)[0].Body, "install xclip") {
					t.Error("a clipboard failure should say what to install and keep the login")
				}
			}},
		{e: Clicked{Item: menu.CopyScriptToken}, acts: "Copy"},
		{e: Copied{What: ScriptToken, Err: fmt.Errorf("login: %w", login.ErrDeclined)}, acts: "Notify",
			notes: []string{"Could not copy the refresh token for a script"}, check: entry("Copy refresh token for a script…", true)},
		{e: Copied{What: AccessToken, Err: errors.New("refresh access token: dial tcp: connection refused")}, acts: "Notify",
			notes: []string{"Could not copy the access token"}},
	})
	// While the tray's own login runs, no grant starts.
	s := connectedState()
	s.Connecting = true
	run(t, s, []step{{e: Clicked{Item: menu.CopyScriptToken}}})
	// Nothing to copy without a login.
	s, _ = Init(Startup{Config: cfg, LoginErr: tokens.ErrNotLoggedIn}, now)
	run(t, s, []step{{e: Clicked{Item: menu.CopyScriptToken}}, {e: Clicked{Item: menu.CopyAccessToken}}, {e: Clicked{Item: menu.Disconnect}},
		{e: Clicked{Item: menu.Playing}}, {e: MenuOpened{}}})
}

func TestDisconnectAndToggles(t *testing.T) {
	run(t, playingState(), []step{
		{e: Clicked{Item: menu.Disconnect}, acts: "RemoveLogin"},
		{e: LoginRemoved{Err: errors.New("remove token: read-only file system")}, acts: "Notify", notes: []string{"Could not disconnect"},
			check: func(t *testing.T, s State, fx []Effect) {
				if !s.Connected {
					t.Error("a failed disconnect disconnected")
				}
			}},
		{e: LoginRemoved{}, acts: "StopWatching", check: func(t *testing.T, s State, fx []Effect) {
			if s.Connected || s.Playback.Item.Kind != playback.Nothing || s.User != "" {
				t.Errorf("state %+v", s)
			}
		}},
		{e: Clicked{Item: menu.Autostart}, acts: "SetAutostart", check: func(t *testing.T, s State, fx []Effect) {
			if a := acts(fx)[0].(SetAutostart); !a.On || a.Was {
				t.Errorf("autostart %+v", a)
			}
		}},
		{e: AutostartChanged{On: true}, check: func(t *testing.T, s State, fx []Effect) {
			if !s.Autostart || !logged(fx, "launch at login switched") {
				t.Error("not on")
			}
		}},
		{e: Clicked{Item: menu.Autostart}, acts: "SetAutostart"},
		{e: AutostartChanged{On: true, Err: errors.New("remove autostart entry: permission denied")}, acts: "Notify",
			notes: []string{"Could not change Launch at login"}, check: func(t *testing.T, s State, fx []Effect) {
				if !s.Autostart {
					t.Error("the checkbox does not show what is on disk")
				}
			}},
		{e: Clicked{Item: menu.Quit}, acts: "Quit", check: func(t *testing.T, s State, fx []Effect) {
			if !s.Quitting {
				t.Error("not quitting")
			}
		}},
	})
}

func TestExpiryWarnings(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	morning := time.Date(2026, 11, 3, 8, 0, 0, 0, utc)
	s, fx := Init(Startup{Config: cfg, Login: endingLogin}, morning)
	if len(notesIn(fx)) != 1 {
		t.Fatalf("start: %q", summaries(fx))
	}
	run(t, s, []step{
		{e: MinutePassed{}, at: morning.Add(time.Minute)},
		{e: MinutePassed{}, at: morning.Add(15 * time.Hour)}, // 23:00 the same day
		{e: MinutePassed{}, at: morning.Add(16 * time.Hour), acts: "Notify SaveSettings", // just after midnight
			notes: []string{"Spotify login: log in again within 5 days"}},
		{e: MinutePassed{}, at: morning.Add(17 * time.Hour)},
		// A new login far from its end stops the warnings.
		{e: LoginFinished{Result: &login.Result{Token: login3m, Config: cfg}}, at: morning.Add(40 * time.Hour),
			acts: "Notify StartWatching", notes: []string{"Connected to Spotify"}},
		{e: MinutePassed{}, at: morning.Add(64 * time.Hour)},
	})
	// Once per calendar day in the user's zone: a warning late in the
	// evening does not silence the next morning.
	at := time.Date(2026, 11, 4, 8, 0, 0, 0, tokyo) // 23:00 UTC on the 3rd
	if !warnExpiry(at.Add(48*time.Hour), at, time.Date(2026, 11, 3, 22, 0, 0, 0, tokyo)) {
		t.Error("a warning on the previous local day blocked today's")
	}
	// Disconnected: no warnings.
	s, _ = Apply(s, LoginRemoved{}, morning)
	if _, fx := Apply(s, MinutePassed{}, morning.AddDate(0, 0, 2)); len(fx) != 0 {
		t.Errorf("warned without a login: %q", kinds(fx))
	}
}

func TestUnwritableFiles(t *testing.T) {
	const dir = "/home/ada/.config/spotray"
	trouble := func(errno syscall.Errno) playback.Update {
		err := fmt.Errorf("currently playing: refresh access token: lock token: %w",
			&fs.PathError{Op: "open", Path: dir + "/token.lock", Err: errno})
		return playback.Update{Trouble: playback.Trouble{Kind: playback.Offline, Until: now.Add(2 * time.Second), Err: err}}
	}
	notice := func(want string) func(*testing.T, State, []Effect) {
		return func(t *testing.T, s State, fx []Effect) {
			t.Helper()
			m := s.Menu(now, "linux")
			if got := m.Items[menu.Notice].Label; got != want {
				t.Errorf("notice %q, want %q", got, want)
			}
			where := "spotray cannot write to " + dir
			if want != "" && want != "Offline: retrying…" && (m.Items[menu.Playing].Label != where || m.Icon != menu.IconTrouble ||
				m.Tooltip != where+"\n"+want) {
				t.Errorf("playing %q, icon %v, tooltip %q", m.Items[menu.Playing].Label, m.Icon, m.Tooltip)
			}
		}
	}
	readOnly := "Read-only file system: make it writable"
	full := "No space left on the disk: free some space"
	denied := "Permission denied: give your user write access"
	s := connectedState()
	w := s.Watch
	poll := func(u playback.Update) Polled { return Polled{Watch: w, Update: u} }
	run(t, s, []step{
		// Not "Offline": the cause and its fix, logged once.
		{e: poll(trouble(syscall.EROFS)), check: func(t *testing.T, s State, fx []Effect) {
			notice(readOnly)(t, s, fx)
			if !logged(fx, "spotray cannot write to "+dir+": read-only file system: make it writable") {
				t.Errorf("not logged: %+v", fx)
			}
		}},
		{e: poll(trouble(syscall.EROFS)), check: func(t *testing.T, s State, fx []Effect) {
			if logged(fx, "cannot write") {
				t.Error("the same problem logged again")
			}
		}},
		{e: poll(trouble(syscall.ENOSPC)), check: notice(full)},
		{e: poll(trouble(syscall.EACCES)), check: notice(denied)},
		// Other trouble is what it is.
		{e: poll(playback.Update{Trouble: playback.Trouble{Kind: playback.Offline, Err: errors.New("dial tcp: refused")}}),
			check: notice("Offline: retrying…")},
		{e: poll(trouble(syscall.EROFS)), check: notice(readOnly)},
		// Fixed: the next poll succeeds.
		{e: poll(playback.Update{Status: playback.Status{Item: song, Playing: true, At: now}}), check: notice("")},
		{e: poll(trouble(syscall.EROFS)), check: notice(readOnly)},
		// Disconnecting forgets it.
		{e: LoginRemoved{}, acts: "StopWatching", check: func(t *testing.T, s State, fx []Effect) {
			if s.Unwritable != (account.Unwritable{}) {
				t.Errorf("kept after disconnecting: %+v", s.Unwritable)
			}
		}},
	})
}

func TestCopyFailedOnAnUnwritableDisk(t *testing.T) {
	err := fmt.Errorf("refresh access token: save token: %w",
		&fs.PathError{Op: "write", Path: "/cfg/.token.json.tmp-1", Err: syscall.ENOSPC})
	_, fx := Apply(connectedState(), Copied{What: AccessToken, Err: err}, now)
	n := notesIn(fx)
	if len(n) != 1 || !strings.HasPrefix(n[0].Body, "spotray cannot write to /cfg: no space left on the disk: free some space.") {
		t.Errorf("notes %+v", n)
	}
}

// The on_change hook runs for every announced item, notifications on or
// off, with the announced item; never without on_change.
func TestOnChangeHook(t *testing.T) {
	hooked := connectedState()
	hooked.Config.OnChange = []string{"notify-send", "x"}
	w := hooked.Watch
	paused := playback.Status{Item: song, Playing: false, Progress: 2 * time.Second, At: now}
	announce := Polled{Watch: w, Update: playback.Update{Status: paused, Announce: &song}}
	checkJob := func(t *testing.T, s State, fx []Effect) {
		var job *RunHook
		for _, f := range fx {
			if h, ok := f.(RunHook); ok {
				job = &h
			}
		}
		want := RunHook{hook.Job{Argv: []string{"notify-send", "x"}, ImageURL: song.ImageURL, Now: nowplaying.JSON{
			Kind: "track", Playing: false, Title: "Mr. Brightside", Artists: []string{"The Killers"}, Album: "Hot Fuss",
			URI: "spotify:track:1", URL: song.URL, ProgressMS: 2000, Text: "Mr. Brightside — The Killers"}}}
		if job == nil || !reflect.DeepEqual(*job, want) {
			t.Errorf("hook %+v, want %+v", job, want)
		}
	}
	run(t, hooked, []step{
		{e: announce, acts: "Notify RunHook", notes: []string{"Mr. Brightside"}, check: checkJob},
		{e: Polled{Watch: w, Update: playback.Update{Status: paused}}}, // no announcement: no run
		{e: Clicked{Item: menu.Notifications}, acts: "SaveSettings"},
		{e: announce, acts: "RunHook", check: checkJob},
	})
	run(t, connectedState(), []step{{e: announce, acts: "Notify", notes: []string{"Mr. Brightside"}}})
}

// Readers of the stream are told what plays, "nothing" when not
// connected, and nothing at all before the first poll.
func TestNowPlaying(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    State
		ok   bool
		text string
	}{
		{"not connected", State{}, true, "Nothing playing"},
		{"connected, not polled yet", connectedState(), false, ""},
		{"playing", playingState(), true, "Mr. Brightside — The Killers"},
	} {
		j, ok := tc.s.NowPlaying()
		if ok != tc.ok || j.Text != tc.text {
			t.Errorf("%s: %+v, %v", tc.name, j, ok)
		}
	}
}
