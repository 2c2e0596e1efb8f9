package playback_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/testenv"
	"github.com/spotray/spotray/internal/testlogin"
	"github.com/spotray/spotray/internal/tokens"
)

// TestFaultsAreTrouble makes the simulated Spotify fail in every way it can
// and checks what the poller, through the real client and token source,
// makes of the first poll: which kind of trouble, when it asks again,
// whether the error ends the login (account.Classify, the owner's one
// decision), and that a failed refresh leaves the stored login byte for
// byte as it was. The tray shows these updates as they come; its
// end-to-end tests run one fault of each kind through the binary, and the
// backoff that follows is proven in simulated time (TestPollerBackoff,
// TestPollerRateLimit).
func TestFaultsAreTrouble(t *testing.T) {
	status := func(code int) func(*fakespotify.Server) {
		return func(s *fakespotify.Server) {
			s.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: code})
		}
	}
	api := func(k fakespotify.FaultKind) func(*fakespotify.Server) {
		return func(s *fakespotify.Server) { s.SetAPIFault(fakespotify.Fault{Kind: k}) }
	}
	// The access token expires at Spotify while the stored one still
	// looks valid: the poll gets a 401 and needs a refresh, which the
	// token endpoint then fails.
	tokenDown := func(f fakespotify.Fault) func(*fakespotify.Server) {
		return func(s *fakespotify.Server) {
			s.SetTokenFault(f)
			s.ExpireAccessTokens()
		}
	}
	const retryAfter = 7 * time.Second
	for _, tc := range []struct {
		name      string
		begin     func(*fakespotify.Server)
		kind      playback.TroubleKind
		gone      account.Gone
		refreshes bool // the poll needed a refresh, which failed
	}{
		{name: "500", begin: status(http.StatusInternalServerError), kind: playback.Offline},
		{name: "502", begin: status(http.StatusBadGateway), kind: playback.Offline},
		{name: "503", begin: status(http.StatusServiceUnavailable), kind: playback.Offline},
		{name: "403", begin: status(http.StatusForbidden), kind: playback.Offline},
		{name: "truncated JSON", begin: api(fakespotify.FaultTruncatedJSON), kind: playback.Offline},
		{name: "malformed JSON", begin: api(fakespotify.FaultMalformedJSON), kind: playback.Offline},
		{name: "200 with an empty body", begin: api(fakespotify.FaultEmptyBody), kind: playback.Offline},
		{name: "connection reset", begin: api(fakespotify.FaultReset), kind: playback.Offline},
		{name: "hang", begin: api(fakespotify.FaultHang), kind: playback.Offline},
		{name: "connection refused", begin: func(s *fakespotify.Server) {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}, kind: playback.Offline},
		{
			name:  "token endpoint 503 during a refresh",
			begin: tokenDown(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: http.StatusServiceUnavailable}),
			kind:  playback.Offline, refreshes: true,
		},
		{
			name:  "token endpoint resets during a refresh",
			begin: tokenDown(fakespotify.Fault{Kind: fakespotify.FaultReset}),
			kind:  playback.Offline, refreshes: true,
		},
		{
			name: "429 with Retry-After",
			begin: func(s *fakespotify.Server) {
				s.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: retryAfter})
			},
			kind: playback.RateLimited,
		},
		{
			name: "429 quota exceeded",
			begin: func(s *fakespotify.Server) {
				s.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultRateLimit, RetryAfter: retryAfter, Quota: true})
			},
			kind: playback.RateLimited,
		},
		{name: "401 on every call", begin: api(fakespotify.FaultUnauthorized), kind: playback.Offline, gone: account.Ended},
		{
			name:  "invalid_grant",
			begin: tokenDown(fakespotify.Fault{Kind: fakespotify.FaultInvalidGrant}),
			kind:  playback.Offline, gone: account.Ended,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakespotify.NewTestServer(t, fakespotify.Options{})
			s.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureTrack))
			store := &tokens.Store{Dir: t.TempDir()}
			testlogin.Save(t, s, store.Dir)
			stored, err := os.ReadFile(filepath.Join(store.Dir, "token.json"))
			if err != nil {
				t.Fatal(err)
			}
			cfg := config.Config{ClientID: fakespotify.DefaultClientID, AccountsURL: s.URL()}
			src := &tokens.Source{Store: store, OAuth: cfg.OAuth2(), ClientID: fakespotify.DefaultClientID}
			tc.begin(s)

			updates := make(chan playback.Update, 10)
			w := &playback.Poller{
				// The client's own timeout, short: a hanging Spotify
				// fails the poll once it passes.
				Client:   &spotify.Client{BaseURL: s.URL(), Tokens: src, HTTP: &http.Client{Timeout: 200 * time.Millisecond}},
				Interval: playback.MinInterval,
				Updates:  func(u playback.Update) { updates <- u },
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			started := time.Now()
			go func() { w.Run(ctx); close(done) }()
			var u playback.Update
			select {
			case u = <-updates:
			case <-time.After(testenv.WaitLimit):
				t.Fatal("no update after the first poll")
			}
			answered := time.Now()
			cancel()
			<-done

			tr := u.Trouble
			if tr.Kind != tc.kind || tr.Err == nil {
				t.Fatalf("trouble %+v (%v), want kind %v", tr, tr.Err, tc.kind)
			}
			switch tc.kind {
			case playback.Offline:
				// The first retry of the backoff: [1 s, 2 s] after the
				// failure.
				if tr.Until.Before(started.Add(time.Second)) || tr.Until.After(answered.Add(2*time.Second)) {
					t.Errorf("next poll %v after the start, want the first retry of the backoff", tr.Until.Sub(started))
				}
			case playback.RateLimited:
				if tr.Until.Before(started.Add(retryAfter)) || tr.Until.After(answered.Add(retryAfter)) {
					t.Errorf("next poll %v after the start, want Retry-After (%v)", tr.Until.Sub(started), retryAfter)
				}
			}
			if gone := account.Classify(tr.Err); gone != tc.gone {
				t.Errorf("account.Classify(%v) = %v, want %v", tr.Err, gone, tc.gone)
			}
			if tc.refreshes {
				if n := len(s.Requests("/api/token")); n != 1 || s.Stats().Refreshes != 0 {
					t.Errorf("%d refresh attempts, %d granted; want 1, none", n, s.Stats().Refreshes)
				}
			}
			if tc.gone == account.Kept {
				if now, err := os.ReadFile(filepath.Join(store.Dir, "token.json")); err != nil || !bytes.Equal(now, stored) {
					t.Errorf("token.json changed (%v)", err)
				}
			}
			if errors.Is(tr.Err, context.Canceled) {
				t.Errorf("the poll was cut short by the test: %v", tr.Err)
			}
		})
	}
}
