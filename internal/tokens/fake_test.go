package tokens

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/spotray/spotray/internal/fakespotify"
)

// loginAtFake logs into a fake Spotify in single-use rotation mode and
// stores that login with its access token already expired, as after a night
// of sleep. It returns the fake and a Source for the stored login.
func loginAtFake(t *testing.T, opts fakespotify.Options) (*fakespotify.Server, *Source, *Token) {
	t.Helper()
	fake := fakespotify.NewTestServer(t, opts)
	g, err := fake.Grant(fakespotify.DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	fake.ExpireAccessTokens()
	stored := &Token{
		ClientID:     fakespotify.DefaultClientID,
		AccessToken:  g.AccessToken,
		RefreshToken: g.RefreshToken,
		TokenType:    "Bearer",
		Scope:        g.Scope,
		Expiry:       time.Now().Add(-time.Minute),
		AuthorizedAt: g.AuthorizedAt,
		User:         fakespotify.DefaultDisplayName,
	}
	dir := t.TempDir()
	if err := (&Store{Dir: dir}).Save(stored); err != nil {
		t.Fatal(err)
	}
	return fake, fakeSource(fake, dir, opts.Now), stored
}

func fakeSource(fake *fakespotify.Server, dir string, now func() time.Time) *Source {
	return &Source{
		Store: &Store{Dir: dir},
		OAuth: &oauth2.Config{
			ClientID: fakespotify.DefaultClientID,
			Endpoint: oauth2.Endpoint{TokenURL: fake.URL() + "/api/token", AuthStyle: oauth2.AuthStyleInParams},
		},
		ClientID: fakespotify.DefaultClientID,
		Now:      now,
	}
}

// refreshWorks spends refreshToken at the fake and reports whether it was
// accepted.
func refreshWorks(t *testing.T, fake *fakespotify.Server, refreshToken string) bool {
	t.Helper()
	resp, err := http.PostForm(fake.URL()+"/api/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}, "client_id": {fakespotify.DefaultClientID},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func TestFakeSpotifyRefresh(t *testing.T) {
	fake, src, stored := loginAtFake(t, fakespotify.Options{Rotation: fakespotify.RotateSingleUse})
	ctx := context.Background()
	if fake.Accepts(stored.AccessToken) {
		t.Fatal("the fake still accepts the expired access token")
	}

	got, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !fake.Accepts(got.AccessToken) {
		t.Error("the fake refuses the refreshed access token")
	}
	if got.RefreshToken == stored.RefreshToken {
		t.Error("the rotated refresh token was not taken")
	}
	if !got.AuthorizedAt.Equal(stored.AuthorizedAt) || got.User != stored.User || got.ClientID != stored.ClientID {
		t.Errorf("login identity changed: %+v", got)
	}
	if d := time.Until(got.Expiry); d < 59*time.Minute || d > time.Hour {
		t.Errorf("expiry in %v, want about an hour", d)
	}
	onDisk, err := src.Store.Load()
	if err != nil || !sameToken(onDisk, got) {
		t.Fatalf("on disk %+v (%v), want what Token returned", onDisk, err)
	}

	// A 401 for the access token just handed out forces a refresh; a
	// late 401 for the one before must not spend the new refresh token.
	forced, err := src.Refresh(ctx, got.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if forced.AccessToken == got.AccessToken || forced.RefreshToken == got.RefreshToken {
		t.Error("forced refresh did not refresh")
	}
	late, err := src.Refresh(ctx, got.AccessToken)
	if err != nil || late.AccessToken != forced.AccessToken {
		t.Errorf("Refresh(replaced token) = %v, %v; want the current token", late, err)
	}
	if st := fake.Stats(); st.Refreshes != 2 || st.RefreshReuses != 0 {
		t.Errorf("fake stats %+v, want 2 refreshes and no reuse", st)
	}

	// Every transient failure leaves the stored login as it was.
	before, err := os.ReadFile(src.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []fakespotify.Fault{
		{Kind: fakespotify.FaultStatus, Status: http.StatusServiceUnavailable},
		{Kind: fakespotify.FaultStatus, Status: http.StatusInternalServerError},
		{Kind: fakespotify.FaultReset},
		{Kind: fakespotify.FaultMalformedJSON},
		{Kind: fakespotify.FaultEmptyBody},
		{Kind: fakespotify.FaultHang},
	} {
		// Times 1 rather than ClearFaults, which would let a hanging
		// refresh proceed after the client gave up on it.
		f.Times = 1
		fake.SetTokenFault(f)
		ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		_, err := src.Refresh(ctx, forced.AccessToken)
		cancel()
		if err == nil || errors.Is(err, ErrLoginEnded) {
			t.Errorf("fault %v: Refresh = %v, want a transient error", f.Kind, err)
		}
		assertFile(t, src.Store, before)
	}
	if !refreshWorks(t, fake, forced.RefreshToken) {
		t.Error("the stored refresh token no longer works after the failures")
	}
}

// TestFakeSpotifyLostResponse covers a refresh that Spotify granted but whose
// answer was cut off: the new refresh token is unknown, so the stored login
// stays as it was and the failure is not taken for the end of the login.
func TestFakeSpotifyLostResponse(t *testing.T) {
	fake, src, _ := loginAtFake(t, fakespotify.Options{Rotation: fakespotify.RotateOmit})
	before, err := os.ReadFile(src.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultTruncatedJSON, Times: 1})
	if _, err := src.Token(context.Background()); err == nil || errors.Is(err, ErrLoginEnded) {
		t.Errorf("Token = %v, want a transient error", err)
	}
	assertFile(t, src.Store, before)
	if got, err := src.Token(context.Background()); err != nil || !fake.Accepts(got.AccessToken) {
		t.Errorf("Token once the network is back = %v", err)
	}
}

func TestFakeSpotifyLoginEnds(t *testing.T) {
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	_, src, stored := loginAtFake(t, fakespotify.Options{Now: now})
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	clock = stored.LoginEndsAt().Add(time.Second)
	mu.Unlock()
	_, err := src.Token(context.Background())
	if !errors.Is(err, ErrLoginEnded) || !strings.Contains(err.Error(), "Refresh token expired") {
		t.Fatalf("Token six months on = %v, want ErrLoginEnded saying the refresh token expired", err)
	}
	if _, err := os.Stat(src.Store.Path()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ended login still stored: %v", err)
	}
	if _, err := src.Token(context.Background()); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("Token after the end = %v, want ErrNotLoggedIn", err)
	}
}

func TestFakeSpotifyRevoked(t *testing.T) {
	fake, src, _ := loginAtFake(t, fakespotify.Options{})
	fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultInvalidGrant})
	_, err := src.Token(context.Background())
	if !errors.Is(err, ErrLoginEnded) || !strings.Contains(err.Error(), "Refresh token revoked") {
		t.Fatalf("Token = %v, want ErrLoginEnded saying the refresh token was revoked", err)
	}
	if _, err := src.Store.Load(); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("revoked login still stored: %v", err)
	}
}

// TestConcurrentRefresh has many independent Sources (as in separate
// goroutines or processes) find the same expired token at once. Single-use
// refresh tokens allow exactly one refresh; a second would be rejected and
// end the login.
func TestConcurrentRefresh(t *testing.T) {
	fake, first, _ := loginAtFake(t, fakespotify.Options{Rotation: fakespotify.RotateSingleUse})
	const n = 20
	start := make(chan struct{})
	results := make([]*Token, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		src := fakeSource(fake, first.Store.Dir, nil)
		wg.Go(func() {
			<-start
			results[i], errs[i] = src.Token(context.Background())
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if results[i].AccessToken != results[0].AccessToken {
			t.Errorf("goroutine %d got another access token than goroutine 0", i)
		}
	}
	if st := fake.Stats(); st.Refreshes != 1 || st.RefreshReuses != 0 {
		t.Errorf("fake stats %+v, want exactly one refresh and no reuse", st)
	}
	if !fake.Accepts(results[0].AccessToken) {
		t.Error("the fake refuses the shared access token")
	}
	onDisk, err := first.Store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !refreshWorks(t, fake, onDisk.RefreshToken) {
		t.Error("the refresh token left on disk does not work")
	}
}
