// Package menu decides what spotray's tray icon shows: every menu entry's
// label and state, the icon and the tooltip, as a pure function of a View
// of the app's state. Package trayicon puts the result on screen; keeping
// the decisions here lets them be tested exhaustively without a desktop.
//
// The menu is flat and fixed: every entry exists from the start and is
// shown, hidden, renamed, checked or disabled as the state changes. Panels
// handle that far better than menus that are rebuilt.
package menu

import (
	"fmt"
	"strings"
	"time"

	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/text"
)

// ID names a menu entry.
type ID int

// The menu entries, in menu order (Layout adds the separators).
const (
	Connect         ID = iota // "Connect Spotify", or the login in progress
	Playing                   // the current item; opens it in Spotify
	Album                     // album or show of the current item (disabled)
	Device                    // where it plays, "On Kitchen speaker" (disabled)
	Notice                    // what is wrong, in words (disabled)
	PlayPause                 // "Pause" or "Play"; or "Log in again to enable controls"
	Next                      // skip to the next item
	Previous                  // back to the previous item
	Like                      // "Save to Liked Songs" or "Remove from Liked Songs"; or a new login for it
	Account                   // "Connected as NAME" (disabled)
	CopyScriptToken           // a new, separate refresh token for a script, to the clipboard
	CopyAccessToken           // a fresh access token to the clipboard
	Notifications             // checkbox: announce new tracks
	Autostart                 // checkbox: launch at login
	Disconnect                // forget the login
	Quit                      // exit
	NumItems                  // the number of entries
)

// Separator marks a separator line in Layout.
const Separator ID = -1

// Layout is the order of the menu. Separators cannot be hidden, so each
// sits between groups that always show something (Connect or Playing
// above the first, the checkboxes between, Quit below the second).
var Layout = []ID{
	Connect, Playing, Album, Device, Notice, PlayPause, Next, Previous, Like,
	Account, CopyScriptToken, CopyAccessToken,
	Separator, Notifications, Autostart,
	Separator, Disconnect, Quit,
}

// Checkbox reports whether entry id shows a check mark. It never changes,
// because the entries are created once.
func Checkbox(id ID) bool { return id == Notifications || id == Autostart }

// Icon is the picture in the tray.
type Icon int

// The icons.
const (
	IconDisconnected Icon = iota // not logged in
	IconConnected                // logged in, Spotify answering
	IconTrouble                  // logged in, but offline or rate-limited
)

// Item is how one entry looks. Labels are final: escaped for the target
// system's menus and cut to MaxLabel.
type Item struct {
	Label   string
	Visible bool
	Enabled bool
	Checked bool
}

// Menu is everything the tray shows.
type Menu struct {
	Items   [NumItems]Item
	Icon    Icon
	Tooltip string
	// Target is what the entries about the current item act on.
	Target Target
}

// Target is the current item as a menu shows it. A click acts on the menu
// the user saw: a menu holds still while it is open, so the item may have
// changed under it, and "Save to Liked Songs" must still save the song it
// was shown with.
type Target struct {
	// URL is what clicking Playing opens; "" when the item has none (then
	// Playing is disabled).
	URL string
	// Key is the item Like saves or removes; "" when it cannot be saved.
	Key string
	// Saved: Like removes the item rather than saving it.
	Saved bool
	// Playing: PlayPause pauses rather than plays.
	Playing bool
}

// View is what the menu depends on. Text in it is already one safe line
// (package text): the menu only cuts and escapes it.
type View struct {
	Connected  bool // a stored login exists
	Connecting bool // a login is in progress in the browser
	// Granting: a refresh token for a script is being made in the browser.
	Granting bool
	// User is the Spotify display name (or id) the login belongs to.
	User string
	// LoginEndsAt is when Spotify stops accepting the login (zero: unknown).
	LoginEndsAt time.Time
	Playback    playback.Status
	Trouble     playback.Trouble
	// FileProblem is a file the login needs written that cannot be; it
	// outranks Trouble, whose error it comes from.
	FileProblem FileProblem
	// LoginEnded means Spotify ended the last login (revoked, or six
	// months old): said until the user connects again.
	LoginEnded bool
	// Local: Playback comes from a player on this computer (over MPRIS),
	// which also takes the playback controls.
	Local bool
	// Grant is what the login's recorded scopes allow through the Web API.
	Grant spotify.Grant
	// Saved is whether the current item is in the user's library, as far
	// as known (false when unknown: saving twice does no harm).
	Saved bool
	// Notifications and Autostart are the checkboxes.
	Notifications bool
	Autostart     bool
	// Problem is something the user should know or fix, in one sentence
	// (a failed login, a broken config file); "" when there is none.
	Problem string
	// Now is the time of the state, for the login-expiry countdown and
	// retry times (shown in Now's location).
	Now time.Time
}

// FileProblem is a directory spotray cannot write to, in two lines that
// each fit a label: the zero value is none.
type FileProblem struct {
	Where string // "spotray cannot write to DIR"
	Fix   string // the cause and what to do about it
}

// Build decides the menu for s as goos (runtime.GOOS) shows it.
func Build(s View, goos string) Menu {
	var m Menu
	set := func(id ID, text string, visible, enabled bool) {
		m.Items[id] = Item{Label: label(text, goos), Visible: visible, Enabled: enabled}
	}
	endsIn, endsSoon := LoginExpiry(s.LoginEndsAt, s.Now)
	warn := s.Connected && endsSoon

	switch {
	case s.Connecting:
		set(Connect, "Connecting… (finish in your browser)", true, false)
	case !s.Connected:
		set(Connect, "Connect Spotify", true, true)
	default:
		set(Connect, "Log in again now", warn, true)
	}

	now := describe(s.Playback)
	if s.Connected && s.FileProblem.Where != "" {
		// What plays cannot be known until the login can be saved again;
		// this line says where instead of "Checking Spotify…".
		now = nowPlaying{line: s.FileProblem.Where}
	}
	m.Target = Target{URL: s.Playback.Item.URL, Saved: s.Saved, Playing: s.Playback.Playing}
	if Likeable(s.Playback.Item) {
		m.Target.Key = s.Playback.Item.Key
	}
	set(Playing, now.line, s.Connected, m.Target.URL != "" && s.FileProblem.Where == "")
	// Whatever follows whatever, the rows under Playing stay the same
	// ones, so that a click aimed at one never lands on another.
	loaded := s.Connected && loaded(s.Playback) && s.FileProblem.Where == ""
	set(Album, orDash(album(s.Playback.Item)), loaded, false)
	set(Device, device(s), loaded, false)
	controls(s, loaded, set)

	notice := noticeText(s)
	set(Notice, notice, notice != "", false)

	account := "Connected to Spotify"
	if s.User != "" {
		account = "Connected as " + text.Cut(s.User, 30)
	}
	if warn {
		account += " · " + ExpiryPhrase(endsIn)
	}
	set(Account, account, s.Connected, false)
	if s.Granting {
		set(CopyScriptToken, "Refresh token for a script: finish in your browser", s.Connected, false)
	} else {
		set(CopyScriptToken, "Copy refresh token for a script…", s.Connected, true)
	}
	set(CopyAccessToken, "Copy access token", s.Connected, true)
	set(Notifications, "Notifications", true, true)
	m.Items[Notifications].Checked = s.Notifications
	set(Autostart, "Launch at login", true, true)
	m.Items[Autostart].Checked = s.Autostart
	set(Disconnect, "Disconnect", s.Connected, true)
	set(Quit, "Quit", true, true)

	m.Icon = IconDisconnected
	if s.Connected {
		m.Icon = IconConnected
		if troubled(s.Trouble.Kind) || s.FileProblem.Where != "" {
			m.Icon = IconTrouble
		}
	}
	m.Tooltip = tooltip(s, now, warn, endsIn, goos)
	return m
}

// loaded reports whether p has an item to show and act on.
func loaded(p playback.Status) bool { return !p.At.IsZero() && p.Item.Kind != playback.Nothing }

// album is the line under the item: its album, or an episode's show.
func album(it playback.Item) string {
	if it.Kind == playback.Track || it.Kind == playback.Episode {
		return it.Album
	}
	return ""
}

// orDash keeps a row that has nothing to say from looking broken.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// device says where the item plays.
func device(s View) string {
	switch {
	case s.Local:
		return "On this computer"
	case s.Playback.Device != "":
		return "On " + text.Cut(s.Playback.Device, 40)
	}
	return "On another device"
}

// Reconsent is the label of an action the login's grant does not allow:
// Spotify has no incremental consent, so one new login asks for all.
const Reconsent = "Log in again to enable controls"

// controls sets the playback actions. A local player takes play, pause,
// next and previous without any grant; the Web API needs the control
// grant (and Spotify Premium, which only its answer tells).
func controls(s View, loaded bool, set func(ID, string, bool, bool)) {
	canControl := s.Local || s.Grant.Control
	switch {
	case !canControl:
		set(PlayPause, Reconsent, loaded, true)
	case s.Playback.Playing:
		set(PlayPause, "Pause", loaded, true)
	default:
		set(PlayPause, "Play", loaded, true)
	}
	set(Next, "Next", loaded, canControl)
	set(Previous, "Previous", loaded, canControl)
	it := s.Playback.Item
	like := "Save to Liked Songs"
	switch {
	case it.Kind == playback.Episode && s.Saved:
		like = "Remove from Your Episodes"
	case it.Kind == playback.Episode:
		like = "Save to Your Episodes"
	case s.Saved:
		like = "Remove from Liked Songs"
	}
	switch {
	case !Likeable(it):
		// Ads and local files cannot be saved; the row stays, disabled.
		set(Like, like, loaded, false)
	case !s.Grant.Like && canControl:
		// A local player plays without any grant, the library needs one.
		set(Like, Reconsent, loaded, true)
	case !s.Grant.Like:
		// The first row offers the new login already.
		set(Like, like, loaded, false)
	default:
		set(Like, like, loaded, true)
	}
}

// Likeable reports whether it can be saved to the user's library: tracks
// and episodes that Spotify knows by URI (not local files, ads or unknown
// items).
func Likeable(it playback.Item) bool {
	return !it.Local && (it.Kind == playback.Track && strings.HasPrefix(it.Key, "spotify:track:") ||
		it.Kind == playback.Episode && strings.HasPrefix(it.Key, "spotify:episode:"))
}

// troubled reports the trouble kinds that leave the login in place and get
// retried: the icon shows them until they pass.
func troubled(k playback.TroubleKind) bool {
	return k == playback.Offline || k == playback.RateLimited
}

// nowPlaying is how the current item reads.
type nowPlaying struct {
	line       string // the Playing entry
	showsAlbum bool   // whether the album or show line belongs under it
}

// describe words the current item as playback.Item.String does (so the
// menu and `spotray now` agree), prefixed "Paused: " when paused. The
// prefix is a word rather than a pause symbol because the default fonts of
// several desktops lack U+23F8, and screen readers say a word better.
func describe(p playback.Status) nowPlaying {
	it := p.Item
	if p.At.IsZero() {
		// No answer from Spotify yet in this session.
		return nowPlaying{line: "Checking Spotify…"}
	}
	switch it.Kind {
	case playback.Nothing, playback.Ad:
		return nowPlaying{line: it.String()}
	}
	line := it.String()
	if !p.Playing {
		line = "Paused: " + line
	}
	return nowPlaying{line: line, showsAlbum: it.Kind == playback.Track}
}

// noticeText says what is wrong, for the disabled line in the menu. Panels
// that never show tooltips (several Linux ones) still show this.
func noticeText(s View) string {
	if s.Connected {
		if s.FileProblem.Fix != "" {
			return s.FileProblem.Fix
		}
		switch s.Trouble.Kind {
		case playback.Offline:
			return "Offline: retrying…"
		case playback.RateLimited:
			return "Rate-limited by Spotify: " + retryAt(s.Trouble.Until, s.Now)
		}
	} else if s.LoginEnded && !s.Connecting {
		return "Spotify ended this login"
	}
	return s.Problem
}

// retryAt says when spotray asks Spotify again.
func retryAt(until, now time.Time) string {
	if until.IsZero() || !until.After(now) {
		return "retrying soon"
	}
	return "retrying at " + until.In(now.Location()).Format("15:04")
}

// tooltip is the icon's hover text: the trouble when there is one, else what
// is playing, then the login warning and the problem.
func tooltip(s View, now nowPlaying, warn bool, endsIn int, goos string) string {
	var lines []string
	switch {
	case s.Connecting:
		lines = append(lines, "spotray: finish connecting in your browser")
	case !s.Connected && s.LoginEnded:
		lines = append(lines, "Spotify ended this login: click Connect Spotify")
	case !s.Connected:
		lines = append(lines, "spotray: not connected; click Connect Spotify")
	case s.FileProblem.Where != "":
		lines = append(lines, s.FileProblem.Where, s.FileProblem.Fix)
	case s.Trouble.Kind == playback.Offline:
		lines = append(lines, "Offline: retrying…")
	case s.Trouble.Kind == playback.RateLimited:
		lines = append(lines, "Spotify is rate-limiting spotray; "+retryAt(s.Trouble.Until, s.Now))
	default:
		lines = append(lines, now.line)
		if now.showsAlbum {
			lines = append(lines, s.Playback.Item.Album)
		}
	}
	if warn {
		lines = append(lines, "Spotify login: "+ExpiryPhrase(endsIn))
	}
	if s.Problem != "" {
		lines = append(lines, s.Problem)
	}
	return tooltipText(goos, lines...)
}

// ExpiryWarningDays is how long before Spotify ends a login spotray starts
// saying so.
const ExpiryWarningDays = 14

// LoginExpiry returns the whole days left until ends (rounded up, 0 once
// it has passed) and whether that is within ExpiryWarningDays. A zero ends
// means unknown: never soon.
func LoginExpiry(ends, now time.Time) (days int, soon bool) {
	if ends.IsZero() {
		return 0, false
	}
	left := ends.Sub(now)
	if left <= 0 {
		return 0, true
	}
	days = int((left + 24*time.Hour - 1) / (24 * time.Hour))
	return days, days <= ExpiryWarningDays
}

// ExpiryPhrase is the warning's wording for days left, in the menu and in
// the notification that announces it.
func ExpiryPhrase(days int) string {
	switch days {
	case 0:
		return "log in again now"
	case 1:
		return "log in again within 1 day"
	}
	return fmt.Sprintf("log in again within %d days", days)
}
