// Package dist holds the release build (dist/build) and the packaging files
// for distributions that build spotray themselves (an AUR PKGBUILD, a
// Flatpak manifest). Its tests check those files with the validators
// Debian ships, since neither makepkg nor a Flatpak SDK runs here.
package dist

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/testenv"
)

const (
	desktopFile = "../assets/spotray.desktop"
	metainfo    = "../assets/io.github.spotray.spotray.metainfo.xml"
	flatpak     = "flatpak/io.github.spotray.spotray.yml"
	pkgbuild    = "aur/PKGBUILD"
)

// run runs a validator and returns its output, failing the test with it if
// the validator failed.
func run(t *testing.T, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	return runIn(t, "", name, args...)
}

// runIn is run in the directory dir.
func runIn(t *testing.T, dir, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

func TestDesktopEntry(t *testing.T) {
	testenv.Require(t, "desktop-file-validate")
	out, stderr := run(t, "desktop-file-validate", desktopFile)
	// It exits 0 for hints too; a clean file prints nothing.
	if out+stderr != "" {
		t.Errorf("desktop-file-validate %s:\n%s%s", desktopFile, out, stderr)
	}
	data, err := os.ReadFile(desktopFile)
	if err != nil {
		t.Fatal(err)
	}
	// The packages install the binary on PATH and the icon in hicolor,
	// both named spotray; a path here would break the Flatpak's renaming.
	for _, line := range []string{"Exec=spotray", "Icon=spotray", "Terminal=false"} {
		if !slices.Contains(strings.Split(string(data), "\n"), line) {
			t.Errorf("%s lacks %q", desktopFile, line)
		}
	}
}

// component is the part of the AppStream metainfo the tests compare with
// the other packaging files.
type component struct {
	ID         string   `xml:"id"`
	Launchable string   `xml:"launchable"`
	Icon       string   `xml:"icon"`
	Images     []string `xml:"screenshots>screenshot>image"`
	Releases   []struct {
		Version string `xml:"version,attr"`
	} `xml:"releases>release"`
}

func readMetainfo(t *testing.T) component {
	t.Helper()
	data, err := os.ReadFile(metainfo)
	if err != nil {
		t.Fatal(err)
	}
	var c component
	if err := xml.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v", metainfo, err)
	}
	if len(c.Releases) == 0 {
		t.Fatalf("%s lists no releases", metainfo)
	}
	return c
}

func TestMetainfo(t *testing.T) {
	testenv.Require(t, "appstreamcli")
	run(t, "appstreamcli", "validate", "--no-net", metainfo)
	c := readMetainfo(t)
	if c.Launchable != filepath.Base(desktopFile) || c.Icon != "spotray" {
		t.Errorf("metainfo launches %q with icon %q; want %q and the desktop file's icon", c.Launchable, c.Icon, filepath.Base(desktopFile))
	}
	// Screenshots are fetched from the repository by URL; each must be a
	// file that is really there.
	const prefix = "https://raw.githubusercontent.com/spotray/spotray/main/"
	if len(c.Images) < 2 {
		t.Errorf("metainfo has %d screenshots, want the README's two", len(c.Images))
	}
	for _, u := range c.Images {
		rel, ok := strings.CutPrefix(strings.TrimSpace(u), prefix)
		if !ok {
			t.Errorf("screenshot %s is not in the repository (%s...)", u, prefix)
			continue
		}
		if _, err := os.Stat(filepath.Join("..", rel)); err != nil {
			t.Errorf("screenshot %s: %v", u, err)
		}
	}
	// The packages' changelog and the metainfo announce the same release.
	changelog, err := os.ReadFile("changelog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^- semver: (\S+)-\d+$`).FindSubmatch(changelog)
	if m == nil || string(m[1]) != c.Releases[0].Version {
		t.Errorf("changelog.yaml's newest release is %q, the metainfo's %q", m, c.Releases[0].Version)
	}
}

func TestFlatpakManifest(t *testing.T) {
	testenv.Require(t, "flatpak-builder")
	manifestPath, err := filepath.Abs(flatpak)
	if err != nil {
		t.Fatal(err)
	}
	// flatpak-builder leaves a .flatpak-builder state directory where it
	// runs, even for --show-manifest.
	out, stderr := runIn(t, t.TempDir(), "flatpak-builder", "--show-manifest", manifestPath)
	// An unknown key is only a warning, and one that would be ignored.
	if strings.Contains(stderr, "WARNING") {
		t.Errorf("flatpak-builder --show-manifest %s:\n%s", flatpak, stderr)
	}
	var manifest struct {
		ID         string   `json:"id"`
		Command    string   `json:"command"`
		FinishArgs []string `json:"finish-args"`
		Desktop    string   `json:"rename-desktop-file"`
		Icon       string   `json:"rename-icon"`
	}
	if err := json.Unmarshal([]byte(out), &manifest); err != nil {
		t.Fatalf("flatpak-builder --show-manifest: %v\n%s", err, out)
	}
	c := readMetainfo(t)
	if manifest.ID != c.ID || manifest.Command != "spotray" || manifest.Desktop != c.Launchable || manifest.Icon != c.Icon {
		t.Errorf("manifest: id %q, command %q, renames %q and icon %q; want %q, spotray, %q, %q",
			manifest.ID, manifest.Command, manifest.Desktop, manifest.Icon, c.ID, c.Launchable, c.Icon)
	}
	// What the tray, the notifications, the login and the clipboard need;
	// the manifest's comments say why.
	for _, arg := range []string{
		"--share=network",
		"--talk-name=org.kde.StatusNotifierWatcher",
		"--own-name=org.kde.*",
		"--talk-name=org.freedesktop.Notifications",
		"--socket=wayland",
		"--socket=fallback-x11",
	} {
		if !slices.Contains(manifest.FinishArgs, arg) {
			t.Errorf("manifest lacks finish-arg %s", arg)
		}
	}
}

// TestPKGBUILD checks what namcap would, short of building: the shell
// parses, and sourcing it defines every field the AUR requires and both
// functions.
func TestPKGBUILD(t *testing.T) {
	testenv.Require(t, "bash")
	run(t, "bash", "-n", pkgbuild)
	// A fresh bash, as makepkg sources it; each field prints as
	// NAME=count:first value, then declare -F names the functions.
	out, _ := run(t, "bash", "-c", `set -e
source "$1"
for v in pkgname pkgver pkgrel pkgdesc arch url license depends makedepends source sha256sums; do
	if ! declare -p "$v" >/dev/null 2>&1; then echo "$v=0:"; continue; fi
	eval 'echo "$v=${#'"$v"'[@]}:${'"$v"'[0]}"'
done
declare -F build package || true`, "pkgbuild", pkgbuild)
	fields := map[string]string{}
	counts := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			counts[k], fields[k], _ = strings.Cut(v, ":")
		}
	}
	for _, f := range []string{"pkgname", "pkgver", "pkgrel", "pkgdesc", "arch", "url", "license", "depends", "makedepends", "source", "sha256sums"} {
		if fields[f] == "" || counts[f] == "0" {
			t.Errorf("PKGBUILD: %s is empty or missing", f)
		}
	}
	for _, f := range []string{"build", "package"} {
		if !slices.Contains(strings.Split(out, "\n"), f) {
			t.Errorf("PKGBUILD: no %s() function", f)
		}
	}
	if counts["source"] != counts["sha256sums"] {
		t.Errorf("PKGBUILD: %s sources but %s sha256sums", counts["source"], counts["sha256sums"])
	}
	if fields["pkgname"] != "spotray" || !regexp.MustCompile(`^[0-9][0-9A-Za-z.]*$`).MatchString(fields["pkgver"]) {
		t.Errorf("PKGBUILD: pkgname %q, pkgver %q", fields["pkgname"], fields["pkgver"])
	}
	if v := readMetainfo(t).Releases[0].Version; fields["pkgver"] != v {
		t.Errorf("PKGBUILD packages %s, the newest release in the metainfo is %s", fields["pkgver"], v)
	}
}

// TestNfpmListsEveryIcon: nfpm.yaml names each icon size (a glob would
// flatten their directories), so a size added to assets/icons.sh must be
// added there too.
func TestNfpmListsEveryIcon(t *testing.T) {
	icons, err := filepath.Glob("../assets/hicolor/*/apps/spotray.png")
	if err != nil || len(icons) == 0 {
		t.Fatalf("no icons under assets/hicolor (%v)", err)
	}
	config, err := os.ReadFile("nfpm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, icon := range icons {
		rel := strings.TrimPrefix(filepath.ToSlash(icon), "../")
		dst := "/usr/share/icons/" + strings.TrimPrefix(rel, "assets/")
		if !bytes.Contains(config, []byte("src: "+rel+"\n    dst: "+dst+"\n")) {
			t.Errorf("nfpm.yaml does not install %s as %s", rel, dst)
		}
	}
}
