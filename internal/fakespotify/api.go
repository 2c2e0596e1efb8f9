package fakespotify

import (
	"net/http"
	"strings"
)

// Messages of Spotify's 401 answers.
const (
	msgExpired = "The access token expired"
	msgInvalid = "Invalid access token"
	msgNoToken = "No token provided"
)

// apiErrorBody is the inside of Spotify's Web API error object.
type apiErrorBody struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	Reason  string `json:"reason,omitempty"`
}

func apiError(w http.ResponseWriter, status int, msg string) {
	apiRefusal(w, status, msg, "")
}

// apiRefusal is an error answer with Spotify's reason code.
func apiRefusal(w http.ResponseWriter, status int, msg, reason string) {
	writeJSON(w, status, map[string]apiErrorBody{"error": {Status: status, Message: msg, Reason: reason}})
}

type route struct {
	path, method, scope string
	serve               func(s *Server, w http.ResponseWriter, r *http.Request)
}

// apiRoutes are the Web API endpoints with the scope each needs ("" for
// none).
var apiRoutes = []route{
	{"/v1/me", http.MethodGet, "", (*Server).serveMe},
	{"/v1/me/player/currently-playing", http.MethodGet, "user-read-currently-playing", (*Server).serveCurrentlyPlaying},
	{"/v1/me/player", http.MethodGet, "user-read-playback-state", (*Server).servePlayer},
	{"/v1/me/player/play", http.MethodPut, "user-modify-playback-state", (*Server).serveCommand},
	{"/v1/me/player/pause", http.MethodPut, "user-modify-playback-state", (*Server).serveCommand},
	{"/v1/me/player/next", http.MethodPost, "user-modify-playback-state", (*Server).serveCommand},
	{"/v1/me/player/previous", http.MethodPost, "user-modify-playback-state", (*Server).serveCommand},
	{"/v1/me/library", http.MethodPut, "user-library-modify", (*Server).serveLibrary},
	{"/v1/me/library", http.MethodDelete, "user-library-modify", (*Server).serveLibrary},
	{"/v1/me/library/contains", http.MethodGet, "user-library-read", (*Server).serveContains},
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	var found *route
	known := false
	for i, rt := range apiRoutes {
		if rt.path == r.URL.Path {
			known = true
			if rt.method == r.Method {
				found = &apiRoutes[i]
			}
		}
	}
	if !known {
		apiError(w, http.StatusNotFound, "Service not found")
		return
	}
	if found == nil {
		apiError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	route := *found
	scope, msg := s.bearer(r)
	if msg != "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="spotify"`)
		apiError(w, http.StatusUnauthorized, msg)
		return
	}
	if route.scope != "" && !containsAll(strings.Fields(scope), []string{route.scope}) {
		apiError(w, http.StatusForbidden, "Insufficient client scope")
		return
	}
	if r.Method != http.MethodGet {
		s.mu.Lock()
		s.calls = append(s.calls, r.Method+" "+r.URL.RequestURI())
		s.mu.Unlock()
	}
	route.serve(s, w, r)
}

// bearer checks the request's access token and returns its scope, or the 401
// message.
func (s *Server) bearer(r *http.Request) (scope, msg string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", msgNoToken
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return "", msgInvalid
	}
	return s.check(tok)
}

// Accepts reports whether the Web API takes accessToken now, so that tests
// can check a token they were handed (by spotray token, or the clipboard)
// without spending a request of the budget they count.
func (s *Server) Accepts(accessToken string) bool {
	_, msg := s.check(accessToken)
	return msg == ""
}

// check is the access-token rule of every API endpoint.
func (s *Server) check(tok string) (scope, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.access[tok]
	switch {
	case !ok:
		return "", msgInvalid
	case !s.now().Before(a.expiry):
		return "", msgExpired
	}
	return a.login.scope, ""
}

// userJSON is /v1/me without the fields Spotify removed for
// development-mode apps.
type userJSON struct {
	DisplayName  *string       `json:"display_name"`
	ExternalURLs externalURLs  `json:"external_urls"`
	Href         string        `json:"href"`
	ID           string        `json:"id"`
	Images       []imageJSON   `json:"images"`
	Type         string        `json:"type"`
	URI          string        `json:"uri"`
	Followers    followersJSON `json:"followers"`
}

type followersJSON struct {
	Href  *string `json:"href"`
	Total int     `json:"total"`
}

func (s *Server) serveMe(w http.ResponseWriter, _ *http.Request) {
	id := s.user.ID
	writeJSON(w, http.StatusOK, userJSON{
		DisplayName:  s.user.DisplayName,
		ExternalURLs: externalURLs{Spotify: "https://open.spotify.com/user/" + id},
		Href:         "https://api.spotify.com/v1/users/" + id,
		ID:           id,
		Images:       []imageJSON{},
		Type:         "user",
		URI:          "spotify:user:" + id,
	})
}

func (s *Server) serveCurrentlyPlaying(w http.ResponseWriter, r *http.Request) {
	s.servePlayback(w, r, false)
}

// servePlayer is GET /v1/me/player: currently-playing with the device; 204
// when no device is active, as Spotify answers then.
func (s *Server) servePlayer(w http.ResponseWriter, r *http.Request) {
	s.servePlayback(w, r, true)
}

func (s *Server) servePlayback(w http.ResponseWriter, r *http.Request, withDevice bool) {
	episodes := false
	for _, v := range r.URL.Query()["additional_types"] {
		for _, t := range strings.Split(v, ",") {
			episodes = episodes || strings.TrimSpace(t) == "episode"
		}
	}
	s.mu.Lock()
	body := s.player.currentlyPlaying(s.now(), episodes, "http://"+r.Host)
	switch {
	case withDevice && s.device == nil:
		body = nil
	case withDevice:
		body = withDeviceJSON(body, s.device)
	}
	s.mu.Unlock()
	if body == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}
