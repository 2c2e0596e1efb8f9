package menu

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/playback"
)

var (
	utc   = time.UTC
	now   = time.Date(2026, 11, 3, 14, 0, 0, 0, utc)
	track = playback.Item{
		Kind: playback.Track, Key: "spotify:track:1", Title: "Mr. Brightside",
		Artists: []string{"The Killers"}, Album: "Hot Fuss",
		URL: "https://open.spotify.com/track/1", ImageURL: "https://i.scdn.co/image/1",
	}
	twoArtists = playback.Item{
		Kind: playback.Track, Key: "spotify:track:2", Title: "Under Pressure",
		Artists: []string{"Queen", "David Bowie"}, Album: "Hot Space",
		URL: "https://open.spotify.com/track/2",
	}
	episode = playback.Item{
		Kind: playback.Episode, Key: "spotify:episode:3", Title: "Hello World",
		Album: "The Go Podcast", URL: "https://open.spotify.com/episode/3",
	}
	local = playback.Item{
		Kind: playback.Track, Key: "spotify:local:Me:Demos:Tape_1:215", Title: "Tape_1",
		Artists: []string{"Me"}, Album: "Demos", Local: true,
	}
	unknown = playback.Item{Kind: playback.Unknown}
	ad      = playback.Item{Kind: playback.Ad}
	nothing = playback.Item{Kind: playback.Nothing}
)

func playing(it playback.Item) playback.Status {
	return playback.Status{Item: it, Playing: true, At: now}
}

func paused(it playback.Item) playback.Status {
	return playback.Status{Item: it, At: now}
}

func connected(p playback.Status) View {
	return View{Connected: true, User: "Demo Listener", LoginEndsAt: now.AddDate(0, 5, 0),
		Playback: p, Notifications: true, Now: now}
}

// want lists the entries a case checks: label "" means hidden.
type want struct {
	playing, album, notice, account, connect string
	url                                      string
	playingEnabled                           bool
	icon                                     Icon
	tooltip                                  string
}

func TestBuildPlaybackStates(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    View
		want want
	}{
		{"track playing", connected(playing(track)), want{
			playing: "Mr. Brightside — The Killers", album: "Hot Fuss", account: "Connected as Demo Listener",
			url: track.URL, playingEnabled: true, icon: IconConnected,
			tooltip: "Mr. Brightside — The Killers\nHot Fuss",
		}},
		{"track paused", connected(paused(track)), want{
			playing: "Paused: Mr. Brightside — The Killers", album: "Hot Fuss", account: "Connected as Demo Listener",
			url: track.URL, playingEnabled: true, icon: IconConnected,
			tooltip: "Paused: Mr. Brightside — The Killers\nHot Fuss",
		}},
		{"two artists", connected(playing(twoArtists)), want{
			playing: "Under Pressure — Queen, David Bowie", album: "Hot Space", account: "Connected as Demo Listener",
			url: twoArtists.URL, playingEnabled: true, icon: IconConnected,
			tooltip: "Under Pressure — Queen, David Bowie\nHot Space",
		}},
		{"episode", connected(playing(episode)), want{
			playing: "Hello World — The Go Podcast", album: "The Go Podcast", account: "Connected as Demo Listener",
			url: episode.URL, playingEnabled: true, icon: IconConnected,
			tooltip: "Hello World — The Go Podcast",
		}},
		{"episode paused", connected(paused(episode)), want{
			playing: "Paused: Hello World — The Go Podcast", album: "The Go Podcast", account: "Connected as Demo Listener",
			url: episode.URL, playingEnabled: true, icon: IconConnected,
			tooltip: "Paused: Hello World — The Go Podcast",
		}},
		{"local file has no link", connected(playing(local)), want{
			playing: "Tape__1 — Me", album: "Demos", account: "Connected as Demo Listener",
			icon: IconConnected, tooltip: "Tape_1 — Me\nDemos",
		}},
		{"advertisement", connected(playing(ad)), want{
			playing: "Advertisement", album: "—", account: "Connected as Demo Listener", icon: IconConnected,
			tooltip: "Advertisement",
		}},
		{"nothing playing", connected(paused(nothing)), want{
			playing: "Nothing playing", account: "Connected as Demo Listener", icon: IconConnected,
			tooltip: "Nothing playing",
		}},
		{"unknown item", connected(playing(unknown)), want{
			playing: "Unknown item", album: "—", account: "Connected as Demo Listener", icon: IconConnected,
			tooltip: "Unknown item",
		}},
		{"before the first poll", connected(playback.Status{}), want{
			playing: "Checking Spotify…", account: "Connected as Demo Listener", icon: IconConnected,
			tooltip: "Checking Spotify…",
		}},
		{"offline before the first poll", func() View {
			s := connected(playback.Status{})
			s.Trouble = playback.Trouble{Kind: playback.Offline, Until: now.Add(time.Minute)}
			return s
		}(), want{
			playing: "Checking Spotify…", notice: "Offline: retrying…", account: "Connected as Demo Listener",
			icon: IconTrouble, tooltip: "Offline: retrying…",
		}},
		{"a file that cannot be written outranks offline", func() View {
			s := connected(playback.Status{})
			s.Trouble = playback.Trouble{Kind: playback.Offline, Until: now.Add(time.Minute)}
			s.FileProblem = FileProblem{Where: "spotray cannot write to /cfg", Fix: "Read-only file system: make it writable"}
			return s
		}(), want{
			playing: "spotray cannot write to /cfg", notice: "Read-only file system: make it writable",
			account: "Connected as Demo Listener", icon: IconTrouble,
			tooltip: "spotray cannot write to /cfg\nRead-only file system: make it writable",
		}},
		{"a file problem hides the stale item", func() View {
			s := connected(playing(track))
			s.FileProblem = FileProblem{Where: "spotray cannot write to /cfg", Fix: "No space left on the disk: free some space"}
			return s
		}(), want{
			playing: "spotray cannot write to /cfg", notice: "No space left on the disk: free some space",
			account: "Connected as Demo Listener", url: track.URL, icon: IconTrouble,
			tooltip: "spotray cannot write to /cfg\nNo space left on the disk: free some space",
		}},
		{"no user name", func() View { s := connected(playing(track)); s.User = ""; return s }(), want{
			playing: "Mr. Brightside — The Killers", album: "Hot Fuss", account: "Connected to Spotify",
			url: track.URL, playingEnabled: true, icon: IconConnected,
			tooltip: "Mr. Brightside — The Killers\nHot Fuss",
		}},
		{"offline keeps the last item", func() View {
			s := connected(playing(track))
			s.Trouble = playback.Trouble{Kind: playback.Offline, Until: now.Add(time.Minute), Err: errors.New("dial tcp: refused")}
			return s
		}(), want{
			playing: "Mr. Brightside — The Killers", album: "Hot Fuss", notice: "Offline: retrying…",
			account: "Connected as Demo Listener", url: track.URL, playingEnabled: true, icon: IconTrouble,
			tooltip: "Offline: retrying…",
		}},
		{"rate-limited", func() View {
			s := connected(playing(track))
			s.Trouble = playback.Trouble{Kind: playback.RateLimited, Until: time.Date(2026, 11, 3, 14, 32, 0, 0, utc)}
			return s
		}(), want{
			playing: "Mr. Brightside — The Killers", album: "Hot Fuss", notice: "Rate-limited by Spotify: retrying at 14:32",
			account: "Connected as Demo Listener", url: track.URL, playingEnabled: true, icon: IconTrouble,
			tooltip: "Spotify is rate-limiting spotray; retrying at 14:32",
		}},
		{"rate limit already over", func() View {
			s := connected(playing(track))
			s.Trouble = playback.Trouble{Kind: playback.RateLimited, Until: now.Add(-time.Second)}
			return s
		}(), want{
			playing: "Mr. Brightside — The Killers", album: "Hot Fuss", notice: "Rate-limited by Spotify: retrying soon",
			account: "Connected as Demo Listener", url: track.URL, playingEnabled: true, icon: IconTrouble,
			tooltip: "Spotify is rate-limiting spotray; retrying soon",
		}},
		{"login ends in 3 days", func() View {
			s := connected(playing(track))
			s.LoginEndsAt = now.Add(3*24*time.Hour - time.Hour)
			return s
		}(), want{
			playing: "Mr. Brightside — The Killers", album: "Hot Fuss", connect: "Log in again now",
			account: "Connected as Demo Listener · log in again within 3 days", url: track.URL, playingEnabled: true,
			icon: IconConnected, tooltip: "Mr. Brightside — The Killers\nHot Fuss\nSpotify login: log in again within 3 days",
		}},
		{"config problem while connected", func() View {
			s := connected(playing(track))
			s.Problem = "config.toml line 3: expected value"
			return s
		}(), want{
			playing: "Mr. Brightside — The Killers", album: "Hot Fuss", notice: "config.toml line 3: expected value",
			account: "Connected as Demo Listener", url: track.URL, playingEnabled: true, icon: IconConnected,
			tooltip: "Mr. Brightside — The Killers\nHot Fuss\nconfig.toml line 3: expected value",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Build(tc.s, "linux")
			checkConnected(t, m, tc.want)
		})
	}
}

func checkConnected(t *testing.T, m Menu, w want) {
	t.Helper()
	checkEntry(t, m, Connect, w.connect, true)
	checkEntry(t, m, Playing, w.playing, w.playingEnabled)
	checkEntry(t, m, Album, w.album, false)
	checkEntry(t, m, Notice, w.notice, false)
	checkEntry(t, m, Account, w.account, false)
	checkEntry(t, m, CopyScriptToken, "Copy refresh token for a script…", true)
	checkEntry(t, m, CopyAccessToken, "Copy access token", true)
	checkEntry(t, m, Notifications, "Notifications", true)
	checkEntry(t, m, Autostart, "Launch at login", true)
	checkEntry(t, m, Disconnect, "Disconnect", true)
	checkEntry(t, m, Quit, "Quit", true)
	if m.Target.URL != w.url {
		t.Errorf("URL = %q, want %q", m.Target.URL, w.url)
	}
	if m.Icon != w.icon {
		t.Errorf("icon = %v, want %v", m.Icon, w.icon)
	}
	if m.Tooltip != w.tooltip {
		t.Errorf("tooltip = %q, want %q", m.Tooltip, w.tooltip)
	}
}

// checkEntry checks one entry; label "" means it must be hidden.
func checkEntry(t *testing.T, m Menu, id ID, label string, enabled bool) {
	t.Helper()
	it := m.Items[id]
	if label == "" {
		if it.Visible {
			t.Errorf("entry %d visible as %q, want hidden", id, it.Label)
		}
		return
	}
	if !it.Visible || it.Label != label || it.Enabled != enabled {
		t.Errorf("entry %d = %+v, want visible %q enabled=%v", id, it, label, enabled)
	}
}

func TestBuildNotConnected(t *testing.T) {
	for _, tc := range []struct {
		name           string
		s              View
		connect        string
		connectEnabled bool
		notice         string
		tooltip        string
	}{
		{"first run", View{Now: now}, "Connect Spotify", true, "",
			"spotray: not connected; click Connect Spotify"},
		{"connecting", View{Connecting: true, Now: now}, "Connecting… (finish in your browser)", false, "",
			"spotray: finish connecting in your browser"},
		{"login failed", View{Problem: "Login failed: see the notification or the log", Now: now}, "Connect Spotify", true,
			"Login failed: see the notification or the log",
			"spotray: not connected; click Connect Spotify\nLogin failed: see the notification or the log"},
		{"Spotify ended the login", View{LoginEnded: true, Now: now}, "Connect Spotify", true,
			"Spotify ended this login", "Spotify ended this login: click Connect Spotify"},
		{"reconnecting after the login ended", View{LoginEnded: true, Connecting: true, Now: now},
			"Connecting… (finish in your browser)", false, "", "spotray: finish connecting in your browser"},
		// Offline or rate-limited without a login cannot happen, and
		// must not show as trouble if it did.
		{"stale trouble", View{Trouble: playback.Trouble{Kind: playback.Offline}, Now: now}, "Connect Spotify", true, "",
			"spotray: not connected; click Connect Spotify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Build(tc.s, "linux")
			checkEntry(t, m, Connect, tc.connect, tc.connectEnabled)
			checkEntry(t, m, Notice, tc.notice, false)
			for _, id := range []ID{Playing, Album, Account, CopyScriptToken, CopyAccessToken, Disconnect} {
				checkEntry(t, m, id, "", false)
			}
			checkEntry(t, m, Notifications, "Notifications", true)
			checkEntry(t, m, Autostart, "Launch at login", true)
			checkEntry(t, m, Quit, "Quit", true)
			if m.Icon != IconDisconnected {
				t.Errorf("icon = %v, want disconnected", m.Icon)
			}
			if m.Tooltip != tc.tooltip {
				t.Errorf("tooltip = %q, want %q", m.Tooltip, tc.tooltip)
			}
		})
	}
}

func TestBuildCheckboxes(t *testing.T) {
	for _, connectedToo := range []bool{false, true} {
		for _, n := range []bool{false, true} {
			for _, a := range []bool{false, true} {
				m := Build(View{Connected: connectedToo, Notifications: n, Autostart: a, Now: now}, "linux")
				if m.Items[Notifications].Checked != n || m.Items[Autostart].Checked != a {
					t.Errorf("connected=%v notifications=%v autostart=%v: checked %v %v", connectedToo, n, a,
						m.Items[Notifications].Checked, m.Items[Autostart].Checked)
				}
				for id := range NumItems {
					if m.Items[id].Checked && !Checkbox(id) {
						t.Errorf("entry %d is checked but not a checkbox", id)
					}
				}
			}
		}
	}
}

func TestBuildLabelsEscapedAndCut(t *testing.T) {
	it := playback.Item{
		Kind: playback.Track, Title: "Rock_n_Roll & Roll " + strings.Repeat("la ", 30),
		Artists: []string{"A_B & C"}, Album: "Snake_Case & Co", URL: "https://open.spotify.com/track/x",
	}
	s := connected(playing(it))
	s.User = "user_1 & friends"
	for _, tc := range []struct {
		goos, playingPrefix, album, account, tooltip string
	}{
		{"linux", "Rock__n__Roll & Roll la", "Snake__Case & Co", "Connected as user__1 & friends", "Rock_n_Roll & Roll"},
		{"windows", "Rock_n_Roll && Roll la", "Snake_Case && Co", "Connected as user_1 && friends", "Rock_n_Roll && Roll"},
		{"darwin", "Rock_n_Roll & Roll la", "Snake_Case & Co", "Connected as user_1 & friends", "Rock_n_Roll & Roll"},
	} {
		t.Run(tc.goos, func(t *testing.T) {
			m := Build(s, tc.goos)
			p := m.Items[Playing].Label
			if !strings.HasPrefix(p, tc.playingPrefix) || !strings.HasSuffix(p, "…") {
				t.Errorf("Playing = %q", p)
			}
			if m.Items[Album].Label != tc.album || m.Items[Account].Label != tc.account {
				t.Errorf("Album = %q, Account = %q", m.Items[Album].Label, m.Items[Account].Label)
			}
			// The tooltip takes no "_" mnemonics anywhere, but Windows
			// reads "&" in it as a prefix marker too.
			if !strings.HasPrefix(m.Tooltip, tc.tooltip) {
				t.Errorf("tooltip = %q", m.Tooltip)
			}
		})
	}
}

func TestLayout(t *testing.T) {
	seen := map[ID]bool{}
	for i, id := range Layout {
		if id == Separator {
			if i == 0 || i == len(Layout)-1 || Layout[i-1] == Separator {
				t.Errorf("separator at %d is at an edge or doubled", i)
			}
			continue
		}
		if seen[id] {
			t.Errorf("entry %d twice", id)
		}
		seen[id] = true
	}
	if len(seen) != int(NumItems) {
		t.Errorf("layout has %d entries, want %d", len(seen), NumItems)
	}
	// Whatever is hidden, the menu never shows two separators together or
	// one at an end.
	for _, s := range []View{{}, {Connected: true}, {Connecting: true}} {
		m := Build(s, "linux")
		var shown []ID
		for _, id := range Layout {
			if id == Separator || m.Items[id].Visible {
				shown = append(shown, id)
			}
		}
		for i, id := range shown {
			if id == Separator && (i == 0 || i == len(shown)-1 || shown[i-1] == Separator) {
				t.Errorf("state %+v: menu shows %v", s, shown)
			}
		}
	}
}

func TestLoginExpiry(t *testing.T) {
	for _, tc := range []struct {
		name string
		left time.Duration
		days int
		soon bool
	}{
		{"six months", 180 * 24 * time.Hour, 180, false},
		{"15 days", 15 * 24 * time.Hour, 15, false},
		{"14 days exactly", 14 * 24 * time.Hour, 14, true},
		{"13 days and a bit", 13*24*time.Hour + time.Minute, 14, true},
		{"one hour", time.Hour, 1, true},
		{"over", -time.Hour, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			days, soon := LoginExpiry(now.Add(tc.left), now)
			if days != tc.days || soon != tc.soon {
				t.Errorf("LoginExpiry = %d, %v; want %d, %v", days, soon, tc.days, tc.soon)
			}
		})
	}
	if _, soon := LoginExpiry(time.Time{}, now); soon {
		t.Error("an unknown end date counts as soon")
	}
}

func TestExpiryPhrase(t *testing.T) {
	for days, want := range map[int]string{
		0: "log in again now", 1: "log in again within 1 day", 9: "log in again within 9 days",
	} {
		if got := ExpiryPhrase(days); got != want {
			t.Errorf("ExpiryPhrase(%d) = %q, want %q", days, got, want)
		}
	}
}

func TestBuildTarget(t *testing.T) {
	savedView := connected(paused(track))
	savedView.Saved = true
	for _, tc := range []struct {
		name string
		view View
		want Target
	}{
		{"playing track", connected(playing(track)), Target{URL: track.URL, Key: track.Key, Playing: true}},
		{"paused saved track", savedView, Target{URL: track.URL, Key: track.Key, Saved: true}},
		{"episode", connected(playing(episode)), Target{URL: episode.URL, Key: episode.Key, Playing: true}},
		{"local file: nothing to save", connected(playing(local)), Target{Playing: true}},
		{"ad", connected(playing(ad)), Target{Playing: true}},
		{"nothing", connected(paused(nothing)), Target{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Build(tc.view, "linux").Target; got != tc.want {
				t.Errorf("Target = %+v, want %+v", got, tc.want)
			}
		})
	}
}
