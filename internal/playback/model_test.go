package playback

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/spotify"
)

var at = time.Date(2026, 9, 1, 20, 0, 0, 0, time.UTC)

// fixture decodes a real Spotify answer kept by the fake server's package.
func fixture(t testing.TB, name string) *spotify.CurrentlyPlaying {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fakespotify", "testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	var cp spotify.CurrentlyPlaying
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatal(err)
	}
	return &cp
}

func ms(n int64) *int64 { return &n }

func TestFromAPIFixtures(t *testing.T) {
	episodeWithoutTypes := fixture(t, "spotify-web-api-java/GetUsersCurrentlyPlayingTrackRequest_Episode.json")
	episodeWithoutTypes.Item = nil // what Spotify sends without additional_types=episode
	unknownType := fixture(t, "spotify-web-api-java/GetUsersCurrentlyPlayingTrackRequest.json")
	unknownType.Type = "unknown"

	tests := []struct {
		name string
		cp   *spotify.CurrentlyPlaying
		want Status
		str  string
	}{
		{"track (paused)", fixture(t, "spotify-web-api-java/GetUsersCurrentlyPlayingTrackRequest.json"), Status{
			Item: Item{Kind: Track, Key: "spotify:track:01iyCAUm8EvOFqVWYJ3dVX", Title: "Dancing Queen",
				Artists: []string{"ABBA"}, Album: "Arrival", URL: "https://open.spotify.com/track/01iyCAUm8EvOFqVWYJ3dVX",
				ImageURL: "https://i.scdn.co/image/1cb3d4e9b45c0526655b712e8e7a9154a0367b42", Duration: 230400 * time.Millisecond},
			Progress: 78810 * time.Millisecond, At: at,
		}, "Dancing Queen — ABBA"},
		{"episode", fixture(t, "spotify-web-api-java/GetUsersCurrentlyPlayingTrackRequest_Episode.json"), Status{
			Item: Item{Kind: Episode, Key: "spotify:episode:4GI3dxEafwap1sFiTGPKd1", Title: "The Giant Beastcast: Episode 0",
				Album: "The Giant Beastcast", URL: "https://open.spotify.com/episode/4GI3dxEafwap1sFiTGPKd1",
				ImageURL: "https://i.scdn.co/image/207663099fe4dab2eafbc2b52813d283e80be07a", Duration: 8052140 * time.Millisecond},
			Playing: true, Progress: 3636145 * time.Millisecond, At: at,
		}, "The Giant Beastcast: Episode 0 — The Giant Beastcast"},
		{"episode without additional_types", episodeWithoutTypes, Status{
			Item: Item{Kind: Unknown}, Playing: true, Progress: 3636145 * time.Millisecond, At: at,
		}, "Unknown item"},
		{"ad", fixture(t, "other/currently_playing_ad_from_readme.json"), Status{
			Item: Item{Kind: Ad}, Playing: true, Progress: 14544 * time.Millisecond, At: at,
		}, "Advertisement"},
		{"local file", fixture(t, "derived/currently_playing_local_file.json"), Status{
			Item: Item{Kind: Track, Key: "spotify:local:Woodkid:The+Golden+Age:Run+Boy+Run:215", Title: "Run Boy Run",
				Artists: []string{"Woodkid"}, Album: "The Golden Age", Duration: 215 * time.Second, Local: true},
			Playing: true, Progress: 42 * time.Second, At: at,
		}, "Run Boy Run — Woodkid"},
		{"2017 answer without currently_playing_type", fixture(t, "zmb3-spotify/player_currently_playing.txt"), Status{
			Item: Item{Kind: Track, Key: "spotify:track:1lkvpmrCaXK8QtliFDcHBO", Title: "Bubbly",
				Artists: []string{"Colbie Caillat"}, Album: "Coco", URL: "https://open.spotify.com/track/1lkvpmrCaXK8QtliFDcHBO",
				ImageURL: "https://i.scdn.co/image/1c9fed75791a6be303dc72a19f9f66e710bfffb9", Duration: 196226 * time.Millisecond},
			Progress: 102509 * time.Millisecond, At: at,
		}, "Bubbly — Colbie Caillat"},
		{"unknown type with a track item", unknownType, Status{
			Item: Item{Kind: Track, Key: "spotify:track:01iyCAUm8EvOFqVWYJ3dVX", Title: "Dancing Queen",
				Artists: []string{"ABBA"}, Album: "Arrival", URL: "https://open.spotify.com/track/01iyCAUm8EvOFqVWYJ3dVX",
				ImageURL: "https://i.scdn.co/image/1cb3d4e9b45c0526655b712e8e7a9154a0367b42", Duration: 230400 * time.Millisecond},
			Progress: 78810 * time.Millisecond, At: at,
		}, "Dancing Queen — ABBA"},
		{"204", nil, Status{Item: Item{Kind: Nothing}, At: at}, "Nothing playing"},
		{"unknown type, no item", &spotify.CurrentlyPlaying{IsPlaying: true, Type: "unknown"},
			Status{Item: Item{Kind: Unknown}, Playing: true, At: at}, "Unknown item"},
		{"future type with its own item", &spotify.CurrentlyPlaying{IsPlaying: true, Type: "audiobook",
			Item: &spotify.Item{Type: "chapter", Name: "Chapter 1", URI: "spotify:chapter:1"}},
			Status{Item: Item{Kind: Unknown, Key: "spotify:chapter:1", Title: "Chapter 1"}, Playing: true, At: at}, "Chapter 1"},
		{"ad with an item", &spotify.CurrentlyPlaying{Type: "ad", Item: &spotify.Item{Type: "track", Name: "x"}},
			Status{Item: Item{Kind: Ad}, At: at}, "Advertisement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromAPI(tt.cp, at)
			assertStatus(t, got, tt.want)
			if s := got.Item.String(); s != tt.str {
				t.Errorf("String() = %q, want %q", s, tt.str)
			}
		})
	}
}

func assertStatus(t *testing.T, got, want Status) {
	t.Helper()
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("got  %s\nwant %s", gj, wj)
	}
}

// track builds a currently-playing track answer for the hostile-input table.
func track(name string, artists ...string) *spotify.CurrentlyPlaying {
	it := &spotify.Item{Type: "track", Name: name, URI: "spotify:track:x", DurationMS: 200000,
		Album: &spotify.Album{Name: "Album"}}
	for _, a := range artists {
		it.Artists = append(it.Artists, spotify.Artist{Name: a})
	}
	return &spotify.CurrentlyPlaying{IsPlaying: true, ProgressMS: ms(1000), Type: "track", Item: it}
}

func TestFromAPIHostile(t *testing.T) {
	long := strings.Repeat("ab", 5000)
	tests := []struct {
		name string
		cp   *spotify.CurrentlyPlaying
		str  string
		also func(t *testing.T, s Status)
	}{
		{"underscore", track("_Intro_", "A_B"), "_Intro_ — A_B", nil},
		{"markup stays raw", track("<b>Bold</b> & <i>", "Simon & Garfunkel"), "<b>Bold</b> & <i> — Simon & Garfunkel", nil},
		{"newlines", track("Line 1\nLine 2\r\n\tEnd", "A\nB"), "Line 1 Line 2 End — A B", nil},
		{"line separator", track("a\u2028b\u2029c"), "a b c", nil},
		{"bidi override dropped", track("\u202Eevil\u202C", "\u2067x\u2069"), "evil — x", nil},
		{"RTL text kept, direction marks dropped", track("שלום\u200F", "\u200Fفيروز"), "שלום — فيروز", nil},
		{"10,000 characters", track(long, long), strings.Repeat("ab", 99) + "a… — " + strings.Repeat("ab", 99) + "a…", func(t *testing.T, s Status) {
			if n := len([]rune(s.Item.Title)); n != maxText {
				t.Errorf("title has %d runes", n)
			}
		}},
		{"invalid UTF-8 dropped", track("caf\xe9 au lait"), "caf au lait", nil},
		{"empty title", track("", "Artist"), "Untitled — Artist", nil},
		{"empty strings everywhere", track("", ""), "Untitled", func(t *testing.T, s Status) {
			if len(s.Item.Artists) != 0 {
				t.Errorf("artists %q", s.Item.Artists)
			}
		}},
		{"no artists", track("Solo"), "Solo", nil},
		{"many artists", track("T", strings.Split("a b c d e f g h i j k l", " ")...), "T — a, b, c, d, e, f, g, h, i, j", nil},
		{"null album and images", &spotify.CurrentlyPlaying{IsPlaying: true, Type: "track",
			Item: &spotify.Item{Type: "track", Name: "N", URI: "spotify:local:::N:0"}}, "N", func(t *testing.T, s Status) {
			if s.Item.Album != "" || s.Item.ImageURL != "" || !s.Item.Local {
				t.Errorf("item %+v", s.Item)
			}
		}},
		{"no URI: key from names", &spotify.CurrentlyPlaying{IsPlaying: true,
			Item: &spotify.Item{Name: "N", Artists: []spotify.Artist{{Name: "A"}, {Name: "B"}}}}, "N — A, B", func(t *testing.T, s Status) {
			if s.Item.Key != "name:N\x1fA\x1fB" || s.Item.Kind != Track {
				t.Errorf("item %+v", s.Item)
			}
		}},
		{"images: widest, web URLs only", &spotify.CurrentlyPlaying{Item: &spotify.Item{Type: "track", Name: "N",
			ExternalURLs: spotify.ExternalURLs{Spotify: "javascript:alert(1)"},
			Album: &spotify.Album{Images: []spotify.Image{{URL: "file:///etc/passwd", Width: 9999},
				{URL: "https://a/64", Width: 64}, {URL: "https://a/640", Width: 640}}}}}, "N", func(t *testing.T, s Status) {
			if s.Item.ImageURL != "https://a/640" || s.Item.URL != "" {
				t.Errorf("image %q url %q", s.Item.ImageURL, s.Item.URL)
			}
		}},
		{"images without widths: first", &spotify.CurrentlyPlaying{Item: &spotify.Item{Type: "episode", Name: "E",
			Show: &spotify.Show{Name: "S", Images: []spotify.Image{{URL: "https://a/1"}, {URL: "https://a/2"}}}}}, "E — S", func(t *testing.T, s Status) {
			if s.Item.ImageURL != "https://a/1" {
				t.Errorf("image %q", s.Item.ImageURL)
			}
		}},
		{"episode without show", &spotify.CurrentlyPlaying{Type: "episode", Item: &spotify.Item{Name: "E"}}, "E", nil},
		{"negative and huge numbers", &spotify.CurrentlyPlaying{ProgressMS: ms(-5), Item: &spotify.Item{Type: "track", Name: "N", DurationMS: 1 << 62}},
			"N", func(t *testing.T, s Status) {
				if s.Progress != 0 || s.Item.Duration <= 0 {
					t.Errorf("progress %v duration %v", s.Progress, s.Item.Duration)
				}
			}},
		{"progress past the end", &spotify.CurrentlyPlaying{ProgressMS: ms(9000), Item: &spotify.Item{Type: "track", Name: "N", DurationMS: 5000}},
			"N", func(t *testing.T, s Status) {
				if s.Progress != 5*time.Second {
					t.Errorf("progress %v", s.Progress)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := FromAPI(tt.cp, at)
			if got := s.Item.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if tt.also != nil {
				tt.also(t, s)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{Item{Kind: Track, Title: "T", Artists: []string{"A", "B"}}.String(), "T — A, B"},
		{Item{Kind: Episode, Title: "E", Album: "Show", Artists: []string{"ignored"}}.String(), "E — Show"},
		{Item{Kind: Ad}.String(), "Advertisement"},
		{Item{}.String(), "Nothing playing"},
		{Item{Kind: Unknown}.String(), "Unknown item"},
		{Track.String(), "track"},
		{Kind(9).String(), "kind(9)"},
		{RateLimited.String(), "rate limited"},
		{TroubleKind(9).String(), "trouble(?)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// FuzzFromAPI decodes arbitrary JSON as Spotify's answer and converts it: no
// input may panic, and the result must keep the model's promises.
func FuzzFromAPI(f *testing.F) {
	for _, name := range []string{
		"spotify-web-api-java/GetUsersCurrentlyPlayingTrackRequest.json",
		"spotify-web-api-java/GetUsersCurrentlyPlayingTrackRequest_Episode.json",
		"other/currently_playing_ad_from_readme.json",
		"derived/currently_playing_local_file.json",
		"zmb3-spotify/player_currently_playing.txt",
	} {
		b, err := os.ReadFile(filepath.Join("..", "fakespotify", "testdata", filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"currently_playing_type":"unknown","item":null,"progress_ms":null}`))
	f.Add([]byte(`{"item":{"name":"\u202e\n<b>","artists":[{"name":null}],"album":null,"images":null,"duration_ms":-1}}`))
	f.Add([]byte(`{"item":{"type":"episode","show":{"images":[{"url":"https://x","width":null}]}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var cp spotify.CurrentlyPlaying
		if json.Unmarshal(body, &cp) != nil {
			return
		}
		s := FromAPI(&cp, at)
		str := s.Item.String()
		if str == "" || strings.ContainsAny(str, "\n\r\u202e") {
			t.Errorf("String() = %q", str)
		}
		if s.Progress < 0 || s.Item.Duration < 0 || (s.Item.Duration > 0 && s.Progress > s.Item.Duration) {
			t.Errorf("progress %v duration %v", s.Progress, s.Item.Duration)
		}
		if (s.Item.Kind == Track || s.Item.Kind == Episode) && s.Item.Key == "" {
			t.Errorf("item without key: %+v", s.Item)
		}
		NextPoll(Status{}, s, 0)
		var a Announcer
		a.Observe(s)
	})
}
