package playback

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"

	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/testlogin"
	"github.com/spotray/spotray/internal/tokens"
)

// handlerTransport serves requests with a handler in the calling goroutine,
// so the real client, token source and fake Spotify run inside a synctest
// bubble, on its clock, without sockets.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// wokenStack is a poller with the real Spotify client and token source,
// against the fake Spotify, all on one simulated clock: the wall clock of
// the poller's fakeClock, which Suspend moves as a sleeping machine does.
type wokenStack struct {
	clk  *fakeClock
	fake *fakespotify.Server
	w    *Poller
	ctx  context.Context // carries the HTTP client for token refreshes
}

func newWokenStack(t *testing.T) *wokenStack {
	t.Helper()
	clk := newFakeClock()
	wall := func() time.Time { return clk.Now().Wall }
	fake := fakespotify.New(fakespotify.Options{Now: wall})
	store := &tokens.Store{Dir: t.TempDir()}
	testlogin.Save(t, fake, store.Dir)
	const base = "http://spotify.test"
	hc := &http.Client{Transport: handlerTransport{fake}}
	// The OAuth settings config.Config.OAuth2 makes for PKCE (config
	// imports this package, so its test cannot import config).
	oc := &oauth2.Config{ClientID: fakespotify.DefaultClientID,
		Endpoint: oauth2.Endpoint{TokenURL: base + "/api/token", AuthStyle: oauth2.AuthStyleInParams}}
	src := &tokens.Source{Store: store, OAuth: oc, ClientID: fakespotify.DefaultClientID, Now: wall}
	return &wokenStack{
		clk:  clk,
		fake: fake,
		w:    &Poller{Client: &spotify.Client{BaseURL: base, HTTP: hc, Tokens: src}, Clock: clk},
		ctx:  context.WithValue(context.Background(), oauth2.HTTPClient, hc),
	}
}

// TestPollerWakeRefreshesToken: after a night asleep the access token has
// expired by the wall clock. The poll made on waking asks for a new token
// first, so Spotify sees one refresh and one request with the new token,
// never a request with the stale one.
func TestPollerWakeRefreshesToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newWokenStack(t)
		s.fake.SetNothingPlaying()
		var updates []Update
		s.w.Updates = func(u Update) { updates = append(updates, u) }
		ctx, cancel := context.WithCancel(s.ctx)
		done := make(chan struct{})
		go func() { s.w.Run(ctx); close(done) }()
		synctest.Wait()

		s.clk.Advance(12 * time.Second)
		s.clk.Suspend(8 * time.Hour)
		s.clk.Advance(3 * time.Second) // the clock check at 15 s sees the jump
		polls := s.fake.Requests("/v1/me/player")
		want := []time.Time{at, at.Add(8*time.Hour + 15*time.Second)}
		if len(polls) != len(want) || !polls[0].Equal(want[0]) || !polls[1].Equal(want[1]) {
			t.Errorf("Spotify saw polls at %v, want %v: one at start, one on waking, none rejected", polls, want)
		}
		if st := s.fake.Stats(); st.Refreshes != 1 {
			t.Errorf("%d refreshes, want 1 on waking", st.Refreshes)
		}
		if len(updates) != 2 || updates[1].Trouble.Kind != None {
			t.Errorf("updates %+v", updates)
		}
		cancel()
		<-done
	})
}

// TestPollerWakeDuringBackoff: a machine that fell asleep while spotray
// waited out a long backoff looks again on waking instead of finishing the
// wait, since the network it failed on has most likely changed.
func TestPollerWakeDuringBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newWokenStack(t)
		s.fake.SetNothingPlaying()
		s.fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: http.StatusServiceUnavailable})
		s.w.rnd = rand.New(rand.NewPCG(7, 7))
		ctx, cancel := context.WithCancel(s.ctx)
		done := make(chan struct{})
		go func() { s.w.Run(ctx); close(done) }()
		synctest.Wait()

		s.clk.Advance(3 * time.Minute) // failures until the backoff is long
		failed := len(s.fake.Requests("/v1/me/player"))
		s.fake.ClearFaults()
		s.clk.Suspend(time.Hour)
		woke := s.clk.Now().Wall
		s.clk.Advance(wakeCheck) // the next clock check sees the jump
		polls := s.fake.Requests("/v1/me/player")
		if len(polls) != failed+1 || polls[failed].After(woke.Add(wakeCheck)) {
			t.Errorf("polls after waking at %v: %v, want exactly one within %v", woke, polls[failed:], wakeCheck)
		}
		cancel()
		<-done
	})
}
