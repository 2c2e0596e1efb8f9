package fakespotify

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

const cpPath = "/v1/me/player/currently-playing"

func TestAPIAuth(t *testing.T) {
	clock := newClock()
	s := NewTestServer(t, Options{Now: clock.Now})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := s.Grant(DefaultClientID, "user-read-private")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, tok string
		status          int
		msg             string
	}{
		{"no token", "/v1/me", "", 401, msgNoToken},
		{"unknown token", "/v1/me", "BQforged", 401, msgInvalid},
		{"valid", "/v1/me", tok.AccessToken, 200, ""},
		{"unknown path", "/v1/me/shows", tok.AccessToken, 404, "Service not found"},
		{"outside the API", "/nothing-here", "", 404, "Service not found"},
		{"missing scope", cpPath, narrow.AccessToken, 403, "Insufficient client scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := apiGet(t, s, tt.path, tt.tok)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if tt.msg != "" {
				if got := errorMessage(t, body); got != tt.msg {
					t.Errorf("message %q, want %q", got, tt.msg)
				}
			}
		})
	}

	clock.Advance(time.Hour)
	if status, _, body := apiGet(t, s, "/v1/me", tok.AccessToken); status != 401 || errorMessage(t, body) != msgExpired {
		t.Errorf("after an hour: %d %s", status, body)
	}
	fresh, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	s.ExpireAccessTokens()
	if status, _, body := apiGet(t, s, "/v1/me", fresh.AccessToken); status != 401 || errorMessage(t, body) != msgExpired {
		t.Errorf("after ExpireAccessTokens: %d %s", status, body)
	}
}

func TestMe(t *testing.T) {
	name := "Ada"
	for _, tt := range []struct {
		user     User
		id, want string // want: display_name JSON
	}{
		{User{}, DefaultUserID, `"` + DefaultDisplayName + `"`},
		{User{ID: "ada", DisplayName: &name}, "ada", `"Ada"`},
		{User{ID: "nameless"}, "nameless", "null"},
	} {
		s := NewTestServer(t, Options{User: tt.user})
		tok, err := s.Grant(DefaultClientID, "")
		if err != nil {
			t.Fatal(err)
		}
		status, _, body := apiGet(t, s, "/v1/me", tok.AccessToken)
		var me map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &me); status != 200 || err != nil {
			t.Fatalf("%d %s %v", status, body, err)
		}
		if string(me["id"]) != `"`+tt.id+`"` || string(me["display_name"]) != tt.want {
			t.Errorf("/v1/me = %s, want id %s display_name %s", body, tt.id, tt.want)
		}
	}
}

// currentlyPlaying decodes the fields spotray reads.
type cpDoc struct {
	IsPlaying  bool            `json:"is_playing"`
	ProgressMS *int64          `json:"progress_ms"`
	Timestamp  int64           `json:"timestamp"`
	Type       string          `json:"currently_playing_type"`
	Item       json.RawMessage `json:"item"`
}

func TestCurrentlyPlayingRaw(t *testing.T) {
	s := NewTestServer(t, Options{})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		set      func()
		query    string
		status   int
		typ      string
		itemNull bool
	}{
		{"nothing at start", func() {}, "?additional_types=episode", 204, "", true},
		{"track", func() { s.SetCurrentlyPlaying(Fixture(FixtureTrack)) }, "", 200, "track", false},
		{"episode asked for", func() { s.SetCurrentlyPlaying(Fixture(FixtureEpisode)) }, "?additional_types=episode", 200, "episode", false},
		{"episode among types", func() {}, "?additional_types=track,episode&market=from_token", 200, "episode", false},
		{"episode not asked for", func() {}, "", 200, "episode", true},
		{"episode with track only", func() {}, "?additional_types=track", 200, "episode", true},
		{"ad", func() { s.SetCurrentlyPlaying(Fixture(FixtureAd)) }, "?additional_types=episode", 200, "ad", true},
		{"local file", func() { s.SetCurrentlyPlaying(Fixture(FixtureLocalFile)) }, "", 200, "track", false},
		{"nothing again", s.SetNothingPlaying, "", 204, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.set()
			status, h, body := apiGet(t, s, cpPath+tt.query, tok.AccessToken)
			if status != tt.status {
				t.Fatalf("status %d, want %d", status, tt.status)
			}
			if status == 204 {
				if body != "" || h.Get("Content-Type") != "" {
					t.Errorf("204 with body %q, content type %q", body, h.Get("Content-Type"))
				}
				return
			}
			var doc cpDoc
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Type != tt.typ || (string(doc.Item) == "null") != tt.itemNull {
				t.Errorf("type %q item %.40s, want %q null=%v", doc.Type, doc.Item, tt.typ, tt.itemNull)
			}
		})
	}
	// A body that is not JSON is served as set, episode rule or not.
	s.SetCurrentlyPlaying([]byte("{broken"))
	if _, _, body := apiGet(t, s, cpPath, tok.AccessToken); body != "{broken" {
		t.Errorf("raw body changed to %q", body)
	}
	if n := len(s.Requests(cpPath)); n != len(tests)+1 {
		t.Errorf("Requests(%s) has %d entries, want %d", cpPath, n, len(tests)+1)
	}
}

func TestFixtureLocalFileIsDerived(t *testing.T) {
	var playlist struct {
		Tracks struct {
			Items []struct {
				IsLocal bool            `json:"is_local"`
				Track   json.RawMessage `json:"track"`
			} `json:"items"`
		} `json:"tracks"`
	}
	if err := json.Unmarshal(Fixture("spotify-web-api-java/playlist-localfiles-response.json"), &playlist); err != nil {
		t.Fatal(err)
	}
	var derived cpDoc
	if err := json.Unmarshal(Fixture(FixtureLocalFile), &derived); err != nil {
		t.Fatal(err)
	}
	for _, it := range playlist.Tracks.Items {
		if it.IsLocal {
			if !jsonEqual(t, it.Track, derived.Item) {
				t.Errorf("derived item differs from the playlist's local track")
			}
			return
		}
	}
	t.Fatal("no local track in the playlist fixture")
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		t.Fatal("invalid JSON")
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}

func TestFixturePanicsOnUnknownName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	Fixture("no-such-file.json")
}

func TestArtServed(t *testing.T) {
	s := NewTestServer(t, Options{})
	status, h, body := apiGet(t, s, "/demo-art/1.png", "")
	if status != http.StatusOK || h.Get("Content-Type") != "image/png" || len(body) < 100 {
		t.Fatalf("art: %d %q %d bytes", status, h.Get("Content-Type"), len(body))
	}
}

func TestDefaultClientIDShape(t *testing.T) {
	if len(DefaultClientID) != 32 || strings.Trim(DefaultClientID, "0123456789abcdef") != "" {
		t.Errorf("DefaultClientID %q is not 32 hex characters", DefaultClientID)
	}
}
