package nowplaying

import (
	"bytes"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/playback"
)

func TestLineAndJSON(t *testing.T) {
	track := playback.Item{Kind: playback.Track, Key: "spotify:track:1", Title: "Rock & <Roll>",
		Artists: []string{"A", "B"}, Album: "X", URL: "https://open.spotify.com/track/1", Duration: 3 * time.Minute}
	for _, tc := range []struct {
		st         playback.Status
		line, json string
	}{
		{playback.Status{Item: track, Playing: true, Progress: 1500 * time.Millisecond},
			"Rock & <Roll> — A, B",
			`{"kind":"track","playing":true,"title":"Rock & <Roll>","artists":["A","B"],"album":"X","uri":"spotify:track:1","url":"https://open.spotify.com/track/1","progress_ms":1500,"duration_ms":180000,"text":"Rock & <Roll> — A, B"}` + "\n"},
		{playback.Status{Item: track}, "Rock & <Roll> — A, B (paused)", ""},
		{playback.Status{Item: playback.Item{Kind: playback.Nothing}}, "Nothing playing",
			`{"kind":"nothing","playing":false,"progress_ms":0,"duration_ms":0,"text":"Nothing playing"}` + "\n"},
		{playback.Status{Item: playback.Item{Kind: playback.Ad}, Playing: true}, "Advertisement", ""},
	} {
		if got := Line(tc.st); got != tc.line {
			t.Errorf("Line = %q, want %q", got, tc.line)
		}
		if tc.json == "" {
			continue
		}
		var b bytes.Buffer
		if err := WriteJSON(&b, tc.st); err != nil || b.String() != tc.json {
			t.Errorf("WriteJSON = %s (%v), want %s", b.String(), err, tc.json)
		}
	}
}
