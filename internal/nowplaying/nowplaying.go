// Package nowplaying is what spotray tells scripts about the current
// playback: the one-line text of `spotray now` and the stable JSON object
// of `spotray now --json`.
package nowplaying

import (
	"encoding/json"
	"io"
	"reflect"

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

// WriteJSON writes st as one line of JSON.
func WriteJSON(w io.Writer, st playback.Status) error { return WriteLine(w, Of(st)) }

// WriteLine writes v (a JSON or a Waybar) as one line of JSON. Characters
// HTML would mind are left as they are: this is for scripts, not pages.
func WriteLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Same reports whether a and b show the same thing: everything but the
// position, which moves at every poll and would make every poll a change.
func Same(a, b JSON) bool {
	a.ProgressMS, b.ProgressMS = 0, 0
	return reflect.DeepEqual(a, b)
}

// Waybar is the object waybar's custom module reads with "return-type":
// "json". Text and Tooltip are Pango markup, as waybar takes them.
type Waybar struct {
	Text    string `json:"text"`
	Tooltip string `json:"tooltip"`
	// Class and Alt are "playing", "paused" or "nothing": a CSS class,
	// and the key of "format-icons".
	Class      string `json:"class"`
	Alt        string `json:"alt"`
	Percentage int    `json:"percentage"` // position in the item, 0-100
}

// WaybarOf is j for waybar, with text (already Pango markup) as its text.
func WaybarOf(j JSON, text string) Waybar {
	state := "nothing"
	switch {
	case j.Kind == playback.Nothing.String():
	case j.Playing:
		state = "playing"
	default:
		state = "paused"
	}
	tip := j.Text
	if j.Album != "" {
		tip += "\n" + j.Album
	}
	pct := 0
	if j.DurationMS > 0 {
		pct = int(min(100, max(0, j.ProgressMS*100/j.DurationMS)))
	}
	return Waybar{Text: text, Tooltip: Pango.apply(tip), Class: state, Alt: state, Percentage: pct}
}
