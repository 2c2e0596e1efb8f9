package fakespotify

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// codeTTL is how long an authorization code may wait for its exchange.
const codeTTL = 10 * time.Minute

// defaultScope is what Grant uses when given none: spotray's scopes.
const defaultScope = "user-read-currently-playing user-read-playback-state user-modify-playback-state " +
	"user-library-read user-library-modify"

// scopeText is every scope Spotify knows, with the consent page's wording.
var scopeText = map[string]string{
	"ugc-image-upload":            "Upload images to your Spotify account",
	"user-read-playback-state":    "Read your currently playing content and Spotify Connect devices information",
	"user-modify-playback-state":  "Control Spotify on your devices",
	"user-read-currently-playing": "Read your currently playing content",
	"app-remote-control":          "Communicate with the Spotify app on your device",
	"streaming":                   "Play content and control playback",
	"playlist-read-private":       "Access your private playlists",
	"playlist-read-collaborative": "Access your collaborative playlists",
	"playlist-modify-private":     "Manage your private playlists",
	"playlist-modify-public":      "Manage your public playlists",
	"user-follow-modify":          "Manage who you are following",
	"user-follow-read":            "Access your followers and who you are following",
	"user-read-playback-position": "Read your position in content you have played",
	"user-top-read":               "Read your top artists and content",
	"user-read-recently-played":   "Access your recently played items",
	"user-library-modify":         "Manage your saved content",
	"user-library-read":           "Access your saved content",
	"user-read-email":             "Get your real email address",
	"user-read-private":           "Access your subscription details",
	"user-personalized":           "Get personalized content for you",
	"user-soa-link":               "Link a partner user account",
	"user-soa-unlink":             "Unlink a partner user account",
	"soa-manage-entitlements":     "Modify entitlements for linked users",
	"soa-manage-partner":          "Update partner information",
	"soa-create-partner":          "Create new partners",
}

// authRequest is an /authorize request that passed validation.
type authRequest struct {
	clientID  string
	appName   string
	redirect  string // exactly as sent; the exchange must repeat it
	scope     []string
	state     string
	hasState  bool
	challenge string // S256 code challenge, "" without PKCE
}

type authCode struct {
	authRequest
	expires time.Time
}

// login is one consent: every token it leads to shares its end.
type login struct {
	clientID     string
	scope        string
	authorizedAt time.Time
	pkce         bool // refreshing then needs only client_id, no secret
}

type refreshToken struct {
	login   *login
	revoked bool
}

type accessToken struct {
	login  *login
	expiry time.Time
}

var challengeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

var verifierRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		errorPage(w, http.StatusMethodNotAllowed, "INVALID_REQUEST: Method not allowed")
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	s.lastAuth = q
	s.mu.Unlock()

	app, ok := s.apps[q.Get("client_id")]
	if !ok {
		errorPage(w, http.StatusBadRequest, pageInvalidClient)
		return
	}
	ar := authRequest{
		clientID:  app.ClientID,
		appName:   app.Name,
		redirect:  q.Get("redirect_uri"),
		scope:     strings.Fields(q.Get("scope")),
		state:     q.Get("state"),
		hasState:  q.Has("state"),
		challenge: q.Get("code_challenge"),
	}
	if p := redirectProblem(app.RedirectURIs, ar.redirect); p != "" {
		errorPage(w, http.StatusBadRequest, p)
		return
	}
	if code, desc := checkAuthorize(q, app); code != "" {
		s.redirectBack(w, r, ar, url.Values{"error": {code}, "error_description": {desc}})
		return
	}

	s.mu.Lock()
	skip := s.autoApprove || q.Get("show_dialog") != "true" && containsAll(s.consented[app.ClientID], ar.scope)
	var id string
	if !skip {
		id = rand.Text()
		s.pending[id] = &ar
	}
	s.mu.Unlock()
	if skip {
		s.approve(w, r, ar)
		return
	}
	consentPage(w, id, ar)
}

// checkAuthorize returns the OAuth error code and description for a request
// whose client and redirect URI are fine but whose other parameters are not.
func checkAuthorize(q url.Values, app App) (code, desc string) {
	if q.Get("response_type") != "code" {
		return "unsupported_response_type", "response_type must be code"
	}
	for _, sc := range strings.Fields(q.Get("scope")) {
		if _, ok := scopeText[sc]; !ok {
			return "invalid_scope", "Invalid scope"
		}
	}
	ch, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case ch == "" && method != "":
		return "invalid_request", "code_challenge required"
	case ch != "" && method != "S256":
		return "invalid_request", "code_challenge_method not supported"
	case ch != "" && !challengeRE.MatchString(ch):
		return "invalid_request", "code_challenge must be 43 base64url characters"
	case ch == "" && app.ClientSecret == "":
		return "invalid_request", "code_challenge required"
	}
	return "", ""
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// serveConsent takes the consent page's Agree or Cancel.
func (s *Server) serveConsent(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		errorPage(w, http.StatusMethodNotAllowed, "INVALID_REQUEST: Method not allowed")
		return
	}
	if err := r.ParseForm(); err != nil {
		errorPage(w, http.StatusBadRequest, "INVALID_REQUEST: "+err.Error())
		return
	}
	id := r.PostForm.Get("request")
	s.mu.Lock()
	ar, ok := s.pending[id]
	delete(s.pending, id)
	if ok && r.PostForm.Get("action") == "agree" {
		have := s.consented[ar.clientID]
		for _, sc := range ar.scope {
			if !slices.Contains(have, sc) {
				have = append(have, sc)
			}
		}
		s.consented[ar.clientID] = have
	}
	s.mu.Unlock()
	switch {
	case !ok:
		errorPage(w, http.StatusBadRequest, "INVALID_REQUEST: This consent page has already been used")
	case r.PostForm.Get("action") == "agree":
		s.approve(w, r, *ar)
	default:
		s.redirectBack(w, r, *ar, url.Values{"error": {"access_denied"}})
	}
}

// approve issues a code for ar and sends the browser back to the app.
func (s *Server) approve(w http.ResponseWriter, r *http.Request, ar authRequest) {
	code := rand.Text() + rand.Text()
	s.mu.Lock()
	s.codes[code] = &authCode{authRequest: ar, expires: s.now().Add(codeTTL)}
	s.mu.Unlock()
	s.redirectBack(w, r, ar, url.Values{"code": {code}})
}

// redirectBack sends the browser to the app's redirect URI with params and
// the state the app sent.
func (s *Server) redirectBack(w http.ResponseWriter, r *http.Request, ar authRequest, params url.Values) {
	u, err := url.Parse(ar.redirect)
	if err != nil { // validated before, so only a broken invariant gets here
		errorPage(w, http.StatusBadRequest, pageInvalidRedirect)
		return
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if ar.hasState {
		q.Set("state", ar.state)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Spotify (simulated)</title>
<style>body{font-family:sans-serif;background:#121212;color:#fff;max-width:32em;margin:3em auto}
button{font-size:1em;padding:.6em 2em;border-radius:2em;border:0;margin-right:1em}
#agree{background:#1ed760}</style></head><body>
{{if .Error}}<p id="error">{{.Error}}</p>{{else}}
<h1><span id="app">{{.App}}</span> wants to:</h1>
<ul id="scopes">{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
<p>This is a simulated Spotify for testing and demonstration; no account is involved.</p>
<form method="post" action="/authorize/accept">
<input type="hidden" name="request" value="{{.Request}}">
<button type="submit" id="agree" name="action" value="agree">Agree</button>
<button type="submit" id="cancel" name="action" value="cancel">Cancel</button>
</form>{{end}}
</body></html>
`))

type pageData struct {
	Error, App, Request string
	Scopes              []string
}

func consentPage(w http.ResponseWriter, id string, ar authRequest) {
	d := pageData{App: ar.appName, Request: id}
	for _, sc := range ar.scope {
		d.Scopes = append(d.Scopes, scopeText[sc])
	}
	writePage(w, http.StatusOK, d)
}

// errorPage is Spotify's answer when it cannot redirect back to the app.
func errorPage(w http.ResponseWriter, status int, text string) {
	writePage(w, status, pageData{Error: text})
}

func writePage(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d)
}

// tokenResponse is the token endpoint's answer, fields in Spotify's order.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// oauthError is an RFC 6749 error answer.
type oauthError struct {
	status int
	code   string
	desc   string
}

var errInvalidClient = &oauthError{http.StatusBadRequest, "invalid_client", "Invalid client"}

func invalidGrant(desc string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_grant", desc}
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "POST required"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeTokenError(w, &oauthError{http.StatusBadRequest, "invalid_request", "Malformed request body"})
		return
	}
	resp, oe := s.token(r)
	if oe != nil {
		writeTokenError(w, oe)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// token authenticates the client and runs the grant.
func (s *Server) token(r *http.Request) (*tokenResponse, *oauthError) {
	form := r.PostForm
	app, authenticated, oe := s.client(r)
	if oe != nil {
		return nil, oe
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch form.Get("grant_type") {
	case "authorization_code":
		return s.exchangeLocked(app, authenticated, form)
	case "refresh_token":
		if f := s.faults[tokenTarget]; f.Kind == FaultInvalidGrant {
			s.consumeFaultLocked(tokenTarget)
			return nil, invalidGrant(cmp.Or(f.Message, "Refresh token revoked"))
		}
		return s.refreshLocked(app, authenticated, form.Get("refresh_token"))
	default:
		return nil, &oauthError{http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token"}
	}
}

// client finds the calling app: HTTP Basic with its secret, or client_id in
// the body (with client_secret, or alone for PKCE).
func (s *Server) client(r *http.Request) (app App, authenticated bool, oe *oauthError) {
	bodyID := r.PostForm.Get("client_id")
	if id, secret, ok := r.BasicAuth(); ok {
		app, known := s.apps[id]
		if !known || app.ClientSecret == "" || !equal(secret, app.ClientSecret) || bodyID != "" && bodyID != id {
			return App{}, false, errInvalidClient
		}
		return app, true, nil
	}
	app, known := s.apps[bodyID]
	if !known {
		return App{}, false, errInvalidClient
	}
	if r.PostForm.Has("client_secret") {
		if app.ClientSecret == "" || !equal(r.PostForm.Get("client_secret"), app.ClientSecret) {
			return App{}, false, errInvalidClient
		}
		return app, true, nil
	}
	return app, false, nil
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (s *Server) exchangeLocked(app App, authenticated bool, form url.Values) (*tokenResponse, *oauthError) {
	c, ok := s.codes[form.Get("code")]
	if !ok || c.clientID != app.ClientID || !s.now().Before(c.expires) {
		return nil, invalidGrant("Invalid authorization code")
	}
	if form.Get("redirect_uri") != c.redirect {
		return nil, invalidGrant("Invalid redirect URI")
	}
	switch {
	case c.challenge != "":
		v := form.Get("code_verifier")
		sum := sha256.Sum256([]byte(v))
		if !verifierRE.MatchString(v) || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			return nil, invalidGrant("code_verifier was incorrect")
		}
	case !authenticated:
		return nil, errInvalidClient
	}
	delete(s.codes, form.Get("code"))
	l := &login{clientID: app.ClientID, scope: strings.Join(c.scope, " "), authorizedAt: s.now(), pkce: c.challenge != ""}
	s.counts.Exchanges++
	resp := s.issueLocked(l)
	resp.RefreshToken = s.newRefreshLocked(l)
	return resp, nil
}

func (s *Server) refreshLocked(app App, authenticated bool, presented string) (*tokenResponse, *oauthError) {
	rt, ok := s.refresh[presented]
	if !ok || rt.login.clientID != app.ClientID {
		return nil, invalidGrant("Invalid refresh token")
	}
	if !authenticated && !rt.login.pkce {
		return nil, errInvalidClient
	}
	if !s.now().Before(loginEnd(rt.login)) {
		return nil, invalidGrant("Refresh token expired")
	}
	if rt.revoked {
		s.counts.RefreshReuses++
		return nil, invalidGrant("Refresh token revoked")
	}
	s.counts.Refreshes++
	resp := s.issueLocked(rt.login)
	if s.rotation == RotateSingleUse {
		rt.revoked = true
		resp.RefreshToken = s.newRefreshLocked(rt.login)
	}
	return resp, nil
}

func loginEnd(l *login) time.Time { return l.authorizedAt.AddDate(0, loginMonths, 0) }

// issueLocked makes a new access token for l.
func (s *Server) issueLocked(l *login) *tokenResponse {
	tok := newToken("BQ")
	s.access[tok] = &accessToken{login: l, expiry: s.now().Add(s.ttl)}
	s.issued = append(s.issued, tok)
	return &tokenResponse{AccessToken: tok, TokenType: "Bearer", Scope: l.scope, ExpiresIn: int64(s.ttl / time.Second)}
}

func (s *Server) newRefreshLocked(l *login) string {
	tok := newToken("AQ")
	s.refresh[tok] = &refreshToken{login: l}
	s.issued = append(s.issued, tok)
	return tok
}

// newToken returns an opaque token with Spotify's prefix for its kind.
func newToken(prefix string) string {
	b := make([]byte, 96)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it aborts the program instead)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Grant logs the default user into clientID with scope (spotray's scopes when
// empty) as if they had just agreed on the consent page and the code had
// been exchanged with PKCE.
func (s *Server) Grant(clientID, scope string) (Token, error) {
	if scope == "" {
		scope = defaultScope
	}
	if _, ok := s.apps[clientID]; !ok {
		return Token{}, fmt.Errorf("fakespotify grant: unknown client ID %q", clientID)
	}
	for _, sc := range strings.Fields(scope) {
		if _, ok := scopeText[sc]; !ok {
			return Token{}, fmt.Errorf("fakespotify grant: unknown scope %q", sc)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &login{clientID: clientID, scope: scope, authorizedAt: s.now(), pkce: true}
	s.consented[clientID] = strings.Fields(scope)
	resp := s.issueLocked(l)
	return Token{
		AccessToken:  resp.AccessToken,
		RefreshToken: s.newRefreshLocked(l),
		Scope:        scope,
		Expiry:       s.access[resp.AccessToken].expiry,
		AuthorizedAt: l.authorizedAt,
	}, nil
}

func writeTokenError(w http.ResponseWriter, oe *oauthError) {
	writeJSON(w, oe.status, map[string]string{"error": oe.code, "error_description": oe.desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only fixed shapes are marshalled
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
