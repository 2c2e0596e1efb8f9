package text

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
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
			if got := Line(tc.in, 0); got != tc.want {
				t.Errorf("Line(%q, 0) = %q, want %q", tc.in, got, tc.want)
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
		{"long", long, 60, strings.Repeat("a", 60-1) + "…"},
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
			got := Cut(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > tc.max {
				t.Errorf("Cut(%q, %d) has %d runes", tc.in, tc.max, n)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Cut(%q, %d) = %q is not valid UTF-8", tc.in, tc.max, got)
			}
		})
	}
}

func TestLineCutsAfterCleaning(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"a\n\n\nb", 3, "a b"},
		{"abc\u202Edef", 4, "abc…"},
		{"  abcdef  ", 0, "abcdef"},
		{"bad \xff\xfe bytes", 0, "bad bytes"},
		{strings.Repeat("x", 300), 200, strings.Repeat("x", 199) + "…"},
	} {
		if got := Line(tc.in, tc.max); got != tc.want {
			t.Errorf("Line(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestCutUTF16(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"abcdef", 4, "abc…"},
		{"ab😀cd", 4, "ab…"},
		{"a😀bc", 4, "a😀…"},
		{"abc\ndef", 5, "abc…"},
	} {
		got := CutUTF16(tc.in, tc.max)
		if got != tc.want {
			t.Errorf("CutUTF16(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
		if n := len(utf16.Encode([]rune(got))); n > tc.max {
			t.Errorf("CutUTF16(%q, %d) has %d units", tc.in, tc.max, n)
		}
	}
}
