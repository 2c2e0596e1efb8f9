package nowplaying

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/playback"
)

var formatTrack = Of(playback.Status{Playing: true, Progress: 45 * time.Second, Item: playback.Item{
	Kind: playback.Track, Key: "spotify:track:1", Title: `Rock & <Roll> "Live" 'n'`,
	Artists: []string{"Artist A", "Artist B"}, Album: "X", URL: "https://open.spotify.com/track/1",
	Duration: 3 * time.Minute}})

func TestTemplate(t *testing.T) {
	for _, tc := range []struct {
		tmpl string
		esc  Escape
		want string
	}{
		{"{title} — {artists}", NoEscape, `Rock & <Roll> "Live" 'n' — Artist A, Artist B`},
		{"{title}", Pango, "Rock &amp; &lt;Roll&gt; &quot;Live&quot; &#39;n&#39;"},
		{"<b>{album}</b>", Pango, "<b>X</b>"}, // the template's own markup stays
		{"{{{kind}}} {{title}}", NoEscape, "{track} {title}"},
		{"{playing} {progress_ms}/{duration_ms} {uri} {url}", NoEscape,
			"true 45000/180000 spotify:track:1 https://open.spotify.com/track/1"},
		{"{text}", NoEscape, `Rock & <Roll> "Live" 'n' — Artist A, Artist B`},
		{"", NoEscape, ""},
		{"plain", Pango, "plain"},
	} {
		tp, err := ParseTemplate(tc.tmpl)
		if err != nil {
			t.Errorf("ParseTemplate(%q): %v", tc.tmpl, err)
			continue
		}
		if got := tp.Execute(formatTrack, tc.esc); got != tc.want {
			t.Errorf("%q with escape %d = %q, want %q", tc.tmpl, tc.esc, got, tc.want)
		}
	}
}

func TestTemplateNothingPlaying(t *testing.T) {
	tp, _ := ParseTemplate("[{title}|{artists}|{text}]")
	if got := tp.Execute(Of(playback.Status{}), NoEscape); got != "[||Nothing playing]" {
		t.Errorf("got %q", got)
	}
}

func TestTemplateErrors(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{"{titel}", "unknown placeholder {titel} (known: {kind}, {playing}, {title}, {artists}, {album}, {uri}, {url}, {progress_ms}, {duration_ms}, {text})"},
		{"{}", "unknown placeholder {}"},
		{"{title", "has no closing brace (write {{ for a literal brace)"},
		{"a } b", "write }} for a literal brace"},
	} {
		_, err := ParseTemplate(tc.tmpl)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseTemplate(%q) = %v, want it to say %q", tc.tmpl, err, tc.want)
		}
	}
}

// Every field of the JSON is a placeholder, and each one has a text form.
func TestEveryFieldIsAPlaceholder(t *testing.T) {
	var b bytes.Buffer
	if err := WriteLine(&b, formatTrack); err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := json.Unmarshal(b.Bytes(), &keys); err != nil {
		t.Fatal(err)
	}
	names := Placeholders()
	if len(keys) != len(names) {
		t.Fatalf("placeholders %v, JSON keys %v", names, keys)
	}
	for _, n := range names {
		if _, ok := keys[n]; !ok {
			t.Errorf("placeholder %q is not a JSON key", n)
		}
		tp, err := ParseTemplate("{" + n + "}")
		if err != nil {
			t.Fatal(err)
		}
		tp.Execute(formatTrack, Pango)
	}
}

func TestParseEscape(t *testing.T) {
	for name, want := range map[string]Escape{"": NoEscape, "none": NoEscape, "pango": Pango} {
		if got, err := ParseEscape(name); err != nil || got != want {
			t.Errorf("ParseEscape(%q) = %v, %v", name, got, err)
		}
	}
	if _, err := ParseEscape("html"); err == nil || !strings.Contains(err.Error(), "known: none, pango") {
		t.Errorf("ParseEscape(html) = %v", err)
	}
}

func TestSame(t *testing.T) {
	moved := formatTrack
	moved.ProgressMS += 10000
	paused := formatTrack
	paused.Playing = false
	other := formatTrack
	other.Artists = []string{"Artist A"}
	for _, tc := range []struct {
		b    JSON
		same bool
	}{{formatTrack, true}, {moved, true}, {paused, false}, {other, false}} {
		if got := Same(formatTrack, tc.b); got != tc.same {
			t.Errorf("Same(track, %+v) = %v", tc.b, got)
		}
	}
}

func TestWaybar(t *testing.T) {
	paused := formatTrack
	paused.Playing = false
	for _, tc := range []struct {
		j    JSON
		want Waybar
	}{
		{formatTrack, Waybar{Text: "T", Class: "playing", Alt: "playing", Percentage: 25,
			Tooltip: "Rock &amp; &lt;Roll&gt; &quot;Live&quot; &#39;n&#39; — Artist A, Artist B\nX"}},
		{paused, Waybar{Text: "T", Class: "paused", Alt: "paused", Percentage: 25,
			Tooltip: "Rock &amp; &lt;Roll&gt; &quot;Live&quot; &#39;n&#39; — Artist A, Artist B\nX"}},
		{Of(playback.Status{}), Waybar{Text: "T", Tooltip: "Nothing playing", Class: "nothing", Alt: "nothing"}},
	} {
		if got := WaybarOf(tc.j, "T"); got != tc.want {
			t.Errorf("WaybarOf = %+v, want %+v", got, tc.want)
		}
	}
	var b bytes.Buffer
	WriteLine(&b, WaybarOf(formatTrack, "T"))
	for _, key := range []string{`"text":`, `"tooltip":`, `"class":`, `"alt":`, `"percentage":`} {
		if !strings.Contains(b.String(), key) {
			t.Errorf("waybar line %s lacks %s", b.String(), key)
		}
	}
}

func TestPrinter(t *testing.T) {
	title, _ := ParseTemplate("{title}")
	for _, tc := range []struct {
		p    Printer
		want string
	}{
		{Printer{}, `{"kind":"track","playing":true,"title":"Rock & <Roll> \"Live\" 'n'",`},
		{Printer{Format: &title}, `Rock & <Roll> "Live" 'n'` + "\n"},
		{Printer{Format: &title, Escape: Pango}, "Rock &amp; &lt;Roll&gt; &quot;Live&quot; &#39;n&#39;\n"},
		{Printer{Waybar: true}, `{"text":"Rock &amp; &lt;Roll&gt; &quot;Live&quot; &#39;n&#39; — Artist A, Artist B","tooltip":`},
		{Printer{Waybar: true, Format: &title}, `{"text":"Rock &amp; &lt;Roll&gt; &quot;Live&quot; &#39;n&#39;","tooltip":`},
	} {
		var b bytes.Buffer
		if err := tc.p.Print(&b, formatTrack); err != nil || !strings.HasPrefix(b.String(), tc.want) ||
			strings.Count(b.String(), "\n") != 1 {
			t.Errorf("%+v printed %q, want it to start with %q", tc.p, b.String(), tc.want)
		}
	}
}
