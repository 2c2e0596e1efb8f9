package app

import (
	"reflect"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/mpris"
	"github.com/spotray/spotray/internal/playback"
)

var other = playback.Item{Kind: playback.Track, Key: "spotify:track:2", Title: "Under Pressure",
	Artists: []string{"Queen", "David Bowie"}, Album: "Hot Space", URL: "https://open.spotify.com/track/2"}

// A local player takes over from the Web API and hands back when it
// stops, pauses for long, leaves, or loses its metadata to Spotify Connect.
func TestFollowLocalPlayer(t *testing.T) {
	s, _ := Init(Startup{Config: cfg, Login: grantedLogin}, now)
	w := s.Watch
	connect := &LocalPlayer{Bus: "org.mpris.MediaPlayer2.spotify", Status: playback.Status{At: now}}
	following := func(want bool) func(*testing.T, State, []Effect) {
		return func(t *testing.T, s State, _ []Effect) {
			t.Helper()
			if s.Following != want {
				t.Errorf("following %v, want %v", s.Following, want)
			}
		}
	}
	run(t, s, []step{
		{e: Polled{Watch: w, Update: playback.Update{Status: playback.Status{Item: song, Playing: true, At: now, Device: "Den"}}},
			acts: "CheckSaved Export"},
		// The local player plays what the Web API showed: no new notification.
		{e: LocalChanged{localPlaying(song, true)}, acts: "HoldPolling Unexport", check: func(t *testing.T, s State, fx []Effect) {
			following(true)(t, s, fx)
			if got := s.Menu(now, "linux").Items[menu.Device].Label; got != "On this computer" {
				t.Errorf("device row %q", got)
			}
		}},
		// A poll in flight when the player took over changes nothing.
		{e: Polled{Watch: w, Update: playback.Update{Status: playback.Status{Item: other, Playing: true, At: now}}}, acts: ""},
		// A new item: announced once it has played for Calm.
		{e: LocalChanged{localPlaying(other, true)}, acts: "WakeAt CheckSaved"},
		{e: Woke{}, at: now.Add(playback.Calm), acts: "Notify", notes: []string{"Under Pressure"}},
		{e: Woke{}, at: now.Add(2 * playback.Calm), acts: ""},
		// Paused: followed for a poll interval, then the Web API takes over.
		{e: LocalChanged{localPlaying(other, false)}, at: now.Add(5 * time.Second), acts: "WakeAt"},
		{e: Woke{}, at: now.Add(5*time.Second + playback.DefaultInterval), acts: "ResumePolling", check: following(false)},
		// It plays again: followed again.
		{e: LocalChanged{localPlaying(other, true)}, at: now.Add(time.Minute), acts: "HoldPolling", check: following(true)},
		// Spotify Connect: the client shows nothing of the remote device.
		{e: LocalChanged{connect}, at: now.Add(2 * time.Minute), acts: "ResumePolling", check: following(false)},
		{e: Polled{Watch: w, Update: playback.Update{Status: playback.Status{Item: song, Playing: true, At: now, Device: "Den"}}},
			acts: "CheckSaved Export"},
		// Gone from the bus.
		{e: LocalChanged{localPlaying(song, true)}, acts: "HoldPolling Unexport"},
		{e: LocalChanged{nil}, acts: "ResumePolling", check: following(false)},
	})
}

// Skipping through tracks on the local player announces only the one that
// stays; the track already playing at start is not announced.
func TestLocalAnnouncements(t *testing.T) {
	s, _ := Init(Startup{Config: cfg, Login: login3m}, now)
	third := other
	third.Key, third.Title = "spotify:track:3", "Bohemian Rhapsody"
	run(t, s, []step{
		{e: LocalChanged{localPlaying(song, true)}, acts: "HoldPolling"},
		{e: LocalChanged{localPlaying(other, true)}, at: now.Add(time.Second), acts: "WakeAt"},
		{e: LocalChanged{localPlaying(third, true)}, at: now.Add(2 * time.Second), acts: "WakeAt"},
		{e: Woke{}, at: now.Add(2500 * time.Millisecond), acts: "WakeAt"},
		{e: Woke{}, at: now.Add(2*time.Second + playback.Calm), acts: "Notify", notes: []string{"Bohemian Rhapsody"}},
	})
}

// Remote playback is exported while no local player shows it.
func TestExportRemote(t *testing.T) {
	s := remoteState()
	if s.Exported == nil || s.Exported.Player.Identity != "Spotify on Kitchen speaker" {
		t.Fatalf("exported %+v", s.Exported)
	}
	// Only news re-exports: the position moving on is none.
	later := playback.Status{Item: song, Playing: true, At: now.Add(10 * time.Second), Progress: 10 * time.Second, Device: "Kitchen speaker"}
	s2, fx := Apply(s, Polled{Watch: s.Watch, Update: playback.Update{Status: later}}, now)
	if kinds(fx) != "" {
		t.Errorf("effects %s", kinds(fx))
	}
	// A paused local player with the same item still shows it.
	s3, fx := Apply(s2, LocalChanged{localPlaying(song, false)}, now)
	if kinds(fx) != "HoldPolling Unexport WakeAt" && kinds(fx) != "WakeAt HoldPolling Unexport" {
		t.Errorf("effects %s", kinds(fx))
	}
	s3, fx = Apply(s3, Woke{}, now.Add(playback.DefaultInterval))
	if kinds(fx) != "ResumePolling" || s3.Exported != nil {
		t.Errorf("after the hold: %s, exported %+v", kinds(fx), s3.Exported)
	}
	// Disconnecting removes it.
	if _, fx := Apply(s, LoginRemoved{}, now); kinds(fx) != "StopWatching Unexport" {
		t.Errorf("disconnect: %s", kinds(fx))
	}
}

func TestRemotePlayer(t *testing.T) {
	ep := playback.Item{Kind: playback.Episode, Key: "spotify:episode:9", Title: "Episode 9", Album: "The Show", Duration: time.Hour}
	for _, tc := range []struct {
		name string
		st   playback.Status
		want mpris.Remote
	}{
		{"playing track", playback.Status{Item: song, Playing: true, Progress: 3 * time.Second, Device: "Den"},
			mpris.Remote{Identity: "Spotify on Den", Status: "Playing", Position: 3 * time.Second,
				Meta: mpris.Metadata{TrackID: string(mpris.TrackPath(song.Key)), Title: song.Title, Artists: song.Artists,
					Album: song.Album, ArtURL: song.ImageURL, URL: song.URL, Length: song.Duration}}},
		{"paused episode, an older login", playback.Status{Item: ep, Device: "Phone"},
			mpris.Remote{Identity: "Spotify on Phone", Status: "Paused",
				Meta: mpris.Metadata{TrackID: "/org/spotray/track/spotify_episode_9", Title: "Episode 9", Album: "The Show", Length: time.Hour}}},
		{"ad", playback.Status{Item: playback.Item{Kind: playback.Ad}, Playing: true, Device: "Den"},
			mpris.Remote{Identity: "Spotify on Den", Status: "Playing",
				Meta: mpris.Metadata{TrackID: string(mpris.NoTrack), Title: "Advertisement"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := remotePlayer(tc.st); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("remotePlayer\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestLocal(t *testing.T) {
	if Local(nil, now) != nil {
		t.Error("no player: not nil")
	}
	p := &mpris.Player{Bus: "org.mpris.MediaPlayer2.spotify.instance7", Status: "Playing",
		Meta: mpris.Metadata{TrackID: "spotify:track:1", Title: "T", Artists: []string{"A"}, Album: "B", TrackNumber: 2}}
	l := Local(p, now)
	if l.Bus != p.Bus || !l.Usable || l.Status.Item.Key != "spotify:track:1" || !l.Status.Playing {
		t.Errorf("Local = %+v", l)
	}
	p.Meta = mpris.Metadata{}
	if l := Local(p, now); l.Usable || l.Bus != p.Bus {
		t.Errorf("without metadata: %+v", l)
	}
}

// A pause holds the Web API back for one poll interval, as configured.
func TestPauseHoldFollowsTheInterval(t *testing.T) {
	for _, interval := range []time.Duration{0, 2 * time.Second, 30 * time.Second} {
		c := cfg
		c.PollInterval = interval
		s, _ := Init(Startup{Config: c, Login: grantedLogin}, now)
		s, fx := Apply(s, LocalChanged{localPlaying(song, false)}, now)
		want := now.Add(playback.ClampInterval(interval))
		var at time.Time
		for _, f := range fx {
			if w, ok := f.(WakeAt); ok {
				at = w.At
			}
		}
		if !at.Equal(want) || !s.Following {
			t.Errorf("interval %v: wakes at %v, following %v; want %v", interval, at, s.Following, want)
		}
		if s, fx := Apply(s, Woke{}, want); s.Following || kinds(fx) != "ResumePolling" {
			t.Errorf("interval %v: after the hold %s, following %v", interval, kinds(fx), s.Following)
		}
	}
}
