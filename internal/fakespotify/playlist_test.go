package fakespotify

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"
)

// playlistDoc is the part of a playlist answer the tests check.
type playlistDoc struct {
	IsPlaying  bool   `json:"is_playing"`
	ProgressMS int64  `json:"progress_ms"`
	Timestamp  int64  `json:"timestamp"`
	Type       string `json:"currently_playing_type"`
	Item       *struct {
		Name    string `json:"name"`
		URI     string `json:"uri"`
		IsLocal bool   `json:"is_local"`
		ID      *string
		Artists []struct {
			Name string `json:"name"`
		} `json:"artists"`
		Album *struct {
			Name   string      `json:"name"`
			Images []imageJSON `json:"images"`
		} `json:"album"`
		Images []imageJSON `json:"images"`
		Show   *struct {
			Name string `json:"name"`
		} `json:"show"`
	} `json:"item"`
}

func playing(t *testing.T, s *Server, tok string) (int, playlistDoc) {
	t.Helper()
	status, _, body := apiGet(t, s, cpPath+"?additional_types=episode", tok)
	var doc playlistDoc
	if status == 200 {
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
	}
	return status, doc
}

func TestPlaylistFollowsClock(t *testing.T) {
	clock := newClock()
	s := NewTestServer(t, Options{Now: clock.Now, AccessTokenTTL: 24 * time.Hour})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	start := clock.Now()
	s.SetPlaylist([]Item{
		{Name: "A", Artists: []string{"X"}, Album: "AA", Duration: 10 * time.Second},
		{Name: "B", Artists: []string{"Y", "Z"}, Album: "BB", Duration: 20 * time.Second},
		{Kind: KindEpisode, Name: "C", Artists: []string{"Pub"}, Album: "Show", Duration: 30 * time.Second},
		{Kind: KindAd, Duration: 5 * time.Second},
		{Name: "L", Artists: []string{"Me Myself"}, Album: "My Tape", Duration: 7 * time.Second, Local: true},
	})
	ms := func(d time.Duration) int64 { return start.Add(d).UnixMilli() }
	type want struct {
		typ, name string
		progress  time.Duration
		playing   bool
		stamp     int64
	}
	steps := []struct {
		name string
		do   func()
		want want
	}{
		{"start", func() {}, want{"track", "A", 0, true, ms(0)}},
		{"into A", func() { clock.Advance(4 * time.Second) }, want{"track", "A", 4 * time.Second, true, ms(0)}},
		{"into B", func() { clock.Advance(8 * time.Second) }, want{"track", "B", 2 * time.Second, true, ms(10 * time.Second)}},
		{"pause", func() { s.Pause(); clock.Advance(time.Minute) }, want{"track", "B", 2 * time.Second, false, ms(12 * time.Second)}},
		{"resume", func() { s.Resume(); clock.Advance(time.Second) }, want{"track", "B", 3 * time.Second, true, ms(72 * time.Second)}},
		{"skip", s.Skip, want{"episode", "C", 0, true, ms(73 * time.Second)}},
		{"seek", func() { s.Seek(25 * time.Second); clock.Advance(time.Second) }, want{"episode", "C", 26 * time.Second, true, ms(73 * time.Second)}},
		{"ad", func() { clock.Advance(5 * time.Second) }, want{"ad", "", time.Second, true, ms(78 * time.Second)}},
		{"local", func() { clock.Advance(5 * time.Second) }, want{"track", "L", time.Second, true, ms(83 * time.Second)}},
		{"wraps", func() { clock.Advance(7 * time.Second) }, want{"track", "A", time.Second, true, ms(90 * time.Second)}},
		// 72 s a lap: 100 laps and 15 s into A, B is 5 s in, since 10 s.
		{"long jump", func() { clock.Advance(100*72*time.Second + 14*time.Second) }, want{"track", "B", 5 * time.Second, true, ms(90*time.Second + 100*72*time.Second + 10*time.Second)}},
	}
	for _, st := range steps {
		st.do()
		status, doc := playing(t, s, tok.AccessToken)
		if status != 200 {
			t.Fatalf("%s: status %d", st.name, status)
		}
		name := ""
		if doc.Item != nil {
			name = doc.Item.Name
		}
		got := want{doc.Type, name, time.Duration(doc.ProgressMS) * time.Millisecond, doc.IsPlaying, doc.Timestamp}
		if got != st.want {
			t.Errorf("%s: got %+v, want %+v", st.name, got, st.want)
		}
	}

	clock.Advance(20 * time.Second) // C, 5 s in
	_, doc := playing(t, s, tok.AccessToken)
	if doc.Item == nil || doc.Item.Show == nil || doc.Item.Show.Name != "Show" || doc.Type != "episode" {
		t.Errorf("episode: %+v", doc.Item)
	}
	clock.Advance(32 * time.Second) // L, 2 s in
	_, doc = playing(t, s, tok.AccessToken)
	if doc.Item == nil || !doc.Item.IsLocal || doc.Item.ID != nil || doc.Item.URI != "spotify:local:Me+Myself:My+Tape:L:7" {
		t.Errorf("local file: %+v", doc.Item)
	}
}

func TestSetPlaylistEmptyIsNothing(t *testing.T) {
	s := NewTestServer(t, Options{})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	s.SetPlaylist(nil)
	s.Skip() // no playlist: no effect
	if status, _ := playing(t, s, tok.AccessToken); status != 204 {
		t.Errorf("status %d, want 204", status)
	}
}

func TestDemoPlaylist(t *testing.T) {
	clock := newClock()
	s := NewTestServer(t, Options{Now: clock.Now})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	items := DemoPlaylist()
	s.SetPlaylist(items)
	var episodes, odd int
	for i, it := range items {
		if it.Duration < 20*time.Second || it.Duration > 40*time.Second {
			t.Errorf("%s lasts %v", it.Name, it.Duration)
		}
		if it.Kind == KindEpisode {
			episodes++
		}
		if strings.ContainsAny(it.Name, "_") && strings.Contains(it.Name, "&") {
			odd++
		}
		_, doc := playing(t, s, tok.AccessToken)
		if doc.Item == nil || doc.Item.Name != it.Name {
			t.Fatalf("item %d: %+v, want %s", i, doc.Item, it.Name)
		}
		imgs := doc.Item.Images
		if doc.Item.Album != nil {
			imgs = doc.Item.Album.Images
		}
		if it.Image != "" {
			if len(imgs) == 0 {
				t.Fatalf("%s: no images", it.Name)
			}
			checkPNG(t, imgs[0].URL, s.URL()+it.Image)
		}
		clock.Advance(it.Duration)
	}
	if episodes != 1 || odd != 1 {
		t.Errorf("%d episodes, %d titles with _ and &; want 1 and 1", episodes, odd)
	}
}

func checkPNG(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("image URL %q, want %q", got, want)
	}
	resp, err := http.Get(got)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if b := img.Bounds(); b.Dx() != artSize || b.Dy() != artSize {
		t.Errorf("%s is %v", got, b)
	}
}
