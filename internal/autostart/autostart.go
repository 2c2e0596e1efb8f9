// Package autostart makes spotray start when the user logs in, in the way
// each desktop expects: an XDG autostart entry on Linux and the BSDs, a
// LaunchAgent on macOS, a Run registry value on Windows. Locations are
// looked up at each call, not at start-up, so tests and users can redirect
// them through the environment.
package autostart

import (
	"encoding/xml"
	"strings"
)

// Enabled reports whether spotray starts at login. On Linux an autostart
// entry switched off by desktop settings (Hidden=true or
// X-GNOME-Autostart-enabled=false) counts as not enabled.
func Enabled() (bool, error) { return enabled() }

// Enable makes exe, the absolute path of the spotray executable, start at
// login (with no arguments: the tray).
func Enable(exe string) error { return enable(exe) }

// Disable stops spotray from starting at login. It is not an error if it
// was not enabled.
func Disable() error { return disable() }

// desktopEntry is the XDG autostart file that runs args.
func desktopEntry(args ...string) string {
	return "[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=spotray\n" +
		"Comment=Shows what Spotify is playing in the system tray\n" +
		"Exec=" + execLine(args) + "\n" +
		"Icon=spotray\n" +
		"Terminal=false\n" +
		"X-GNOME-Autostart-enabled=true\n"
}

// execLine is the value of an Exec key that runs args, following the
// Desktop Entry specification: an argument with a reserved character is
// double-quoted with `"`, "`", "$" and "\" backslash-escaped inside, "%"
// is doubled as it starts field codes, and then the whole value gets the
// general string escapes (so a backslash from the quoting is written "\\").
func execLine(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, execReserved) {
			a = `"` + execQuoter.Replace(a) + `"`
		}
		quoted[i] = strings.ReplaceAll(a, "%", "%%")
	}
	return stringEscaper.Replace(strings.Join(quoted, " "))
}

// execReserved are the characters that make the specification require
// quoting an Exec argument.
const execReserved = " \t\n\"'\\><~|&;$*?#()`"

var (
	execQuoter    = strings.NewReplacer(`"`, `\"`, "`", "\\`", `$`, `\$`, `\`, `\\`)
	stringEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
)

// launchAgentLabel names the macOS LaunchAgent, reverse-DNS as launchd wants.
const launchAgentLabel = "io.github.spotray"

// launchAgent is the macOS LaunchAgent property list that runs args at
// login.
func launchAgent(args ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + launchAgentLabel + `</string>
	<key>ProgramArguments</key>
	<array>
`)
	for _, a := range args {
		b.WriteString("\t\t<string>")
		xml.EscapeText(&b, []byte(a))
		b.WriteString("</string>\n")
	}
	b.WriteString(`	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
</dict>
</plist>
`)
	return b.String()
}

// runCommand is the command line of the Windows Run value for exe: quoted,
// since the path usually contains spaces ("C:\Program Files\...") and
// cannot contain a double quote.
func runCommand(exe string) string { return `"` + exe + `"` }
