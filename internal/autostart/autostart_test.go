package autostart

import (
	"encoding/xml"
	"slices"
	"strings"
	"testing"
)

func TestExecLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // as written in the file
	}{
		{[]string{"/usr/bin/spotray"}, `/usr/bin/spotray`},
		{[]string{"/usr/bin/spotray", "--debug"}, `/usr/bin/spotray --debug`},
		{[]string{"/home/a b/spotray"}, `"/home/a b/spotray"`},
		{[]string{"/opt/100%/spotray"}, `/opt/100%%/spotray`},
		{[]string{"/opt/100% x/spotray"}, `"/opt/100%% x/spotray"`},
		{[]string{`/a"b`}, `"/a\\"b"`},
		{[]string{`/a$b`}, `"/a\\$b"`},
		{[]string{"/a`b"}, "\"/a\\\\`b\""},
		{[]string{`/a\b`}, `"/a\\\\b"`},
		{[]string{`/a'b`}, `"/a'b"`},
		{[]string{`~/bin/spotray`}, `"~/bin/spotray"`},
		{[]string{`/a;b&c|d`}, `"/a;b&c|d"`},
		{[]string{`/a(b)*?#<>`}, `"/a(b)*?#<>"`},
		{[]string{"/a\tb"}, `"/a\tb"`},
		{[]string{"/a\nb"}, `"/a\nb"`},
		{[]string{""}, `""`},
		{[]string{"/é/日本/spotray"}, `/é/日本/spotray`},
		{[]string{`/x y/$HOME "q" 50%\`}, `"/x y/\\$HOME \\"q\\" 50%%\\\\"`},
	} {
		if got := execLine(tc.args); got != tc.want {
			t.Errorf("execLine(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestDesktopEntry(t *testing.T) {
	got := desktopEntry("/home/me/My Apps/spotray")
	for _, line := range []string{
		"[Desktop Entry]", "Type=Application", "Name=spotray", "Icon=spotray", "Terminal=false",
		"X-GNOME-Autostart-enabled=true", `Exec="/home/me/My Apps/spotray"`,
	} {
		if !slices.Contains(strings.Split(got, "\n"), line) {
			t.Errorf("entry lacks line %q:\n%s", line, got)
		}
	}
	if !strings.HasPrefix(got, "[Desktop Entry]\n") || !strings.Contains(got, "\nComment=") {
		t.Errorf("entry:\n%s", got)
	}
}

func TestLaunchAgent(t *testing.T) {
	for _, exe := range []string{
		"/Applications/spotray.app/Contents/MacOS/spotray",
		"/Users/me/Tools & <Things>/spot\"ray's",
	} {
		var plist struct {
			Dict struct {
				Keys    []string  `xml:"key"`
				Strings []string  `xml:"string"`
				Args    []string  `xml:"array>string"`
				True    *struct{} `xml:"true"`
			} `xml:"dict"`
		}
		text := launchAgent(exe)
		if err := xml.Unmarshal([]byte(text), &plist); err != nil {
			t.Fatalf("launchAgent(%q) is not XML: %v\n%s", exe, err, text)
		}
		d := plist.Dict
		if !slices.Equal(d.Keys, []string{"Label", "ProgramArguments", "RunAtLoad", "ProcessType"}) ||
			!slices.Equal(d.Args, []string{exe}) || d.True == nil || d.Strings[0] != "io.github.spotray" {
			t.Errorf("launchAgent(%q) decodes to %+v\n%s", exe, d, text)
		}
	}
}

func TestRunCommand(t *testing.T) {
	exe := `C:\Program Files\spotray\spotray.exe`
	if got, want := runCommand(exe), `"C:\Program Files\spotray\spotray.exe"`; got != want {
		t.Errorf("runCommand = %s, want %s", got, want)
	}
}
