package tray

import (
	"strings"
	"unicode"
	"unicode/utf16"
)

// MaxLabel is the longest menu label in characters (runes, "…" included).
// Longer track titles would make the menu as wide as the screen.
const MaxLabel = 60

// maxWindowsTooltip is what Shell_NotifyIcon keeps of a tooltip: 128 UTF-16
// units including the terminating NUL.
const maxWindowsTooltip = 127

// clean makes text from Spotify safe to show on one line: control
// characters and line breaks become spaces, runs of spaces collapse, and the
// explicit bidirectional formatting characters are dropped so that a title
// cannot reverse the rest of the label (or the menu entry below it).
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case isBidiControl(r):
			continue
		case unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' || r == unicode.ReplacementChar:
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isBidiControl reports the characters that change the direction of the
// text around them: embeddings, overrides, isolates and the direction marks.
func isBidiControl(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// cut shortens s to at most max runes, ending in "…" when something was
// removed. It never cuts inside a character, and it backs off so that a
// combining accent, an emoji sequence or a flag is kept whole or dropped
// whole.
func cut(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	n := max - 1 // room for "…"
	for n > 0 && splitsCluster(r, n) {
		n--
	}
	return strings.TrimRight(string(r[:n]), " ") + "…"
}

// splitsCluster reports whether ending the text before r[i] would split a
// user-perceived character. It knows the common cases (combining marks,
// zero-width joiners, variation selectors, skin-tone modifiers, tags and
// regional-indicator pairs) rather than all of Unicode's segmentation rules.
func splitsCluster(r []rune, i int) bool {
	c, prev := r[i], r[i-1]
	switch {
	case unicode.In(c, unicode.Mn, unicode.Me, unicode.Mc),
		c == '\u200D', prev == '\u200D',
		c >= '\uFE00' && c <= '\uFE0F',
		c >= 0xE0100 && c <= 0xE01EF, // variation selectors supplement
		c >= 0x1F3FB && c <= 0x1F3FF, // skin tones
		c >= 0xE0020 && c <= 0xE007F: // tag sequences (subdivision flags)
		return true
	case isRegionalIndicator(c) && isRegionalIndicator(prev):
		run := 0
		for j := i - 1; j >= 0 && isRegionalIndicator(r[j]); j-- {
			run++
		}
		return run%2 == 1
	}
	return false
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// escape protects characters a menu would read as a keyboard-accelerator
// marker: dbusmenu (Linux and the BSDs) takes "_", Windows menus take "&".
// macOS menus take neither.
func escape(s, goos string) string {
	switch goos {
	case "windows":
		return strings.ReplaceAll(s, "&", "&&")
	case "darwin":
		return s
	}
	return strings.ReplaceAll(s, "_", "__")
}

// label turns display text into a menu label for goos.
func label(s, goos string) string {
	return escape(cut(clean(s), MaxLabel), goos)
}

// tooltipText joins the tooltip's lines, each cleaned and cut like a label,
// and on Windows escapes and keeps within the Windows limit.
//
// Linux panels and macOS show a tooltip as plain text. The Windows
// notification area shows it in a tooltip control that reads "&" as a
// prefix marker, as menus do: a lone "&" disappears and underlines the
// character after it ("snake_case & Sunsets" shows as "snake_case _Sunsets"),
// while "&&" shows one "&". The limit counts the escaped text, so the cut
// never separates the two halves of an "&&".
func tooltipText(goos string, lines ...string) string {
	var kept []string
	for _, l := range lines {
		if l = cut(clean(l), MaxLabel); l != "" {
			kept = append(kept, l)
		}
	}
	t := strings.Join(kept, "\n")
	if goos == "windows" {
		t = strings.ReplaceAll(cutUTF16(t, maxWindowsTooltip), "&", "&&")
	}
	return t
}

// windowsUnits is how many UTF-16 code units r takes in a Windows tooltip
// once escaped.
func windowsUnits(r rune) int {
	if r == '&' {
		return 2
	}
	return utf16.RuneLen(r)
}

// cutUTF16 shortens s so that, escaped for a Windows tooltip, it takes at
// most max UTF-16 code units, the unit Windows counts in, with "…" when
// something was removed.
func cutUTF16(s string, max int) string {
	r := []rune(s)
	total := 0
	for _, c := range r {
		total += windowsUnits(c)
	}
	if total <= max {
		return s
	}
	units := 1 // "…"
	n := 0
	for n < len(r) && units+windowsUnits(r[n]) <= max {
		units += windowsUnits(r[n])
		n++
	}
	for n > 0 && splitsCluster(r, n) {
		n--
	}
	return strings.TrimRight(string(r[:n]), " \n") + "…"
}
