package login

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/text"
	"github.com/spotray/spotray/internal/tokens"
)

const (
	// maxQuery bounds the callback's query: Spotify's redirect carries a
	// code and a state of a few hundred bytes; anything far larger is not
	// from Spotify and is refused before it is parsed.
	maxQuery = 8 << 10
	// maxForm bounds the setup form's body: two short fields and a token.
	maxForm = 16 << 10
	// exchangeTimeout bounds the token exchange and the /v1/me call made
	// while the browser waits for the callback page.
	exchangeTimeout = 30 * time.Second
)

// flow is one login: the HTTP handler of the local web server plus the
// secrets that tie Spotify's redirect to this login.
type flow struct {
	ctx        context.Context // canceled when Run returns
	site       site
	paths      config.Paths
	showDialog bool
	handoff    bool   // Options.Handoff: return the token, never store it
	setupMode  bool   // started without a client ID: the setup page may set one
	formToken  string // CSRF token of the setup form
	state      string // OAuth state, single use
	verifier   string // PKCE verifier, used when there is no client secret
	done       chan struct{}

	mu        sync.Mutex
	cfg       config.Config
	stateUsed bool
	finished  bool
	result    *Result
	err       error
}

func newFlow(ctx context.Context, o Options, s site) *flow {
	return &flow{
		ctx:        ctx,
		site:       s,
		paths:      o.Paths,
		showDialog: o.ShowDialog,
		handoff:    o.Handoff,
		setupMode:  o.Config.ClientID == "",
		formToken:  randomToken(),
		state:      randomToken(),
		verifier:   oauth2.GenerateVerifier(),
		done:       make(chan struct{}),
		cfg:        o.Config,
	}
}

// randomToken returns 32 bytes from crypto/rand, base64url encoded: enough
// that neither the state nor the form token can be guessed.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails: crypto/rand aborts the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// startURL is the first page to show: the setup page, or Spotify's consent
// page when a client ID is known.
func (f *flow) startURL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setupMode {
		return "http://" + f.site.host + f.site.setupPath
	}
	return f.authorizeURLLocked()
}

// authorizeURLLocked is Spotify's consent page for the current client ID.
func (f *flow) authorizeURLLocked() string {
	opts := []oauth2.AuthCodeOption{}
	if f.cfg.ClientSecret == "" {
		opts = append(opts, oauth2.S256ChallengeOption(f.verifier))
	}
	if f.showDialog {
		opts = append(opts, oauth2.SetAuthURLParam("show_dialog", "true"))
	}
	return oauthConfig(f.cfg, f.site).AuthCodeURL(f.state, opts...)
}

// oauthConfig is cfg's OAuth client with the redirect URI actually served,
// which carries the bound port when the configured one left it open.
func oauthConfig(cfg config.Config, s site) *oauth2.Config {
	oc := cfg.OAuth2()
	oc.RedirectURL = s.redirectURI
	return oc
}

// finish records the login's outcome; the first outcome wins, so a late
// callback cannot overwrite a timeout and vice versa.
func (f *flow) finish(res *Result, err error) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.finishLocked(res, err)
}

func (f *flow) finishLocked(res *Result, err error) bool {
	if f.finished {
		return false
	}
	f.finished, f.result, f.err = true, res, err
	close(f.done)
	return true
}

func (f *flow) outcome() (*Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.result, f.err
}

// ServeHTTP serves the callback and the setup page, and nothing else.
func (f *flow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Host != f.site.host:
		// A page from another site whose name resolves to 127.0.0.1 (DNS
		// rebinding) arrives with that name as Host: refuse it.
		f.page(w, http.StatusBadRequest, msgForeignHost)
	case len(r.URL.RawQuery) > maxQuery:
		f.page(w, http.StatusBadRequest, msgQueryTooLong)
	case r.URL.Path == f.site.callbackPath:
		f.callback(w, r)
	case r.URL.Path == "/" || r.URL.Path == "/setup":
		f.setup(w, r)
	default:
		f.page(w, http.StatusNotFound, msgNotFound)
	}
}

// callback handles Spotify's redirect back to spotray.
func (f *flow) callback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		f.page(w, http.StatusMethodNotAllowed, msgMethod)
		return
	}
	q := r.URL.Query()
	cfg, status, refusal := f.claimState(q["state"])
	if refusal != nil {
		f.page(w, status, *refusal)
		return
	}
	status, m := f.complete(cfg, q)
	f.page(w, status, m)
}

// claimState accepts the state of this login once. Anything else is
// refused without ending the login: a stale tab or a forged request must
// not stop the real callback from arriving.
func (f *flow) claimState(states []string) (config.Config, int, *message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.finished:
		return config.Config{}, http.StatusGone, &msgFinished
	case len(states) != 1 || subtle.ConstantTimeCompare([]byte(states[0]), []byte(f.state)) != 1:
		return config.Config{}, http.StatusBadRequest, &msgBadState
	case f.stateUsed:
		return config.Config{}, http.StatusConflict, &msgStateUsed
	}
	f.stateUsed = true
	return f.cfg, 0, nil
}

// complete turns a callback with the right state into the login's outcome.
func (f *flow) complete(cfg config.Config, q url.Values) (int, message) {
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return f.fail(http.StatusForbidden, msgDeclined, ErrDeclined)
		}
		m := msgAuthError
		m.Detail = clean(e)
		if d := q.Get("error_description"); d != "" {
			m.Detail += ": " + clean(d)
		}
		return f.fail(http.StatusBadRequest, m, fmt.Errorf("%w: %s", ErrAuthorization, m.Detail))
	}
	code := q.Get("code")
	if code == "" {
		return f.fail(http.StatusBadRequest, msgNoCode, ErrNoCode)
	}

	ctx, cancel := context.WithTimeout(f.ctx, exchangeTimeout)
	defer cancel()
	tok, err := f.exchange(ctx, cfg, code)
	if err != nil {
		m := exchangeMessage(err, f.site)
		return f.fail(http.StatusBadGateway, m, fmt.Errorf("%w: %s", ErrExchange, m.summary()))
	}

	user, err := accountName(ctx, cfg, tok.AccessToken)
	var apiErr *spotify.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden:
		m := msgNotAllowed
		m.Detail = apiErr.Message
		return f.fail(http.StatusForbidden, m, fmt.Errorf("%w: %s", ErrNotAllowed, m.summary()))
	case err != nil:
		// The token itself is good: the player endpoints may well work
		// even if the profile could not be read just now.
		slog.Warn("login: could not read the Spotify account name", "err", err)
	}
	tok.User = user
	return f.save(cfg, tok)
}

// exchange trades the code for tokens at Spotify's token endpoint.
func (f *flow) exchange(ctx context.Context, cfg config.Config, code string) (*tokens.Token, error) {
	oc := oauthConfig(cfg, f.site)
	var opts []oauth2.AuthCodeOption
	if cfg.ClientSecret == "" {
		opts = append(opts, oauth2.VerifierOption(f.verifier))
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: exchangeTimeout})
	t, err := oc.Exchange(ctx, code, opts...)
	if err != nil {
		return nil, err
	}
	if t.RefreshToken == "" {
		return nil, errors.New("the token endpoint's answer had no refresh token")
	}
	scope, _ := t.Extra("scope").(string)
	return &tokens.Token{
		ClientID:     cfg.ClientID,
		AccessToken:  t.AccessToken,
		RefreshToken: t.RefreshToken,
		TokenType:    t.TokenType,
		Scope:        scope,
		Expiry:       t.Expiry,
		AuthorizedAt: time.Now(),
	}, nil
}

// accountName asks /v1/me whose token this is, for the success page and
// for the tray to show.
func accountName(ctx context.Context, cfg config.Config, access string) (string, error) {
	c := &spotify.Client{BaseURL: cfg.APIURL, Tokens: spotify.StaticToken(access)}
	u, err := c.Me(ctx)
	if err != nil {
		return "", fmt.Errorf("read /v1/me: %w", err)
	}
	return text.Line(u.Name(), maxName), nil
}

// save stores the token and ends the login successfully, unless the login
// already ended (timeout, cancel) while the exchange was running: then the
// token is dropped, because Run has already reported a failure. A handoff
// is not stored: it ends with the token in the Result.
func (f *flow) save(cfg config.Config, tok *tokens.Token) (int, message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.finished {
		return http.StatusGone, msgFinished
	}
	if f.handoff {
		f.finishLocked(&Result{Token: tok, Config: cfg}, nil)
		return http.StatusOK, msgHandedOff
	}
	store := &tokens.Store{Dir: f.paths.ConfigDir}
	if err := store.Save(tok); err != nil {
		m := msgSaveFailed
		m.Detail = err.Error()
		f.finishLocked(nil, err)
		return http.StatusInternalServerError, m
	}
	f.finishLocked(&Result{Token: tok, Config: cfg}, nil)
	m := msgConnected
	if tok.User != "" {
		m.Lead = "Connected as " + tok.User + " — you can close this tab."
	} else {
		m.Detail = "spotray could not read your Spotify account name, but the login works."
	}
	return http.StatusOK, m
}

// fail ends the login with err and returns the page that explains it, or
// the "already finished" page when something else ended the login first.
func (f *flow) fail(status int, m message, err error) (int, message) {
	if !f.finish(nil, err) {
		return http.StatusGone, msgFinished
	}
	return status, m
}

// setup serves the setup page, which collects the client ID when none was
// configured, and otherwise forwards to Spotify's consent page.
func (f *flow) setup(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	finished, setupMode, clientID := f.finished, f.setupMode, f.cfg.ClientID
	consent := ""
	if clientID != "" {
		consent = f.authorizeURLLocked()
	}
	f.mu.Unlock()

	switch {
	case finished:
		f.page(w, http.StatusGone, msgFinished)
	case !setupMode && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		f.redirect(w, consent)
	case setupMode && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		f.setupForm(w, http.StatusOK, setupData{ClientID: clientID})
	case setupMode && r.Method == http.MethodPost:
		f.saveSetup(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		f.page(w, http.StatusMethodNotAllowed, msgMethod)
	}
}

// saveSetup writes the client ID (and secret) from the setup form to
// config.toml and sends the browser on to Spotify's consent page.
func (f *flow) saveSetup(w http.ResponseWriter, r *http.Request) {
	if !f.sameOrigin(r) {
		f.page(w, http.StatusForbidden, msgCrossSite)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		f.page(w, http.StatusBadRequest, msgBadForm)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("form_token")), []byte(f.formToken)) != 1 {
		f.page(w, http.StatusForbidden, msgStaleForm)
		return
	}
	id := strings.TrimSpace(r.PostForm.Get("client_id"))
	secret := strings.TrimSpace(r.PostForm.Get("client_secret"))
	if err := config.ValidateClientID(id); err != nil {
		f.setupForm(w, http.StatusBadRequest, setupData{ClientID: id, Error: err.Error()})
		return
	}

	f.mu.Lock()
	if f.finished {
		f.mu.Unlock()
		f.page(w, http.StatusGone, msgFinished)
		return
	}
	cfg := f.cfg
	cfg.ClientID, cfg.ClientSecret = id, secret
	err := config.Save(f.paths.ConfigFile(), cfg)
	if err == nil {
		f.cfg = cfg
	}
	consent := f.authorizeURLLocked()
	f.mu.Unlock()

	if err != nil {
		slog.Error("login: save config", "err", err)
		f.setupForm(w, http.StatusInternalServerError, setupData{ClientID: id, Error: err.Error()})
		return
	}
	f.redirect(w, consent)
}

// sameOrigin refuses a form posted from another site. Browsers send Origin
// with every POST; the form token guards the rest.
func (f *flow) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+f.site.host {
		return false
	}
	s := r.Header.Get("Sec-Fetch-Site")
	return s == "" || s == "same-origin"
}

// maxText bounds text from elsewhere (the callback's query, Spotify's
// error descriptions) shown on a page or in an error.
const maxText = 300

// maxName bounds the account name kept with the login: the menu shows 30
// characters of it.
const maxName = 100

// clean makes text from elsewhere fit for a page and a terminal.
func clean(s string) string { return text.Line(s, maxText) }

// joinSentences joins non-empty parts into one line of text.
func joinSentences(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.TrimSuffix(p, "."))
		}
	}
	return strings.Join(out, ". ")
}
