// Package text is the one sanitizer for text that reaches a person from
// outside spotray: names and messages from Spotify, a local player, a
// browser's callback or a pasted setting. Each source applies Line once,
// where its data enters; everything downstream (menu labels, the tooltip,
// notifications, pages, terminal output) can then rely on single, safe
// lines and only shortens or escapes them for its medium.
package text

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Line makes s safe to show on one line and at most max runes long (max 0
// or less: no limit):
//   - control characters, line and paragraph separators and other spaces
//     become one space, and leading and trailing space goes, so that a name
//     cannot break a menu label, a log line or a terminal (escape
//     sequences are control characters);
//   - invalid UTF-8 is dropped like a control character;
//   - the explicit bidirectional formatting characters (embeddings,
//     overrides, isolates and the direction marks) are dropped, so that a
//     title cannot reverse the text after it: "Title — Artist" is composed
//     from several fields and an unbalanced override in one would reorder
//     the others;
//   - a cut ends in "…" and never splits a user-perceived character (see
//     Cut).
func Line(s string, max int) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				space = b.Len() > 0
				continue
			}
		}
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
	if max <= 0 {
		return b.String()
	}
	return Cut(b.String(), max)
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

// Cut shortens s to at most max runes, ending in "…" when something was
// removed. It never cuts inside a character, and it backs off so that a
// combining accent, an emoji sequence or a flag is kept whole or dropped
// whole.
func Cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	n := max - 1 // room for "…"
	for n > 0 && splitsCluster(r, n) {
		n--
	}
	return strings.TrimRight(string(r[:n]), " ") + "…"
}

// CutUTF16 shortens s to at most max UTF-16 code units, the unit Windows
// counts in, with "…" when something was removed.
func CutUTF16(s string, max int) string { return CutUnits(s, max, utf16.RuneLen) }

// CutUnits shortens s so that its characters, each counted as units(r),
// add up to at most max, with "…" (one unit) when something was removed.
// It keeps user-perceived characters whole, as Cut does.
func CutUnits(s string, max int, units func(rune) int) string {
	r := []rune(s)
	total := 0
	for _, c := range r {
		total += units(c)
	}
	if total <= max {
		return s
	}
	used := 1 // "…"
	n := 0
	for n < len(r) && used+units(r[n]) <= max {
		used += units(r[n])
		n++
	}
	for n > 0 && splitsCluster(r, n) {
		n--
	}
	return strings.TrimRight(string(r[:n]), " \n") + "…"
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
