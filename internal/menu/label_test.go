package menu

import (
	"strings"
	"testing"
	"unicode/utf16"
)

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
	if got := tooltipText("linux", "a_b", "", "  ", "c d"); got != "a_b\nc d" {
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
