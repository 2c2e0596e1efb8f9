package fakespotify

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Device is a Spotify Connect device as GET /v1/me/player describes it.
type Device struct {
	ID, Name, Type string
}

// DefaultDevice is where the fake plays until SetDevice says otherwise.
var DefaultDevice = Device{ID: "5fbb3ba6aa454b5534c4ba43a8c7e8e45a63ad0e", Name: "Kitchen speaker", Type: "Speaker"}

// SetDevice makes d the active device; nil means none is active: GET
// /v1/me/player answers 204 and player commands 404 NO_ACTIVE_DEVICE.
func (s *Server) SetDevice(d *Device) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d != nil {
		c := *d
		d = &c
	}
	s.device = d
}

// SetPremium says whether the account is Premium (the default): Spotify
// refuses player commands from free accounts with 403 PREMIUM_REQUIRED.
func (s *Server) SetPremium(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.free = !on
}

// Calls returns the Web API requests other than GET that got past the
// token and scope checks, as "METHOD /path?query", in order.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Saved reports whether uri is in the user's library.
func (s *Server) Saved(uri string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.library[uri]
}

// SetSaved puts uri in the user's library or takes it out.
func (s *Server) SetSaved(uri string, saved bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.library[uri] = saved
}

// previousRestarts is how far into an item "previous" restarts it rather
// than going back, as Spotify's clients do.
const previousRestarts = 3 * time.Second

// serveCommand is a player command: Premium and an active device needed,
// as Spotify requires. It changes a playlist; raw bodies stay as they are.
func (s *Server) serveCommand(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	free, device := s.free, s.device
	s.mu.Unlock()
	switch {
	case free:
		apiRefusal(w, http.StatusForbidden, "Player command failed: Premium required", "PREMIUM_REQUIRED")
		return
	case device == nil:
		apiRefusal(w, http.StatusNotFound, "Player command failed: No active device found", "NO_ACTIVE_DEVICE")
		return
	}
	switch r.URL.Path {
	case "/v1/me/player/play":
		s.Resume()
	case "/v1/me/player/pause":
		s.Pause()
	case "/v1/me/player/next":
		s.Skip()
	case "/v1/me/player/previous":
		s.change(func(p *player, now time.Time) {
			if p.progress(now) < previousRestarts {
				p.index = (p.index + len(p.items) - 1) % len(p.items)
			}
			p.pos, p.since = 0, now
		})
	}
	w.WriteHeader(http.StatusNoContent)
}

// maxLibraryURIs is the most URIs one library call takes.
const maxLibraryURIs = 40

// libraryURIs reads the uris parameter as Spotify checks it.
func libraryURIs(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	uris := strings.Split(r.URL.Query().Get("uris"), ",")
	if len(uris) > maxLibraryURIs {
		apiError(w, http.StatusBadRequest, "Too many ids requested")
		return nil, false
	}
	for _, u := range uris {
		if !strings.HasPrefix(u, "spotify:track:") && !strings.HasPrefix(u, "spotify:episode:") &&
			!strings.HasPrefix(u, "spotify:album:") && !strings.HasPrefix(u, "spotify:show:") {
			apiError(w, http.StatusBadRequest, "Invalid base62 id")
			return nil, false
		}
	}
	return uris, true
}

func (s *Server) serveLibrary(w http.ResponseWriter, r *http.Request) {
	uris, ok := libraryURIs(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	for _, u := range uris {
		s.library[u] = r.Method == http.MethodPut
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (s *Server) serveContains(w http.ResponseWriter, r *http.Request) {
	uris, ok := libraryURIs(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	has := make([]bool, len(uris))
	for i, u := range uris {
		has[i] = s.library[u]
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, has)
}

// withDeviceJSON adds d to a currently-playing document, as /v1/me/player
// has it. A document it cannot parse is served unchanged: tests may set
// broken bodies on purpose.
func withDeviceJSON(body []byte, d *Device) []byte {
	var doc map[string]json.RawMessage
	if d == nil || json.Unmarshal(body, &doc) != nil || doc == nil {
		return body
	}
	dev, err := json.Marshal(map[string]any{"id": d.ID, "name": d.Name, "type": d.Type, "is_active": true,
		"is_private_session": false, "is_restricted": false, "volume_percent": 60, "supports_volume": true})
	if err != nil {
		return body
	}
	doc["device"] = dev
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
