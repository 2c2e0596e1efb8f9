package tokens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

const testClientID = "0123456789abcdef0123456789abcdef"

// now is the tests' clock: the stored access token expires relative to it.
var now = authorized.Add(24 * time.Hour)

// answer is a canned token endpoint response.
type answer struct {
	status int
	body   string
	hang   bool // never answer (until the client gives up)
}

// endpoint is a token endpoint that gives every request one answer and
// records what it was sent.
type endpoint struct {
	answer
	requests atomic.Int32
	lastForm atomic.Value // url.Values
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.requests.Add(1)
	if err := r.ParseForm(); err == nil {
		e.lastForm.Store(r.PostForm)
	}
	if e.hang {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	fmt.Fprint(w, e.body)
}

func oauthConfig(tokenURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: testClientID,
		Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
	}
}

func newSource(dir, tokenURL string) *Source {
	return &Source{
		Store:    &Store{Dir: dir},
		OAuth:    oauthConfig(tokenURL),
		ClientID: testClientID,
		Now:      func() time.Time { return now },
	}
}

func assertFile(t *testing.T, s *Store, want []byte) {
	t.Helper()
	got, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatalf("token file: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("token file changed:\n%s\nwant byte-identical:\n%s", got, want)
	}
}

const (
	granted        = `{"access_token":"access-new","token_type":"Bearer","expires_in":3600,"scope":"user-read-currently-playing user-read-playback-state"}`
	grantedRotated = `{"access_token":"access-new","token_type":"Bearer","expires_in":3600,"refresh_token":"refresh-new","scope":"user-read-currently-playing user-read-playback-state"}`
	revoked        = `{"error":"invalid_grant","error_description":"Refresh token revoked"}`
)

func TestSource(t *testing.T) {
	expiresIn := func(d time.Duration) func(*Token) {
		return func(tok *Token) { tok.Expiry = now.Add(d) }
	}
	type outcome int
	const (
		unchanged outcome = iota // token file byte-identical
		refreshed                // token file holds the refreshed login
		removed                  // token file gone
	)
	for _, tc := range []struct {
		name     string
		stored   func(*Token)
		answer   answer
		rejected string // "" calls Token, else Refresh(rejected)
		ctx      func(context.Context) (context.Context, context.CancelFunc)

		wantErr      error  // errors.Is target; nil means success
		wantErrText  string // part of the message
		wantAccess   string
		wantRefresh  string // on disk afterwards, when refreshed
		wantFile     outcome
		wantRequests int32
	}{
		{
			name: "valid token returned as is", stored: expiresIn(10 * time.Minute),
			wantAccess: "access-stored", wantFile: unchanged,
		},
		{
			name: "valid for exactly a minute more", stored: expiresIn(minValidity),
			wantAccess: "access-stored", wantFile: unchanged,
		},
		{
			name: "near expiry refreshed", stored: expiresIn(minValidity - time.Second),
			answer:     answer{status: 200, body: granted},
			wantAccess: "access-new", wantRefresh: "refresh-stored", wantFile: refreshed, wantRequests: 1,
		},
		{
			name: "expired refreshed", stored: expiresIn(-3 * time.Hour),
			answer:     answer{status: 200, body: granted},
			wantAccess: "access-new", wantRefresh: "refresh-stored", wantFile: refreshed, wantRequests: 1,
		},
		{
			name: "rotated refresh token saved", stored: expiresIn(-time.Minute),
			answer:     answer{status: 200, body: grantedRotated},
			wantAccess: "access-new", wantRefresh: "refresh-new", wantFile: refreshed, wantRequests: 1,
		},
		{
			name: "omitted refresh token keeps the old one", stored: expiresIn(-time.Minute),
			answer:     answer{status: 200, body: `{"access_token":"access-new","token_type":"Bearer","expires_in":3600}`},
			wantAccess: "access-new", wantRefresh: "refresh-stored", wantFile: refreshed, wantRequests: 1,
		},
		{
			name: "empty refresh token keeps the old one", stored: expiresIn(-time.Minute),
			answer:     answer{status: 200, body: `{"access_token":"access-new","token_type":"Bearer","expires_in":3600,"refresh_token":""}`},
			wantAccess: "access-new", wantRefresh: "refresh-stored", wantFile: refreshed, wantRequests: 1,
		},
		{
			name: "invalid_grant ends the login", stored: expiresIn(-time.Minute),
			answer:  answer{status: 400, body: revoked},
			wantErr: ErrLoginEnded, wantErrText: "Refresh token revoked", wantFile: removed, wantRequests: 1,
		},
		{
			name: "expired refresh token ends the login", stored: expiresIn(-time.Minute),
			answer:  answer{status: 400, body: `{"error":"invalid_grant","error_description":"Refresh token expired"}`},
			wantErr: ErrLoginEnded, wantErrText: "Refresh token expired", wantFile: removed, wantRequests: 1,
		},
		{
			name: "503 keeps the login", stored: expiresIn(-time.Minute),
			answer:      answer{status: 503, body: "<html>upstream unavailable</html>"},
			wantErrText: "refresh access token: token endpoint answered HTTP 503", wantFile: unchanged, wantRequests: 1,
		},
		{
			name: "500 with an error code keeps the login", stored: expiresIn(-time.Minute),
			answer:      answer{status: 500, body: `{"error":"server_error"}`},
			wantErrText: "server_error", wantFile: unchanged, wantRequests: 1,
		},
		{
			name: "invalid_client keeps the login", stored: expiresIn(-time.Minute),
			answer:      answer{status: 400, body: `{"error":"invalid_client","error_description":"Invalid client"}`},
			wantErrText: "Invalid client", wantFile: unchanged, wantRequests: 1,
		},
		{
			name: "hung endpoint keeps the login", stored: expiresIn(-time.Minute),
			answer: answer{hang: true},
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, 200*time.Millisecond)
			},
			wantErr: context.DeadlineExceeded, wantFile: unchanged, wantRequests: 1,
		},
		{
			name: "network error through the context's client keeps the login", stored: expiresIn(-time.Minute),
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				c := &http.Client{Transport: failingTransport{}}
				return context.WithCancel(context.WithValue(ctx, oauth2.HTTPClient, c))
			},
			wantErr: errNetwork, wantErrText: "refresh access token: ", wantFile: unchanged,
		},
		{
			name: "other client ID counts as not logged in",
			stored: func(tok *Token) {
				tok.ClientID = "fedcba9876543210fedcba9876543210"
				tok.Expiry = now.Add(-time.Minute)
			},
			wantErr: ErrNotLoggedIn, wantErrText: `client ID fedc…3210`, wantFile: unchanged,
		},
		{
			name: "rejected token is refreshed though not expired", stored: expiresIn(30 * time.Minute),
			rejected:   "access-stored",
			answer:     answer{status: 200, body: grantedRotated},
			wantAccess: "access-new", wantRefresh: "refresh-new", wantFile: refreshed, wantRequests: 1,
		},
		{
			name: "rejected token already replaced by another caller", stored: expiresIn(30 * time.Minute),
			rejected:   "access-older",
			wantAccess: "access-stored", wantFile: unchanged,
		},
		{
			name: "rejected token replaced by one about to expire", stored: expiresIn(time.Second),
			rejected:   "access-older",
			answer:     answer{status: 200, body: granted},
			wantAccess: "access-new", wantRefresh: "refresh-stored", wantFile: refreshed, wantRequests: 1,
		},
		{
			name: "rejected token with invalid_grant", stored: expiresIn(30 * time.Minute),
			rejected: "access-stored",
			answer:   answer{status: 400, body: revoked},
			wantErr:  ErrLoginEnded, wantFile: removed, wantRequests: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &endpoint{answer: tc.answer}
			srv := httptest.NewServer(e)
			defer srv.Close()
			src := newSource(t.TempDir(), srv.URL+"/api/token")
			stored := sampleToken()
			tc.stored(stored)
			before := mustSave(t, src.Store, stored)

			ctx, cancel := context.WithCancel(context.Background())
			if tc.ctx != nil {
				ctx, cancel = tc.ctx(ctx)
			}
			defer cancel()
			var got *Token
			var err error
			if tc.rejected == "" {
				got, err = src.Token(ctx)
			} else {
				got, err = src.Refresh(ctx, tc.rejected)
			}

			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && tc.wantErrText == "" && err != nil {
				t.Fatalf("err = %v", err)
			}
			if tc.wantErrText != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErrText)) {
				t.Errorf("err = %v, want it to say %q", err, tc.wantErrText)
			}
			if err != nil {
				if tc.wantErr != ErrLoginEnded && errors.Is(err, ErrLoginEnded) {
					t.Errorf("a transient failure ended the login: %v", err)
				}
				for _, secret := range []string{"access-stored", "refresh-stored"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error reveals a token: %v", err)
					}
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error spans lines: %q", err)
				}
			}
			if err == nil && got.AccessToken != tc.wantAccess {
				t.Errorf("access token = %q, want %q", got.AccessToken, tc.wantAccess)
			}
			if n := e.requests.Load(); n != tc.wantRequests {
				t.Errorf("token endpoint got %d requests, want %d", n, tc.wantRequests)
			}
			if tc.wantRequests > 0 {
				form := e.lastForm.Load()
				want := fmt.Sprint(map[string][]string{
					"grant_type": {"refresh_token"}, "refresh_token": {"refresh-stored"}, "client_id": {testClientID},
				})
				if fmt.Sprint(form) != want {
					t.Errorf("refresh request form = %v, want %v", form, want)
				}
			}

			switch tc.wantFile {
			case unchanged:
				assertFile(t, src.Store, before)
			case removed:
				if _, err := os.Stat(src.Store.Path()); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("token file still there after the login ended: %v", err)
				}
			case refreshed:
				onDisk, err := src.Store.Load()
				if err != nil {
					t.Fatal(err)
				}
				want := *stored
				want.AccessToken = tc.wantAccess
				want.RefreshToken = tc.wantRefresh
				want.Expiry = now.Add(time.Hour)
				if !sameToken(onDisk, &want) {
					t.Errorf("on disk:\n%+v\nwant\n%+v", onDisk, &want)
				}
				if err == nil && !sameToken(got, onDisk) {
					t.Errorf("returned %+v but saved %+v", got, onDisk)
				}
			}
		})
	}
}

// sameToken compares tokens as instants, not as time.Time representations.
func sameToken(a, b *Token) bool {
	x, y := *a, *b
	if !x.Expiry.Equal(y.Expiry) || !x.AuthorizedAt.Equal(y.AuthorizedAt) {
		return false
	}
	x.Expiry, x.AuthorizedAt = y.Expiry, y.AuthorizedAt
	return x == y
}

var errNetwork = errors.New("network unreachable")

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, errNetwork }

// deadlineTransport records the deadline of the request it fails.
type deadlineTransport struct {
	deadline time.Time
	ok       bool
}

func (d *deadlineTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	d.deadline, d.ok = r.Context().Deadline()
	return nil, errNetwork
}

// A caller without a deadline (the tray's poll loop) must still not wait
// forever for a token endpoint that never answers.
func TestRefreshHasDeadline(t *testing.T) {
	src := newSource(t.TempDir(), "http://127.0.0.1:1/api/token")
	mustSave(t, src.Store, sampleToken())
	var d deadlineTransport
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: &d})
	if _, err := src.Token(ctx); !errors.Is(err, errNetwork) {
		t.Fatalf("Token = %v, want the transport's error", err)
	}
	if !d.ok {
		t.Fatal("the refresh request had no deadline")
	}
	if left := time.Until(d.deadline); left > refreshTimeout {
		t.Errorf("deadline %v away, want at most %v", left, refreshTimeout)
	}
}

func TestSourceConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	src := newSource(t.TempDir(), "http://"+addr+"/api/token")
	stored := sampleToken()
	stored.Expiry = now.Add(-time.Minute)
	before := mustSave(t, src.Store, stored)
	_, err = src.Token(context.Background())
	if err == nil || errors.Is(err, ErrLoginEnded) || !strings.Contains(err.Error(), "refresh access token") {
		t.Errorf("Token = %v, want a refresh error that keeps the login", err)
	}
	assertFile(t, src.Store, before)
}

func TestSourceNotLoggedIn(t *testing.T) {
	var e endpoint
	srv := httptest.NewServer(&e)
	defer srv.Close()
	src := newSource(t.TempDir(), srv.URL)
	if _, err := src.AccessToken(context.Background()); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("AccessToken = %v, want ErrNotLoggedIn", err)
	}
	if _, err := src.RefreshAccessToken(context.Background(), "x"); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("RefreshAccessToken = %v, want ErrNotLoggedIn", err)
	}
	if e.requests.Load() != 0 {
		t.Errorf("token endpoint called without a login")
	}
}

// A login saved while a refresh with the old login was being rejected must
// survive the rejection.
func TestInvalidGrantSparesNewLogin(t *testing.T) {
	dir := t.TempDir()
	newLogin := sampleToken()
	newLogin.AccessToken, newLogin.RefreshToken = "access-login", "refresh-login"
	newLogin.Expiry = now.Add(time.Hour)
	var saved []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// As `spotray login` would, without the lock.
		if err := (&Store{Dir: dir}).Save(newLogin); err != nil {
			t.Error(err)
		}
		saved, _ = os.ReadFile(filepath.Join(dir, "token.json"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		fmt.Fprint(w, revoked)
	}))
	defer srv.Close()
	src := newSource(dir, srv.URL)
	stored := sampleToken()
	stored.Expiry = now.Add(-time.Minute)
	mustSave(t, src.Store, stored)

	got, err := src.Token(context.Background())
	if err != nil {
		t.Fatalf("Token = %v, want the new login's token", err)
	}
	if got.AccessToken != "access-login" {
		t.Errorf("access token = %q, want the new login's", got.AccessToken)
	}
	assertFile(t, src.Store, saved)
}

func TestAccessTokenMethods(t *testing.T) {
	e := &endpoint{answer: answer{status: 200, body: grantedRotated}}
	srv := httptest.NewServer(e)
	defer srv.Close()
	src := newSource(t.TempDir(), srv.URL)
	mustSave(t, src.Store, sampleToken()) // expired long before now
	ctx := context.Background()
	at, err := src.AccessToken(ctx)
	if err != nil || at != "access-new" {
		t.Fatalf("AccessToken = %q, %v", at, err)
	}
	// A 401 for a token replaced meanwhile needs no new refresh.
	if at, err := src.RefreshAccessToken(ctx, "access-stored"); err != nil || at != "access-new" {
		t.Errorf("RefreshAccessToken(old) = %q, %v", at, err)
	}
	if e.requests.Load() != 1 {
		t.Errorf("%d refreshes, want 1", e.requests.Load())
	}
}

func BenchmarkSourceTokenFast(b *testing.B) {
	src := &Source{Store: &Store{Dir: b.TempDir()}, OAuth: oauthConfig("http://127.0.0.1:1/unused"), ClientID: testClientID}
	tok := sampleToken()
	tok.Expiry = time.Now().Add(time.Hour)
	if err := src.Store.Save(tok); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := src.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
func TestMaskClientID(t *testing.T) {
	if got := MaskClientID("0123456789abcdef0123456789abcdef"); got != "0123…cdef" {
		t.Fatalf("got %q", got)
	}
}
