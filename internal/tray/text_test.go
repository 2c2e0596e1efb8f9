package tray

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Bohemian Rhapsody", "Bohemian Rhapsody"},
		{"newlines become one space", "Line one\r\n\nline two", "Line one line two"},
		{"tabs and controls", "a\tb\x00c\x1bd\x7f", "a b c d"},
		{"leading and trailing space", "  x  ", "x"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a b c"},
		{"right-to-left override dropped", "evil\u202Egnp.exe", "evilgnp.exe"},
		{"embeddings and isolates dropped", "\u202Aa\u202Bb\u202Cc\u2066d\u2067e\u2068f\u2069", "abcdef"},
		{"direction marks dropped", "a\u200Eb\u200Fc\u061Cd", "abcd"},
		{"Hebrew text kept", "שלום עולם", "שלום עולם"},
		{"zero-width joiner kept", "👩\u200D💻", "👩\u200D💻"},
		{"replacement character dropped", "a\uFFFDb", "a b"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := clean(tc.in); got != tc.want {
				t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCut(t *testing.T) {
	long := strings.Repeat("a", 100)
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short unchanged", "abc", 5, "abc"},
		{"exactly max unchanged", "abcde", 5, "abcde"},
		{"one over", "abcdef", 5, "abcd…"},
		{"long", long, MaxLabel, strings.Repeat("a", MaxLabel-1) + "…"},
		{"trailing space trimmed before ellipsis", "abc defgh", 5, "abc…"},
		{"multibyte runes counted as one", "ééééééé", 5, "éééé…"},
		{"combining accent kept with its letter", "abce\u0301fg", 5, "abc…"},
		{"emoji ZWJ sequence not split", "ab👩\u200D💻cd", 5, "ab…"},
		{"skin tone kept with emoji", "abc👍\U0001F3FDxyz", 5, "abc…"},
		{"variation selector kept", "abc❤\uFE0Fxyz", 5, "abc…"},
		{"flag pair not split", "ab\U0001F1EB\U0001F1F7xyz", 4, "ab…"},
		{"whole flag kept when it fits", "ab\U0001F1EB\U0001F1F7xyz", 5, "ab\U0001F1EB\U0001F1F7…"},
		{"second flag not split", "\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EAxyz", 4, "\U0001F1EB\U0001F1F7…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cut(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("cut(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > tc.max {
				t.Errorf("cut(%q, %d) has %d runes", tc.in, tc.max, n)
			}
			if !utf8.ValidString(got) {
				t.Errorf("cut(%q, %d) = %q is not valid UTF-8", tc.in, tc.max, got)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ goos, in, want string }{
		{"linux", "Rock_n_Roll & Co", "Rock__n__Roll & Co"},
		{"freebsd", "a_b", "a__b"},
		{"windows", "Rock_n_Roll & Co", "Rock_n_Roll && Co"},
		{"windows", "&&", "&&&&"},
		{"darwin", "Rock_n_Roll & Co", "Rock_n_Roll & Co"},
	} {
		if got := escape(tc.in, tc.goos); got != tc.want {
			t.Errorf("escape(%q, %s) = %q, want %q", tc.in, tc.goos, got, tc.want)
		}
	}
}

// The cut counts what the user sees: escaping happens after it, so a title
// full of underscores is cut at the same place as any other.
func TestLabelCutsBeforeEscaping(t *testing.T) {
	in := strings.Repeat("_", 100)
	got := label(in, "linux")
	want := strings.Repeat("__", MaxLabel-1) + "…"
	if got != want {
		t.Errorf("label = %q, want %q", got, want)
	}
}

func TestTooltipText(t *testing.T) {
	if got := tooltipText("linux", "a_b", "", "  ", "c\nd"); got != "a_b\nc d" {
		t.Errorf("tooltip = %q", got)
	}
	// Windows keeps 127 UTF-16 units; astral characters take two.
	lines := []string{strings.Repeat("x", 50), strings.Repeat("y", 50), strings.Repeat("😀", 50)}
	got := tooltipText("windows", lines...)
	if n := len(utf16.Encode([]rune(got))); n > maxWindowsTooltip {
		t.Errorf("Windows tooltip has %d UTF-16 units: %q", n, got)
	}
	if !strings.HasSuffix(got, "😀…") {
		t.Errorf("Windows tooltip should end in whole emoji and an ellipsis: %q", got)
	}
	if got := tooltipText("windows", "short"); got != "short" {
		t.Errorf("short Windows tooltip changed: %q", got)
	}
}

func TestTooltipAmpersands(t *testing.T) {
	long := strings.Repeat("x", 59) // a line of 60 with the "&"
	tests := []struct {
		goos  string
		lines []string
		want  string
	}{
		{"windows", []string{"snake_case & Sunsets"}, "snake_case && Sunsets"},
		{"windows", []string{"&&", "A&B — C&"}, "&&&&\nA&&B — C&&"},
		{"linux", []string{"snake_case & Sunsets"}, "snake_case & Sunsets"},
		{"darwin", []string{"snake_case & Sunsets"}, "snake_case & Sunsets"},
		// Escaped, the first two lines and their breaks take 124 units of
		// 127: the cut counts each "&" as the two it becomes, so "…" still
		// fits and no "&&" is left half.
		{"windows", []string{long + "&", long + "&", "&&&"}, long + "&&\n" + long + "&&\n&&…"},
		{"windows", []string{long + "&", long + "&", "a&&"}, long + "&&\n" + long + "&&\na…"},
	}
	for _, tc := range tests {
		got := tooltipText(tc.goos, tc.lines...)
		if got != tc.want {
			t.Errorf("tooltipText(%s, %q) =\n%q, want\n%q", tc.goos, tc.lines, got, tc.want)
		}
		if n := len(utf16.Encode([]rune(got))); tc.goos == "windows" && n > maxWindowsTooltip {
			t.Errorf("tooltipText(%s, %q) has %d UTF-16 units", tc.goos, tc.lines, n)
		}
	}
}
