package app

import (
	"log/slog"
	"time"

	"github.com/spotray/spotray/internal/hook"
	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/nowplaying"
	"github.com/spotray/spotray/internal/playback"
)

// Action is a playback action, from the menu, a notification, the icon or
// the desktop's media controls.
type Action uint8

// The actions. PlayPause is resolved to Play or Pause before it reaches
// the Web API, which has no toggle.
const (
	PlayPause Action = iota
	Play
	Pause
	Next
	Previous
)

var actionNames = [...]string{"play/pause", "play", "pause", "next", "previous"}

// String names the action for logs and messages.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "action(?)"
}

// settle is how long after a Web API command its effect shows in Spotify's
// answers: asked sooner, the poll often sees the old item.
const settle = 700 * time.Millisecond

// The keys of a track-change notification's actions.
const (
	noteOpen   = "open" // the notification itself: open the item in Spotify
	noteNext   = "next"
	noteSave   = "save"
	noteRemove = "remove"
)

// act carries out a playback action where it belongs: the local player
// while one is followed (no Web API call, no Premium needed), else the Web
// API if the grant allows it, else a new login that asks for it. A play or
// pause shows at once; a failure rolls it back.
func act(s State, a Action) (State, []Effect) {
	if !s.Connected || !loadedNow(s) {
		return s, nil
	}
	if a == PlayPause {
		a = Play
		if s.Playback.Playing {
			a = Pause
		}
	}
	c := Control{Action: a}
	switch {
	case s.Following && s.Local != nil:
		c.Bus = s.Local.Bus
	case s.Grant.Control:
		c.Config = s.Config
	default:
		return reconsent(s)
	}
	if a == Play || a == Pause {
		playing := a == Play
		s.Playback.Playing = playing
		s.Pending = &playing
	}
	return exportRemote(s, []Effect{logf(slog.LevelInfo, "playback action", "action", a.String(), "local", c.Bus != ""), c})
}

// loadedNow reports whether something is there to act on.
func loadedNow(s State) bool {
	return !s.Playback.At.IsZero() && s.Playback.Item.Kind != playback.Nothing
}

// reconsent starts a login that shows Spotify's consent page: a grant made
// before spotray asked for control lacks it, and Spotify has no
// incremental consent.
func reconsent(s State) (State, []Effect) {
	if s.Connecting || s.Granting {
		return s, nil
	}
	s.Connecting = true
	return s, []Effect{logf(slog.LevelInfo, "login started to grant playback control"),
		StartLogin{Config: s.Config, ShowDialog: true}}
}

// controlled takes a Control's result: a poll confirms a Web API command,
// a failure undoes the optimistic label and says why.
func controlled(s State, e Controlled) (State, []Effect) {
	pending := s.Pending
	s.Pending = nil
	if e.Err == nil {
		if e.Local {
			return s, nil
		}
		return s, []Effect{PollNow{After: settle}}
	}
	if pending != nil && (e.Action == Play || e.Action == Pause) {
		s.Playback.Playing = !*pending
	}
	fx := []Effect{logf(slog.LevelWarn, "playback action failed", "action", e.Action.String(), "err", e.Err),
		Notify{controlFailedNote(e.Action, e.Err)}}
	if !e.Local {
		fx = append(fx, PollNow{})
	}
	return exportRemote(s, fx)
}

// like saves the item uri to the library, or removes it, showing the new
// label at once when it is the current item.
func like(s State, uri string, saved bool) (State, []Effect) {
	if !s.Connected || uri == "" {
		return s, nil
	}
	if !s.Grant.Like {
		return reconsent(s)
	}
	// The menu may have shown an item that has passed since: Saved is
	// about the current one.
	if uri == s.Playback.Item.Key {
		s.Saved = Saved{URI: uri, Saved: saved, Known: true}
	}
	return s, []Effect{logf(slog.LevelInfo, "library change", "saved", saved), SetSaved{URI: uri, Saved: saved, Config: s.Config}}
}

// savedKnown takes what the library holds, or a failure to change it.
func savedKnown(s State, e SavedKnown) (State, []Effect) {
	if e.Err != nil {
		if !e.Set {
			return s, []Effect{logf(slog.LevelWarn, "cannot tell whether the item is saved", "err", e.Err)}
		}
		if s.Saved.URI == e.URI {
			s.Saved.Saved = !e.Saved
		}
		return s, []Effect{logf(slog.LevelWarn, "library change failed", "err", e.Err), Notify{likeFailedNote(e.Saved, e.Err)}}
	}
	if s.Saved.URI == e.URI || s.Playback.Item.Key == e.URI {
		s.Saved = Saved{URI: e.URI, Saved: e.Saved, Known: true}
	}
	return s, nil
}

// itemChanged asks once per new item whether it is in the library: never
// per poll, which would double the calls.
func itemChanged(s State, prevKey string) (State, []Effect) {
	it := s.Playback.Item
	if it.Key == prevKey || it.Key == s.Saved.URI {
		return s, nil
	}
	s.Saved = Saved{URI: it.Key}
	if !menu.Likeable(it) || !s.Grant.Like {
		return s, nil
	}
	return s, []Effect{CheckSaved{URI: it.Key, Config: s.Config}}
}

// announce sends the notification and runs the hook for a new item.
func announce(s State, it playback.Item, st playback.Status) (State, []Effect) {
	on := s.Settings.NotificationsOn()
	fx := []Effect{logf(slog.LevelDebug, "new item", "kind", it.Kind.String(), "notify", on)}
	if on {
		s.Note = Note{Tag: s.Note.Tag + 1, Live: true, Item: it}
		fx = append(fx, Notify{announcement(it, s.Note.Tag, noteActions(s, it))})
	}
	// The hook is the user's own, set in config.toml: it runs whether or
	// not the notifications are on.
	if argv := s.Config.OnChange; len(argv) > 0 {
		st.Item = it
		fx = append(fx, RunHook{hook.Job{Argv: argv, Now: nowplaying.Of(st), ImageURL: it.ImageURL}})
	}
	return s, fx
}

// noteActions are the buttons of it's notification: only the ones that
// can work now.
func noteActions(s State, it playback.Item) (keys []string) {
	if s.Following || s.Grant.Control {
		keys = append(keys, noteNext)
	}
	if menu.Likeable(it) && s.Grant.Like {
		if s.Saved.URI == it.Key && s.Saved.Saved {
			keys = append(keys, noteRemove)
		} else {
			keys = append(keys, noteSave)
		}
	}
	return keys
}

// noteAction takes a click on a notification: only the last one's
// actions still do something.
func noteAction(s State, e NoteAction) (State, []Effect) {
	if e.Tag != s.Note.Tag || !s.Note.Live {
		return s, []Effect{logf(slog.LevelDebug, "action of an old notification ignored", "key", e.Key)}
	}
	if e.Closed {
		s.Note.Live = false
		return s, nil
	}
	it := s.Note.Item
	switch e.Key {
	case noteOpen:
		if it.URL != "" {
			return s, []Effect{OpenURL{it.URL}}
		}
	case noteNext:
		if s.Playback.Item.Key != it.Key {
			// The notification is about an item already passed.
			return s, []Effect{logf(slog.LevelDebug, "next from a notification of a past item ignored")}
		}
		return act(s, Next)
	case noteSave, noteRemove:
		return like(s, it.Key, e.Key == noteSave)
	}
	return s, nil
}
