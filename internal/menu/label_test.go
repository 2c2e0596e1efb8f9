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
