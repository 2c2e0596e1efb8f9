package spotify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/testlogin"
	"github.com/spotray/spotray/internal/tokens"
)

// loggedIn starts the fake Spotify and returns a stored login for it with a
// tokens.Source, the token source the tray uses.
func loggedIn(t *testing.T) (*fakespotify.Server, *tokens.Source) {
	t.Helper()
	s := fakespotify.NewTestServer(t, fakespotify.Options{})
	store := &tokens.Store{Dir: t.TempDir()}
	testlogin.Save(t, s, store.Dir)
	cfg := config.Config{ClientID: fakespotify.DefaultClientID, AccountsURL: s.URL(), APIURL: s.URL()}
	return s, &tokens.Source{Store: store, OAuth: cfg.OAuth2(), ClientID: fakespotify.DefaultClientID}
}

func TestAgainstFakeSpotify(t *testing.T) {
	s, src := loggedIn(t)
	c := &spotify.Client{BaseURL: s.URL(), Tokens: src}
	ctx := context.Background()

	s.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureEpisode))
	cp, err := c.CurrentlyPlaying(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Item == nil || cp.Item.Show == nil || cp.Item.Show.Name != "The Giant Beastcast" {
		t.Errorf("episode item %+v: additional_types=episode not asked?", cp.Item)
	}

	s.SetNothingPlaying()
	if cp, err := c.CurrentlyPlaying(ctx); cp != nil || err != nil {
		t.Errorf("nothing playing gave %+v, %v", cp, err)
	}

	u, err := c.Me(ctx)
	if err != nil || u.Name() != fakespotify.DefaultDisplayName || u.ID != fakespotify.DefaultUserID {
		t.Errorf("Me() = %+v, %v", u, err)
	}

	// An expired access token is refreshed through the token endpoint once.
	s.ExpireAccessTokens()
	if _, err := c.Me(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := s.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}

	// When Spotify refuses the refresh token, the login has ended.
	s.ExpireAccessTokens()
	s.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultInvalidGrant})
	_, err = c.CurrentlyPlaying(ctx)
	if !errors.Is(err, tokens.ErrLoginEnded) {
		t.Fatalf("error %v, want the login ended", err)
	}
	for _, tok := range s.IssuedTokens() {
		if strings.Contains(err.Error(), tok) {
			t.Fatalf("error shows a token: %v", err)
		}
	}
}

func TestFakeSpotifyFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault fakespotify.Fault
		check func(t *testing.T, err error)
	}{
		{"rate limit with quota", fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: 5 * time.Second, Quota: true},
			func(t *testing.T, err error) {
				var e *spotify.Error
				if !errors.As(err, &e) || e.Status != 429 || e.RetryAfter != 5*time.Second || e.Reason != spotify.ReasonQuotaExceeded {
					t.Errorf("error %#v", err)
				}
			}},
		{"rate limit", fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: 2 * time.Second},
			func(t *testing.T, err error) {
				var e *spotify.Error
				if !errors.As(err, &e) || e.RetryAfter != 2*time.Second || e.Reason != "" {
					t.Errorf("error %#v", err)
				}
			}},
		{"503", fakespotify.Fault{Kind: fakespotify.FaultStatus},
			func(t *testing.T, err error) {
				var e *spotify.Error
				if !errors.As(err, &e) || e.Status != 503 || !strings.HasPrefix(e.Error(), "Spotify API 503: ") {
					t.Errorf("error %v", err)
				}
			}},
		{"401 whatever the token", fakespotify.Fault{Kind: fakespotify.FaultUnauthorized},
			func(t *testing.T, err error) {
				var e *spotify.Error
				if !errors.As(err, &e) || e.Status != 401 {
					t.Errorf("error %v", err)
				}
			}},
		{"truncated JSON", fakespotify.Fault{Kind: fakespotify.FaultTruncatedJSON}, wantErr("malformed answer")},
		{"malformed JSON", fakespotify.Fault{Kind: fakespotify.FaultMalformedJSON}, wantErr("malformed answer")},
		{"empty body", fakespotify.Fault{Kind: fakespotify.FaultEmptyBody}, wantErr("empty answer")},
		{"connection reset", fakespotify.Fault{Kind: fakespotify.FaultReset}, wantErr("currently playing: ")},
		{"hang", fakespotify.Fault{Kind: fakespotify.FaultHang},
			func(t *testing.T, err error) {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("error %v, want the deadline", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, src := loggedIn(t)
			s.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureTrack))
			s.SetAPIFault(tt.fault)
			c := &spotify.Client{BaseURL: s.URL(), Tokens: src}
			timeout := 5 * time.Second
			if tt.fault.Kind == fakespotify.FaultHang {
				timeout = 100 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			cp, err := c.CurrentlyPlaying(ctx)
			if err == nil {
				t.Fatalf("no error, got %+v", cp)
			}
			tt.check(t, err)
			for _, tok := range s.IssuedTokens() {
				if strings.Contains(err.Error(), tok) {
					t.Fatalf("error shows a token: %v", err)
				}
			}
		})
	}
}

func wantErr(part string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q, want %q in it", err, part)
		}
	}
}

// Commands and the library against the simulated Spotify: exactly one
// request each, Spotify's refusals as *spotify.Error with their reasons.
func TestControlAndLibrary(t *testing.T) {
	s, src := loggedIn(t)
	c := &spotify.Client{BaseURL: s.URL(), Tokens: src}
	ctx := context.Background()
	s.SetPlaylist([]fakespotify.Item{{Name: "A", Duration: time.Hour}, {Name: "B", Duration: time.Hour}})
	for _, cmd := range []spotify.Command{spotify.Pause, spotify.Play, spotify.Next, spotify.Previous} {
		if err := c.Control(ctx, cmd); err != nil {
			t.Errorf("%v: %v", cmd, err)
		}
	}
	want := []string{"PUT /v1/me/player/pause", "PUT /v1/me/player/play", "POST /v1/me/player/next", "POST /v1/me/player/previous"}
	if got := s.Calls(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("requests %q, want %q", got, want)
	}
	cp, err := c.CurrentlyPlaying(ctx)
	if err != nil || cp.Item.Name != "A" || !cp.IsPlaying || cp.Device == nil || cp.Device.Name != "Kitchen speaker" {
		t.Errorf("after the commands: %+v, %v", cp, err)
	}

	uri := cp.Item.URI
	if saved, err := c.Saved(ctx, uri); saved || err != nil {
		t.Errorf("Saved before = %v, %v", saved, err)
	}
	if err := c.SetSaved(ctx, uri, true); err != nil || !s.Saved(uri) {
		t.Errorf("SetSaved(true): %v, saved %v", err, s.Saved(uri))
	}
	if saved, err := c.Saved(ctx, uri); !saved || err != nil {
		t.Errorf("Saved after = %v, %v", saved, err)
	}
	if err := c.SetSaved(ctx, uri, false); err != nil || s.Saved(uri) {
		t.Errorf("SetSaved(false): %v, saved %v", err, s.Saved(uri))
	}
	if err := c.SetSaved(ctx, "spotify:local:x", true); err == nil {
		t.Error("a local file was saved")
	}

	for _, tc := range []struct {
		name   string
		setup  func()
		status int
		reason string
	}{
		{"free account", func() { s.SetPremium(false) }, 403, spotify.ReasonPremiumRequired},
		{"no device", func() { s.SetPremium(true); s.SetDevice(nil) }, 404, spotify.ReasonNoActiveDevice},
	} {
		tc.setup()
		var apiErr *spotify.Error
		err := c.Control(ctx, spotify.Next)
		if !errors.As(err, &apiErr) || apiErr.Status != tc.status || apiErr.Reason != tc.reason {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// A login without the control and library scopes is refused with
// Spotify's scope error, which ScopeMissing recognises.
func TestControlWithoutScope(t *testing.T) {
	s := fakespotify.NewTestServer(t, fakespotify.Options{})
	store := &tokens.Store{Dir: t.TempDir()}
	testlogin.SaveOld(t, s, store.Dir, spotify.ReadScopes, "")
	cfg := config.Config{ClientID: fakespotify.DefaultClientID, AccountsURL: s.URL(), APIURL: s.URL()}
	c := &spotify.Client{BaseURL: s.URL(), Tokens: &tokens.Source{Store: store, OAuth: cfg.OAuth2(), ClientID: fakespotify.DefaultClientID}}
	s.SetPlaylist([]fakespotify.Item{{Name: "A"}})
	for name, err := range map[string]error{
		"next":  c.Control(context.Background(), spotify.Next),
		"save":  c.SetSaved(context.Background(), "spotify:track:x", true),
		"saved": func() error { _, err := c.Saved(context.Background(), "spotify:track:x"); return err }(),
	} {
		var apiErr *spotify.Error
		if !errors.As(err, &apiErr) || !spotify.ScopeMissing(apiErr) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(s.Calls()) != 0 {
		t.Errorf("refused requests recorded as made: %q", s.Calls())
	}
}
