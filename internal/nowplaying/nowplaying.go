// Package nowplaying is what spotray tells scripts about the current
// playback: the one-line text of `spotray now` and the stable JSON object
// of `spotray now --json`.
package nowplaying

import (
	"encoding/json"
	"io"

	"github.com/spotray/spotray/internal/playback"
)

// JSON is the documented shape of `spotray now --json`: fields are only
// ever added.
type JSON struct {
	Kind       string   `json:"kind"`
	Playing    bool     `json:"playing"`
	Title      string   `json:"title,omitempty"`
	Artists    []string `json:"artists,omitempty"`
	Album      string   `json:"album,omitempty"`
	URI        string   `json:"uri,omitempty"`
	URL        string   `json:"url,omitempty"`
	ProgressMS int64    `json:"progress_ms"`
	DurationMS int64    `json:"duration_ms"`
	Text       string   `json:"text"`
}

// Of is st in the JSON shape.
func Of(st playback.Status) JSON {
	it := st.Item
	return JSON{
		Kind: it.Kind.String(), Playing: st.Playing, Title: it.Title, Artists: it.Artists,
		Album: it.Album, URI: it.Key, URL: it.URL, ProgressMS: st.Progress.Milliseconds(),
		DurationMS: it.Duration.Milliseconds(), Text: it.String(),
	}
}

// Line is st as one line of text: "Title — Artist", with " (paused)".
func Line(st playback.Status) string {
	line := st.Item.String()
	if st.Item.Kind != playback.Nothing && !st.Playing {
		line += " (paused)"
	}
	return line
}

// WriteJSON writes st as one line of JSON. Characters HTML would mind are
// left as they are: this is for scripts, not pages.
func WriteJSON(w io.Writer, st playback.Status) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(Of(st))
}
