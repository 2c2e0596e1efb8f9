package menu

import (
	"strings"
	"unicode/utf16"

	"github.com/spotray/spotray/internal/text"
)

// MaxLabel is the longest menu label in characters (runes, "…" included).
// Longer track titles would make the menu as wide as the screen.
const MaxLabel = 60

// maxWindowsTooltip is what Shell_NotifyIcon keeps of a tooltip: 128 UTF-16
// units including the terminating NUL.
const maxWindowsTooltip = 127

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

// label turns display text (already one safe line: see package text) into
// a menu label for goos. The cut counts what the user sees, so it comes
// before escaping.
func label(s, goos string) string {
	return escape(text.Cut(s, MaxLabel), goos)
}

// tooltipText joins the tooltip's lines, each cut like a label, and on
// Windows escapes them and keeps within the Windows limit.
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
		if l = text.Cut(strings.TrimSpace(l), MaxLabel); l != "" {
			kept = append(kept, l)
		}
	}
	t := strings.Join(kept, "\n")
	if goos == "windows" {
		t = strings.ReplaceAll(text.CutUnits(t, maxWindowsTooltip, windowsUnits), "&", "&&")
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
