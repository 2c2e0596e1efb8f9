package playback_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/testenv"
	"github.com/spotray/spotray/internal/testlogin"
	"github.com/spotray/spotray/internal/tokens"
)

// TestPollerOverHTTP runs the poller in real time against the fake Spotify,
// through the real client and token source.
func TestPollerOverHTTP(t *testing.T) {
	s := fakespotify.NewTestServer(t, fakespotify.Options{})
	store := &tokens.Store{Dir: t.TempDir()}
	testlogin.Save(t, s, store.Dir)
	cfg := config.Config{ClientID: fakespotify.DefaultClientID, AccountsURL: s.URL()}
	src := &tokens.Source{Store: store, OAuth: cfg.OAuth2(), ClientID: fakespotify.DefaultClientID}
	s.SetPlaylist([]fakespotify.Item{
		{Kind: fakespotify.KindTrack, Name: "First", Artists: []string{"A"}, Album: "X", Duration: 3 * time.Minute},
		{Kind: fakespotify.KindTrack, Name: "Second", Artists: []string{"B", "C"}, Album: "Y", Duration: 3 * time.Minute},
	})

	updates := make(chan playback.Update, 100)
	w := &playback.Poller{
		Client:   &spotify.Client{BaseURL: s.URL(), Tokens: src},
		Interval: playback.MinInterval,
		Updates:  func(u playback.Update) { updates <- u },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	// next waits for an update that satisfies ok; a generous deadline only
	// keeps a broken poller from hanging the test.
	next := func(what string, ok func(playback.Update) bool) playback.Update {
		t.Helper()
		deadline := time.After(testenv.WaitLimit)
		for {
			select {
			case u := <-updates:
				if u.Announce != nil && u.Announce.Title != "Second" {
					t.Errorf("announced %s", u.Announce)
				}
				if ok(u) {
					return u
				}
			case <-done:
				t.Fatalf("Run ended early waiting for %s", what)
			case <-deadline:
				t.Fatalf("no update: %s", what)
			}
		}
	}

	u := next("the first track", func(u playback.Update) bool { return true })
	if u.Status.Item.String() != "First — A" || !u.Status.Playing || u.Announce != nil {
		t.Errorf("first update %+v", u)
	}

	s.Skip()
	w.PollNow()
	u = next("the announcement", func(u playback.Update) bool { return u.Announce != nil })
	if u.Announce.String() != "Second — B, C" || u.Status.Progress < playback.Calm {
		t.Errorf("announced %s at %v", u.Announce, u.Status.Progress)
	}

	s.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: 502, Times: 1})
	w.PollNow()
	u = next("offline", func(u playback.Update) bool { return u.Trouble.Kind != playback.None })
	if u.Trouble.Kind != playback.Offline || u.Status.Item.Title != "Second" {
		t.Errorf("trouble update %+v", u)
	}
	next("recovery", func(u playback.Update) bool { return u.Trouble.Kind == playback.None })

	s.ExpireAccessTokens()
	s.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultInvalidGrant})
	w.PollNow()
	u = next("login ended", func(u playback.Update) bool { return u.Trouble.Kind != playback.None })
	if !errors.Is(u.Trouble.Err, tokens.ErrLoginEnded) {
		t.Errorf("trouble %+v, want the login's end", u.Trouble)
	}
}
