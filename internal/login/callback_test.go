package login

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/tokens"
)

func TestCallback(t *testing.T) {
	callback := func(v url.Values) string { return "/callback?" + v.Encode() }
	withState := func(f *flow, kv ...string) string {
		v := url.Values{"state": {f.state}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return callback(v)
	}
	tests := []struct {
		name string
		// prepare returns the request target: a path and query on the
		// flow's host, or a full URL for another host.
		prepare   func(t *testing.T, f *flow, fake *fakespotify.Server) string
		method    string // "" means GET
		status    int
		want      []string // in the body
		notWant   []string
		done      bool  // the login ended
		err       error // what it ended with (nil: success)
		exchanges int   // successful code exchanges at the fake
		saved     bool  // token.json written
	}{
		{
			name: "success",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				return callback(consent(t, f.authorizeURL()))
			},
			status: http.StatusOK, want: []string{"Connected as Demo Listener — you can close this tab."},
			done: true, exchanges: 1, saved: true,
		},
		{
			name: "declined",
			prepare: func(_ *testing.T, f *flow, _ *fakespotify.Server) string {
				return withState(f, "error", "access_denied")
			},
			status: http.StatusForbidden, want: []string{"You declined the authorization"},
			done: true, err: ErrDeclined,
		},
		{
			name: "other error parameter",
			prepare: func(_ *testing.T, f *flow, _ *fakespotify.Server) string {
				return withState(f, "error", "server_error", "error_description", "Try later")
			},
			status: http.StatusBadRequest, want: []string{"Spotify did not authorize spotray", "server_error: Try later"},
			done: true, err: ErrAuthorization,
		},
		{
			name: "hostile error parameters are escaped",
			prepare: func(_ *testing.T, f *flow, _ *fakespotify.Server) string {
				return withState(f, "error", "<script>alert(1)</script>", "error_description", `"><img src=x onerror=alert(2)>`)
			},
			status: http.StatusBadRequest, want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x"},
			notWant: []string{"<script>alert", "<img"},
			done:    true, err: ErrAuthorization,
		},
		{
			name: "wrong state",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				v.Set("state", randomToken())
				return callback(v)
			},
			status: http.StatusBadRequest, want: []string{"does not belong to the login"},
		},
		{
			name: "missing state",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				v.Del("state")
				return callback(v)
			},
			status: http.StatusBadRequest, want: []string{"does not belong to the login"},
		},
		{
			name: "state given twice",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				v.Add("state", f.state)
				return callback(v)
			},
			status: http.StatusBadRequest,
		},
		{
			name: "declined with wrong state does not end the login",
			prepare: func(*testing.T, *flow, *fakespotify.Server) string {
				return callback(url.Values{"error": {"access_denied"}, "state": {"forged"}})
			},
			status: http.StatusBadRequest,
		},
		{
			name: "missing code",
			prepare: func(_ *testing.T, f *flow, _ *fakespotify.Server) string {
				return withState(f)
			},
			status: http.StatusBadRequest, want: []string{"did not include an authorization code"},
			done: true, err: ErrNoCode,
		},
		{
			name: "token endpoint: invalid redirect URI",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				f.site.redirectURI = "http://127.0.0.1:9/callback" // differs from the one authorized
				return callback(v)
			},
			status: http.StatusBadGateway,
			want:   []string{"Invalid redirect URI", "must match one registered", "exactly", `<code id="uri">http://127.0.0.1/callback</code>`},
			done:   true, err: ErrExchange,
		},
		{
			name: "token endpoint: invalid client",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				f.cfg.ClientSecret = "00000000000000000000000000000000" // the app has none
				return callback(v)
			},
			status: http.StatusBadGateway, want: []string{"Invalid client", "Check the client ID"},
			done: true, err: ErrExchange,
		},
		{
			name: "token endpoint: wrong code verifier",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				f.verifier = oauth2.GenerateVerifier()
				return callback(v)
			},
			status: http.StatusBadGateway, want: []string{"code_verifier was incorrect", "PKCE"},
			done: true, err: ErrExchange,
		},
		{
			name: "token endpoint: invalid code",
			prepare: func(_ *testing.T, f *flow, _ *fakespotify.Server) string {
				return withState(f, "code", "not-a-code")
			},
			status: http.StatusBadGateway, want: []string{"Invalid authorization code", "expired or was already used"},
			done: true, err: ErrExchange,
		},
		{
			name: "token endpoint unreachable",
			prepare: func(t *testing.T, f *flow, fake *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultReset})
				return callback(v)
			},
			status: http.StatusBadGateway, want: []string{"could not get a token"},
			done: true, err: ErrExchange,
		},
		{
			name: "token endpoint answers 503",
			prepare: func(t *testing.T, f *flow, fake *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				fake.SetTokenFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: http.StatusServiceUnavailable})
				return callback(v)
			},
			status: http.StatusBadGateway, want: []string{"503 Service Unavailable"},
			done: true, err: ErrExchange,
		},
		{
			name: "account not allow-listed",
			prepare: func(t *testing.T, f *flow, fake *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: http.StatusForbidden,
					Message: "Check settings on developer.spotify.com/dashboard, the user may not be registered."})
				return callback(v)
			},
			status: http.StatusForbidden, want: []string{"the user may not be registered", "User Management", "at most 5"},
			done: true, err: ErrNotAllowed, exchanges: 1,
		},
		{
			name: "profile unavailable still connects",
			prepare: func(t *testing.T, f *flow, fake *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				fake.SetAPIFault(fakespotify.Fault{Kind: fakespotify.FaultStatus, Status: http.StatusServiceUnavailable})
				return callback(v)
			},
			status: http.StatusOK, want: []string{"Connected to Spotify — you can close this tab.", "could not read your Spotify account name"},
			done: true, exchanges: 1, saved: true,
		},
		{
			name: "after the login finished",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				f.finish(nil, ErrTimeout)
				return callback(v)
			},
			status: http.StatusGone, want: []string{"already finished"},
			done: true, err: ErrTimeout,
		},
		{
			name: "state already claimed by another request",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				f.stateUsed = true
				return callback(v)
			},
			status: http.StatusConflict, want: []string{"already used"},
		},
		{
			name: "foreign Host header (DNS rebinding)",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				return "http://rebind.example:8974" + callback(consent(t, f.authorizeURL()))
			},
			status: http.StatusBadRequest, want: []string{"only answers requests addressed to its own address"},
		},
		{
			name: "localhost Host header",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				return "http://localhost:8974" + callback(consent(t, f.authorizeURL()))
			},
			status: http.StatusBadRequest,
		},
		{
			name: "Host header with another port",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				return "http://127.0.0.1:8975" + callback(consent(t, f.authorizeURL()))
			},
			status: http.StatusBadRequest,
		},
		{
			name: "huge query",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				v := consent(t, f.authorizeURL())
				v.Set("padding", strings.Repeat("a", maxQuery))
				return callback(v)
			},
			status: http.StatusBadRequest, want: []string{"far too long"},
		},
		{
			name: "POST to the callback",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				return callback(consent(t, f.authorizeURL()))
			},
			method: http.MethodPost, status: http.StatusMethodNotAllowed,
		},
		{
			name:    "favicon",
			prepare: func(*testing.T, *flow, *fakespotify.Server) string { return "/favicon.ico" },
			status:  http.StatusNotFound,
		},
		{
			name: "below the callback path",
			prepare: func(t *testing.T, f *flow, _ *fakespotify.Server) string {
				return "/callback/x?" + consent(t, f.authorizeURL()).Encode()
			},
			status: http.StatusNotFound,
		},
		{
			name:    "other path",
			prepare: func(*testing.T, *flow, *fakespotify.Server) string { return "/api/token" },
			status:  http.StatusNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
			f := newTestFlow(t, testConfig(fake))
			target := tt.prepare(t, f, fake)
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			rec := serve(f, method, target, nil, nil)

			checkPage(t, rec, tt.status, tt.want, tt.notWant)
			noTokens(t, fake, rec)
			if got := fake.Stats().Exchanges; got != tt.exchanges {
				t.Errorf("%d code exchanges, want %d", got, tt.exchanges)
			}
			if f.isDone() != tt.done {
				t.Fatalf("login ended: %v, want %v", f.isDone(), tt.done)
			}
			_, saveErr := os.Stat(filepath.Join(f.paths.ConfigDir, "token.json"))
			if saved := saveErr == nil; saved != tt.saved {
				t.Errorf("token.json saved: %v, want %v", saved, tt.saved)
			}
			if !tt.done {
				return
			}
			res, err := f.outcome()
			switch {
			case tt.err == nil && err != nil:
				t.Fatalf("login failed: %v", err)
			case tt.err != nil && !errors.Is(err, tt.err):
				t.Fatalf("login ended with %v, want %v", err, tt.err)
			case tt.err != nil:
				if res != nil {
					t.Errorf("failed login returned a result")
				}
				for _, tok := range fake.IssuedTokens() {
					if strings.Contains(err.Error(), tok) {
						t.Errorf("error contains an issued token")
					}
				}
			}
		})
	}
}

// TestCallbackSuccessResult checks what a successful login stores and
// returns, and that the answer cannot be replayed.
func TestCallbackSuccessResult(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	f := newTestFlow(t, testConfig(fake))
	auth := f.authorizeURL()
	q, err := url.Parse(auth)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"client_id": fakespotify.DefaultClientID, "response_type": "code", "redirect_uri": "http://127.0.0.1:8974/callback",
		"scope": "user-read-currently-playing user-read-playback-state user-modify-playback-state user-library-read user-library-modify", "code_challenge_method": "S256", "state": f.state,
	} {
		if got := q.Query().Get(k); got != want {
			t.Errorf("authorize %s = %q, want %q", k, got, want)
		}
	}
	if q.Query().Has("show_dialog") {
		t.Errorf("show_dialog without Options.ShowDialog")
	}

	target := "/callback?" + consent(t, auth).Encode()
	if rec := serve(f, http.MethodGet, target, nil, nil); rec.Code != http.StatusOK {
		t.Fatalf("callback: %d\n%s", rec.Code, rec.Body)
	}
	res, err := f.outcome()
	if err != nil {
		t.Fatal(err)
	}
	stored, err := (&tokens.Store{Dir: f.paths.ConfigDir}).Load()
	if err != nil {
		t.Fatal(err)
	}
	a, b := *stored, *res.Token
	sameTimes := a.Expiry.Equal(b.Expiry) && a.AuthorizedAt.Equal(b.AuthorizedAt)
	a.Expiry, a.AuthorizedAt, b.Expiry, b.AuthorizedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if a != b || !sameTimes {
		t.Errorf("the stored token differs from the returned one")
	}
	tok := res.Token
	if tok.ClientID != fakespotify.DefaultClientID || tok.User != fakespotify.DefaultDisplayName ||
		tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" ||
		tok.Scope != "user-read-currently-playing user-read-playback-state user-modify-playback-state user-library-read user-library-modify" ||
		tok.Expiry.IsZero() || tok.AuthorizedAt.IsZero() {
		t.Errorf("token: client %q user %q type %q scope %q expiry %v authorized %v, tokens empty: %v %v",
			tok.ClientID, tok.User, tok.TokenType, tok.Scope, tok.Expiry, tok.AuthorizedAt, tok.AccessToken == "", tok.RefreshToken == "")
	}
	if res.Config.ClientID != fakespotify.DefaultClientID {
		t.Errorf("result config %+v", res.Config)
	}
	checkMode(t, filepath.Join(f.paths.ConfigDir, "token.json"), 0o600)

	// The same answer again (reload, history, an attacker who saw it).
	rec := serve(f, http.MethodGet, target, nil, nil)
	if rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), "already finished") {
		t.Errorf("replay: %d\n%s", rec.Code, rec.Body)
	}
	if n := fake.Stats().Exchanges; n != 1 {
		t.Errorf("%d exchanges after a replay, want 1", n)
	}
}

// TestCallbackDisplayNameFallback: an account without a display name is
// shown by its id.
func TestCallbackDisplayNameFallback(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true, User: fakespotify.User{ID: "listener42"}})
	f := newTestFlow(t, testConfig(fake))
	rec := serve(f, http.MethodGet, "/callback?"+consent(t, f.authorizeURL()).Encode(), nil, nil)
	if !strings.Contains(rec.Body.String(), "Connected as listener42 —") {
		t.Errorf("%d\n%s", rec.Code, rec.Body)
	}
}

// TestCallbackShowDialog: reconnecting after a failure forces the consent
// page.
func TestCallbackShowDialog(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	f := newTestFlow(t, testConfig(fake))
	f.showDialog = true
	u, err := url.Parse(f.authorizeURL())
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("show_dialog"); got != "true" {
		t.Errorf("show_dialog = %q", got)
	}
}

// TestCallbackHostileTokenError: whatever the token endpoint says is
// escaped on the page and kept to one clean line in the error.
func TestCallbackHostileTokenError(t *testing.T) {
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_grant","error_description":"<script>alert(1)</script>\u001b[31m\nred"}`))
	}))
	defer hostile.Close()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	cfg := testConfig(fake)
	cfg.AccountsURL = hostile.URL
	f := newTestFlow(t, cfg)
	rec := serve(f, http.MethodGet, "/callback?state="+url.QueryEscape(f.state)+"&code=c", nil, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusBadGateway || strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("%d\n%s", rec.Code, body)
	}
	_, err := f.outcome()
	if !errors.Is(err, ErrExchange) || strings.ContainsAny(err.Error(), "\n\x1b") {
		t.Errorf("error %q", err)
	}
}

func TestExchangeHint(t *testing.T) {
	s := site{redirectURI: "http://127.0.0.1:41234/callback", registerURI: "http://127.0.0.1/callback"}
	tests := []struct {
		code, desc string
		want, uri  string
	}{
		{"invalid_grant", "Invalid redirect URI", "must match one registered", "http://127.0.0.1/callback"},
		{"invalid_client", "Invalid client", "Check the client ID", ""},
		{"invalid_grant", "code_verifier was incorrect", "PKCE", ""},
		{"invalid_grant", "Invalid authorization code", "expired or was already used", ""},
		{"invalid_request", "something new", "Run `spotray login` again.", ""},
	}
	for _, tt := range tests {
		hint, uri := exchangeHint(tt.code, tt.desc, s)
		if !strings.Contains(hint, tt.want) || uri != tt.uri {
			t.Errorf("exchangeHint(%q, %q) = %q, %q", tt.code, tt.desc, hint, uri)
		}
	}
}

// TestCallbackSaveFailure: a token that cannot be stored fails the login
// with the reason, on the page and from Run.
func TestCallbackSaveFailure(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	f := newTestFlow(t, testConfig(fake))
	// A file where the config directory should be.
	if err := os.MkdirAll(filepath.Dir(f.paths.ConfigDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.paths.ConfigDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rec := serve(f, http.MethodGet, "/callback?"+consent(t, f.authorizeURL()).Encode(), nil, nil)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "could not save the login") {
		t.Errorf("%d\n%s", rec.Code, rec.Body)
	}
	noTokens(t, fake, rec)
	if res, err := f.outcome(); err == nil || res != nil || !strings.Contains(err.Error(), "save token") {
		t.Errorf("outcome %v, %v", res, err)
	}
}
