package fakespotify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The app every server knows unless Options.Apps says otherwise. It has no
// client secret, so it must use PKCE, as spotray does.
const (
	DefaultClientID = "5f0a2c8e9b7d4e6fa1c3b5d7e9f0a2c4"
	// DefaultRedirectURI is registered without a port, so any port on
	// 127.0.0.1 matches (RFC 8252 section 7.3), as on Spotify.
	DefaultRedirectURI = "http://127.0.0.1/callback"
	// DefaultAppName is what the consent page says wants access.
	DefaultAppName = "spotray-demo"
)

// The user /v1/me describes when Options.User is zero.
const (
	DefaultUserID      = "spotray-demo-user"
	DefaultDisplayName = "Demo Listener"
)

// App is a registered Spotify application.
type App struct {
	Name     string // shown on the consent page; "" means DefaultAppName
	ClientID string // 32 hex characters
	// ClientSecret, when set, lets the app authenticate with HTTP Basic on
	// the token endpoint; without it the app must use PKCE.
	ClientSecret string
	// RedirectURIs are matched exactly, except that a loopback http URI
	// registered without a port matches any port.
	RedirectURIs []string
}

// User is the account /v1/me describes.
type User struct {
	ID          string  // "" means DefaultUserID (and DefaultDisplayName)
	DisplayName *string // nil is served as null, as Spotify does for some accounts
}

// Rotation says what a refresh_token grant does with the refresh token.
type Rotation int

const (
	// RotateSingleUse returns a new refresh token with every refresh and
	// revokes the one presented: presenting it again is invalid_grant
	// "Refresh token revoked". This is what PKCE clients historically got.
	RotateSingleUse Rotation = iota
	// RotateOmit leaves refresh_token out of the response; the old one keeps
	// working until the login ends.
	RotateOmit
)

// loginMonths is how long after consent a login's refresh tokens work (six
// months, since July 2026); refreshing does not extend it.
const loginMonths = 6

// Options configures a Server. The zero value is a usable server with the
// default app, single-use refresh tokens, one-hour access tokens, the real
// clock and nothing playing.
type Options struct {
	Apps        []App    // nil: one app with DefaultClientID, DefaultRedirectURI, no secret
	AutoApprove bool     // /authorize redirects at once instead of showing the consent page
	Rotation    Rotation // what refreshing does to the refresh token
	// AccessTokenTTL is expires_in; 0 means one hour.
	AccessTokenTTL time.Duration
	// Now is the clock for token expiry, login end and playlist progress;
	// nil means time.Now.
	Now  func() time.Time
	User User // who /v1/me says is logged in
}

// Token is what a successful grant hands out, for tests that need a logged-in
// state without going through /authorize (see Server.Grant).
type Token struct {
	AccessToken  string
	RefreshToken string
	Scope        string
	Expiry       time.Time // access token expiry
	AuthorizedAt time.Time // the login ends six months later
}

// Stats counts token-endpoint events, for tests about refresh behaviour.
type Stats struct {
	Exchanges     int // successful authorization_code grants
	Refreshes     int // successful refresh_token grants
	RefreshReuses int // refresh_token grants that presented an already rotated token
}

// Server is the fake. It is an http.Handler; all methods are safe for
// concurrent use.
type Server struct {
	apps        map[string]App
	autoApprove bool
	rotation    Rotation
	ttl         time.Duration
	now         func() time.Time
	user        User
	art         map[string][]byte // path -> PNG

	mu        sync.Mutex
	codes     map[string]*authCode
	pending   map[string]*authRequest // consent pages shown, by form id
	consented map[string][]string     // client ID -> scopes the user agreed to
	refresh   map[string]*refreshToken
	access    map[string]*accessToken
	issued    []string
	counts    Stats
	hits      map[string][]time.Time
	lastAuth  url.Values
	player    player
	device    *Device         // nil: no active device
	free      bool            // the account is not Premium
	library   map[string]bool // saved URIs
	calls     []string        // Web API requests other than GET
	faults    [targets]Fault
	released  chan struct{} // closed when faults are cleared or the server closes
	srv       *http.Server
	base      string
}

var _ http.Handler = (*Server)(nil)

// New returns a server that is not yet listening: serve it with Listen, with
// httptest, or through NewTestServer.
func New(opts Options) *Server {
	s := &Server{
		apps:        make(map[string]App),
		autoApprove: opts.AutoApprove,
		rotation:    opts.Rotation,
		ttl:         opts.AccessTokenTTL,
		now:         opts.Now,
		user:        opts.User,
		art:         demoArt(),
		codes:       make(map[string]*authCode),
		pending:     make(map[string]*authRequest),
		consented:   make(map[string][]string),
		refresh:     make(map[string]*refreshToken),
		access:      make(map[string]*accessToken),
		hits:        make(map[string][]time.Time),
		device:      &DefaultDevice,
		library:     make(map[string]bool),
		released:    make(chan struct{}),
	}
	apps := opts.Apps
	if apps == nil {
		apps = []App{{ClientID: DefaultClientID, RedirectURIs: []string{DefaultRedirectURI}}}
	}
	for _, a := range apps {
		if a.Name == "" {
			a.Name = DefaultAppName
		}
		s.apps[a.ClientID] = a
	}
	if s.ttl <= 0 {
		s.ttl = time.Hour
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.user.ID == "" {
		name := DefaultDisplayName
		s.user = User{ID: DefaultUserID, DisplayName: &name}
	}
	return s
}

// ServeHTTP serves the accounts endpoints, the Web API and the demo album art.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path] = append(s.hits[r.URL.Path], s.now())
	s.mu.Unlock()
	switch p := r.URL.Path; {
	case p == "/authorize":
		s.serveAuthorize(w, r)
	case p == "/authorize/accept":
		s.serveConsent(w, r)
	case p == "/api/token":
		s.withFault(tokenTarget, w, r, s.serveToken)
	case p == "/v1" || strings.HasPrefix(p, "/v1/"):
		s.withFault(apiTarget, w, r, s.serveAPI)
	case s.art[p] != nil:
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		_, _ = w.Write(s.art[p])
	default:
		apiError(w, http.StatusNotFound, "Service not found")
	}
}

// Listen starts serving on addr (e.g. "127.0.0.1:0") and returns the base URL
// to give spotray as both accounts and API URL. After Close it may be called
// again, with the old address, to come back with the same state.
func (s *Server) Listen(addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return "", errors.New("fakespotify: already listening on " + s.base)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("fakespotify listen: %w", err)
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.base = "http://" + ln.Addr().String()
	go func(srv *http.Server) { _ = srv.Serve(ln) }(s.srv)
	return s.base, nil
}

// URL is the base URL of the current listener, "" when not listening.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base
}

// Close stops listening (new connections are then refused), ends open
// connections and releases hanging requests. Tokens and settings are kept.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.srv
	s.srv, s.base = nil, ""
	s.releaseLocked()
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Close(); err != nil {
		return fmt.Errorf("fakespotify close: %w", err)
	}
	return nil
}

// ExpireAccessTokens makes every access token issued so far expired, so the
// next API call with one answers 401 "The access token expired".
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, a := range s.access {
		if a.expiry.After(now) {
			a.expiry = now
		}
	}
}

// IssuedTokens returns every access and refresh token ever issued, oldest
// first, so tests can check that none appears in logs, pages or output.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.issued)
}

// Stats returns the token-endpoint counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// Requests returns the times (on the server's clock) of the requests made to
// path, e.g. "/v1/me/player/currently-playing" or "/api/token", in order.
// Its length is the request count.
func (s *Server) Requests(path string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hits[path])
}

// LastAuthorize returns the query of the last /authorize request (nil if
// none), to check show_dialog, scope, code_challenge_method and state.
func (s *Server) LastAuthorize() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastAuth == nil {
		return nil
	}
	q, _ := url.ParseQuery(s.lastAuth.Encode()) // a deep copy; Encode's output always parses
	return q
}

// releaseLocked lets hanging requests go; s.mu must be held.
func (s *Server) releaseLocked() {
	close(s.released)
	s.released = make(chan struct{})
}
