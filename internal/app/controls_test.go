package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

// grantedLogin asked for and got every scope spotray asks for.
var grantedLogin = &tokens.Token{ClientID: cfg.ClientID, AccessToken: "a", RefreshToken: "r", User: "Demo Listener",
	AuthorizedAt: now.AddDate(0, -3, 0), Scope: spotify.Scopes}

// remoteState plays song on the Web API's device, with a full grant.
func remoteState() State {
	s, _ := Init(Startup{Config: cfg, Login: grantedLogin}, now)
	s, _ = Apply(s, Polled{Watch: s.Watch, Update: playback.Update{Status: playback.Status{
		Item: song, Playing: true, At: now, Device: "Kitchen speaker"}}}, now)
	return s
}

// localState follows a local player playing song.
func localState() State {
	s, _ := Init(Startup{Config: cfg, Login: grantedLogin}, now)
	s, _ = Apply(s, LocalChanged{localPlaying(song, true)}, now)
	return s
}

func localPlaying(it playback.Item, playing bool) *LocalPlayer {
	return &LocalPlayer{Bus: "org.mpris.MediaPlayer2.spotify", Usable: true,
		Status: playback.Status{Item: it, Playing: playing, At: now}}
}

// control is the Control effect among fx.
func control(t *testing.T, fx []Effect) Control {
	t.Helper()
	for _, f := range fx {
		if c, ok := f.(Control); ok {
			return c
		}
	}
	t.Fatalf("no Control in %s", kinds(fx))
	return Control{}
}

// Each action goes where it belongs: the local player's MPRIS methods
// while one is followed, the Web API otherwise, a new login without the
// grant.
func TestActionRouting(t *testing.T) {
	oldScope, _ := Init(Startup{Config: cfg, Login: login3m}, now)
	oldScope, _ = Apply(oldScope, Polled{Watch: oldScope.Watch, Update: playback.Update{Status: playback.Status{
		Item: song, Playing: true, At: now}}}, now)
	for _, tc := range []struct {
		name   string
		s      State
		e      Event
		acts   string
		action Action
		bus    string
	}{
		{"menu pause, remote", remoteState(), Clicked{Item: menu.PlayPause}, "Control Export", Pause, ""},
		{"menu next, remote", remoteState(), Clicked{Item: menu.Next}, "Control", Next, ""},
		{"menu previous, remote", remoteState(), Clicked{Item: menu.Previous}, "Control", Previous, ""},
		{"media keys play/pause, remote", remoteState(), Commanded{PlayPause}, "Control Export", Pause, ""},
		{"icon click, remote", remoteState(), Activated{}, "Control Export", Pause, ""},
		{"menu pause, local", localState(), Clicked{Item: menu.PlayPause}, "Control", Pause, "org.mpris.MediaPlayer2.spotify"},
		{"menu next, local", localState(), Clicked{Item: menu.Next}, "Control", Next, "org.mpris.MediaPlayer2.spotify"},
		{"menu previous, local", localState(), Clicked{Item: menu.Previous}, "Control", Previous, "org.mpris.MediaPlayer2.spotify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fx := Apply(tc.s, asShown(tc.s, tc.e, now), now)
			if got := kinds(fx); got != tc.acts {
				t.Fatalf("effects %q, want %q", got, tc.acts)
			}
			if c := control(t, fx); c.Action != tc.action || c.Bus != tc.bus {
				t.Errorf("control %+v, want %v on %q", c, tc.action, tc.bus)
			}
		})
	}
	t.Run("old grant: a new login with the consent page", func(t *testing.T) {
		s, fx := Apply(oldScope, Clicked{Item: menu.PlayPause}, now)
		if kinds(fx) != "StartLogin" || !acts(fx)[0].(StartLogin).ShowDialog || !s.Connecting {
			t.Errorf("effects %s, connecting %v", kinds(fx), s.Connecting)
		}
		if m := oldScope.Menu(now, "linux"); m.Items[menu.PlayPause].Label != menu.Reconsent {
			t.Errorf("first control row %q", m.Items[menu.PlayPause].Label)
		}
	})
	t.Run("old grant, media keys: words, not a browser", func(t *testing.T) {
		s, fx := Apply(oldScope, Commanded{Next}, now)
		if kinds(fx) != "Notify" || s.Connecting || !strings.Contains(acts(fx)[0].(Notify).Note.Body, menu.Reconsent) {
			t.Errorf("effects %s %+v", kinds(fx), fx)
		}
	})
	t.Run("old grant with a local player: MPRIS needs no grant", func(t *testing.T) {
		s, _ := Apply(oldScope, LocalChanged{localPlaying(song, true)}, now)
		if _, fx := Apply(s, Clicked{Item: menu.Next}, now); control(t, fx).Bus == "" {
			t.Errorf("went to the Web API: %+v", fx)
		}
		m := s.Menu(now, "linux")
		if m.Items[menu.Next].Label != "Next" || !m.Items[menu.Next].Enabled || m.Items[menu.Like].Label != menu.Reconsent {
			t.Errorf("rows: next %+v, like %+v", m.Items[menu.Next], m.Items[menu.Like])
		}
	})
	t.Run("nothing loaded: nothing to do", func(t *testing.T) {
		s, _ := Init(Startup{Config: cfg, Login: grantedLogin}, now)
		if _, fx := Apply(s, Clicked{Item: menu.Next}, now); len(acts(fx)) != 0 {
			t.Errorf("effects %s", kinds(fx))
		}
	})
	t.Run("not connected: the icon connects", func(t *testing.T) {
		s, _ := Init(Startup{Config: cfg, LoginErr: tokens.ErrNotLoggedIn}, now)
		if _, fx := Apply(s, Activated{}, now); kinds(fx) != "StartLogin" {
			t.Errorf("effects %s", kinds(fx))
		}
	})
}

// Play and pause flip the label at once; a poll confirms a Web API
// command, a failure rolls the label back and says why in words.
func TestOptimisticFlip(t *testing.T) {
	label := func(want string) func(*testing.T, State, []Effect) {
		return func(t *testing.T, s State, _ []Effect) {
			t.Helper()
			if got := s.Menu(now, "linux").Items[menu.PlayPause].Label; got != want {
				t.Errorf("label %q, want %q", got, want)
			}
		}
	}
	premium := &spotify.Error{Status: 403, Message: "Player command failed: Premium required", Reason: spotify.ReasonPremiumRequired}
	noDevice := &spotify.Error{Status: 404, Message: "Player command failed: No active device found", Reason: spotify.ReasonNoActiveDevice}
	s := remoteState()
	w := s.Watch
	stale := Polled{Watch: w, Update: playback.Update{Status: playback.Status{Item: song, Playing: true, At: now, Device: "Kitchen speaker"}}}
	run(t, s, []step{
		{e: Clicked{Item: menu.PlayPause}, acts: "Control Export", check: label("Play")},
		// A poll that left before the command keeps the new label.
		{e: stale, check: label("Play")},
		{e: Controlled{Action: Pause}, acts: "PollNow", check: func(t *testing.T, s State, fx []Effect) {
			if acts(fx)[0].(PollNow).After != settle {
				t.Errorf("confirming poll %+v", fx)
			}
		}},
		{e: Polled{Watch: w, Update: playback.Update{Status: playback.Status{Item: song, At: now, Device: "Kitchen speaker"}}},
			check: label("Play")},
		{e: Clicked{Item: menu.PlayPause}, acts: "Control Export", check: label("Pause")},
		{e: Controlled{Action: Play, Err: premium}, acts: "Notify PollNow Export", notes: []string{"Could not play"},
			check: func(t *testing.T, s State, fx []Effect) {
				label("Play")(t, s, fx)
				if body := notesIn(fx)[0].Body; !strings.Contains(body, "Premium") {
					t.Errorf("body %q", body)
				}
			}},
		{e: Clicked{Item: menu.Next}, acts: "Control"},
		{e: Controlled{Action: Next, Err: noDevice}, acts: "Notify PollNow", notes: []string{"Could not skip to the next track"},
			check: func(t *testing.T, s State, fx []Effect) {
				if body := notesIn(fx)[0].Body; !strings.Contains(body, "No device is playing") {
					t.Errorf("body %q", body)
				}
			}},
	})
	t.Run("local player: its own signal settles it", func(t *testing.T) {
		s := localState()
		run(t, s, []step{
			{e: Clicked{Item: menu.PlayPause}, acts: "Control", check: label("Play")},
			{e: Controlled{Action: Pause, Local: true}},
			{e: LocalChanged{localPlaying(song, false)}, acts: "WakeAt", check: label("Play")},
			{e: Clicked{Item: menu.PlayPause}, acts: "Control", check: label("Pause")},
			{e: Controlled{Action: Play, Local: true, Err: errors.New("org.mpris.MediaPlayer2.spotify: no reply")},
				notes: []string{"Could not play"}, acts: "Notify", check: label("Play")},
		})
	})
}

func TestRefusalWords(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&spotify.Error{Status: 403, Reason: spotify.ReasonPremiumRequired}, "only Premium accounts"},
		{&spotify.Error{Status: 404, Reason: spotify.ReasonNoActiveDevice}, "No device is playing"},
		{&spotify.Error{Status: 403, Message: "Insufficient client scope"}, menu.Reconsent},
		{&spotify.Error{Status: 429, RetryAfter: 30 * time.Second}, "retry in 30s"},
		{&spotify.Error{Status: 502, Message: "Bad gateway"}, "Spotify refused: Bad gateway."},
		{errors.New("dial tcp 1.2.3.4:443: connection refused"), "connection refused"},
	} {
		if got := spotifyRefusal(tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("%v: %q, want it to contain %q", tc.err, got, tc.want)
		}
	}
}

// Liking: the label flips at once, a failure flips it back; the library
// is asked once per new item, never per poll.
func TestLike(t *testing.T) {
	s, _ := Init(Startup{Config: cfg, Login: grantedLogin}, now)
	w := s.Watch
	poll := func(it playback.Item) Polled {
		return Polled{Watch: w, Update: playback.Update{Status: playback.Status{Item: it, Playing: true, At: now}}}
	}
	like := func(want string) func(*testing.T, State, []Effect) {
		return func(t *testing.T, s State, _ []Effect) {
			t.Helper()
			if got := s.Menu(now, "linux").Items[menu.Like].Label; got != want {
				t.Errorf("like row %q, want %q", got, want)
			}
		}
	}
	run(t, s, []step{
		{e: poll(song), acts: "CheckSaved", check: like("Save to Liked Songs")},
		{e: poll(song), acts: ""}, // not per poll
		{e: SavedKnown{URI: song.Key, Saved: true}, check: like("Remove from Liked Songs")},
		{e: Clicked{Item: menu.Like}, acts: "SetSaved", check: func(t *testing.T, s State, fx []Effect) {
			like("Save to Liked Songs")(t, s, fx)
			if e := acts(fx)[0].(SetSaved); e.Saved || e.URI != song.Key {
				t.Errorf("%+v", e)
			}
		}},
		{e: SavedKnown{URI: song.Key, Saved: false, Set: true, Err: errors.New("Spotify API 500")},
			acts: "Notify", notes: []string{"Could not remove it from your library"}, check: like("Remove from Liked Songs")},
		{e: poll(episode), acts: "CheckSaved", check: like("Save to Your Episodes")},
		{e: poll(local), check: func(t *testing.T, s State, fx []Effect) {
			if it := s.Menu(now, "linux").Items[menu.Like]; it.Enabled || !it.Visible {
				t.Errorf("local file: like row %+v", it)
			}
		}},
		{e: Clicked{Item: menu.Like}, acts: ""},
	})
}

// The rows under the item stay the same ones whatever follows whatever.
func TestRowsHoldStill(t *testing.T) {
	s := remoteState()
	rows := func(s State) string {
		m := s.Menu(now, "linux")
		var out []string
		for id, it := range m.Items {
			if it.Visible {
				out = append(out, string(rune('A'+id)))
			}
		}
		return strings.Join(out, "")
	}
	want := rows(s)
	for _, it := range []playback.Item{episode, {Kind: playback.Ad}, local, {Kind: playback.Unknown}, song} {
		s, _ = Apply(s, Polled{Watch: s.Watch, Update: playback.Update{Status: playback.Status{Item: it, At: now}}}, now)
		if got := rows(s); got != want {
			t.Errorf("after %v: rows %s, want %s", it.Kind, got, want)
		}
	}
}

// A menu holds still while it is open, so a click may come from a menu
// that showed an item that has passed: it acts on what the user saw.
func TestClickOnAHeldMenu(t *testing.T) {
	shown := remoteState()
	held := shown.Menu(now, "linux").Target
	s, _ := Apply(shown, Polled{Watch: shown.Watch, Update: playback.Update{Status: playback.Status{
		Item: other, Playing: false, At: now, Device: "Kitchen speaker"}}}, now)

	_, fx := Apply(s, Clicked{Item: menu.Like, Shown: held}, now)
	var set []SetSaved
	for _, f := range acts(fx) {
		if e, ok := f.(SetSaved); ok {
			set = append(set, e)
		}
	}
	if len(set) != 1 || set[0].URI != song.Key || !set[0].Saved {
		t.Errorf("Like on a menu that showed %s: %+v, want it saved", song.Key, fx)
	}
	if after, _ := Apply(s, Clicked{Item: menu.Like, Shown: held}, now); after.Saved.URI == song.Key {
		t.Errorf("the saved state of the current item became the shown one's: %+v", after.Saved)
	}

	_, fx = Apply(s, Clicked{Item: menu.Playing, Shown: held}, now)
	if got := acts(fx); len(got) != 1 || got[0] != (OpenURL{song.URL}) {
		t.Errorf("Playing on a menu that showed %s opens %+v", song.URL, got)
	}

	// The label said Pause; playback paused meanwhile: it stays paused.
	_, fx = Apply(s, Clicked{Item: menu.PlayPause, Shown: held}, now)
	if c := control(t, fx); c.Action != Pause {
		t.Errorf("a click on Pause sends %v", c.Action)
	}
}
