package main_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/spotray/spotray/internal/testenv"
)

// EnvDeb names the .deb that TestInstalledPackage installs. .ci/run sets it
// to what dist/build made; it is opt-in because the test installs into the
// system and then purges the package.
const EnvDeb = "SPOTRAY_DEB"

// installedBinary is where the package puts spotray, and so what "Launch at
// login" must record.
const installedBinary = "/usr/bin/spotray"

// versionLine is what a dist/build binary prints for `spotray version`.
var versionLine = regexp.MustCompile(`^spotray (\S+) \(commit [0-9a-f]{8}, built \d{4}-\d\d-\d\d\)\n$`)

// TestInstalledPackage installs the .deb as a user would, runs the
// installed binary (its version, and the demo's tray on a private desktop),
// turns on Launch at login, upgrades the package under the running tray,
// checks that the login entry still starts the installed binary, and
// purges the package, checking that nothing of it is left.
func TestInstalledPackage(t *testing.T) {
	t.Parallel()
	deb := os.Getenv(EnvDeb)
	if deb == "" {
		testenv.Unavailable(t, EnvDeb+" names no .deb to install (.ci/run builds one with dist/build and sets it)")
	}
	testenv.Require(t, "dpkg", "dpkg-deb", "dpkg-query", "dbus-daemon")
	if os.Geteuid() != 0 && exec.Command("sudo", "-n", "true").Run() != nil {
		testenv.Unavailable(t, "installing a package needs root, or sudo without a password")
	}
	if installedVersion() != "" {
		t.Fatalf("spotray %s is installed already; this test would replace and purge it", installedVersion())
	}
	newVersion := debField(t, deb, "Version")
	files := debFiles(t, deb)

	// The upgrade starts from the same package under a lower version: what
	// is tested is dpkg replacing spotray's files, not what changed in them.
	older := repack(t, deb, "0~previous-1")
	if err := exec.Command("dpkg", "--compare-versions", "0~previous-1", "lt", newVersion).Run(); err != nil {
		t.Fatalf("version %s does not sort after 0~previous-1", newVersion)
	}
	t.Cleanup(func() {
		if installedVersion() != "" {
			dpkg(t, "--purge", "spotray")
		}
	})
	dpkg(t, "-i", older)
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("installed package: %v", err)
		}
	}

	h := newHome(t, nil)
	h.bin = installedBinary
	stdout, stderr, code := h.run("version")
	m := versionLine.FindStringSubmatch(stdout)
	if code != 0 || m == nil {
		t.Fatalf("%s version: exit %d, %q %q; want a line like %q", installedBinary, code, stdout, stderr,
			"spotray 1.2.0 (commit 0123abcd, built 2026-12-02)")
	}
	if upstream, _, _ := strings.Cut(newVersion, "-"); m[1] != upstream {
		t.Errorf("%s says version %s, the package is %s", installedBinary, m[1], newVersion)
	}

	d := newDesk(t)
	demo := startTray(t, h, d, "demo")
	demo.item().WaitMenu(notConnectedMenu...)
	stop(t, demo)

	// The demo keeps Launch at login in memory; the real tray writes it.
	p := startTray(t, h, d)
	p.item().WaitMenu(notConnectedMenu...)
	entry := filepath.Join(filepath.Dir(h.Paths.ConfigDir), "autostart", "spotray.desktop")
	p.item().Click("Launch at login")
	p.item().WaitMenu("Connect Spotify", "---", "[x] Notifications", "[x] Launch at login", "---", "Quit")
	checkAutostart(t, entry)

	// Upgrade under the running tray: dpkg renames the new file over the
	// old one, so the kernel now calls the running executable
	// "/usr/bin/spotray (deleted)". Switching Launch at login off and on
	// again must still record the path, not that.
	dpkg(t, "-i", deb)
	if v := installedVersion(); v != newVersion {
		t.Fatalf("after the upgrade dpkg has spotray %q, want %q", v, newVersion)
	}
	checkAutostart(t, entry)
	p.item().Click("Launch at login")
	p.item().WaitMenu(notConnectedMenu...)
	p.item().Click("Launch at login")
	p.item().WaitMenu("Connect Spotify", "---", "[x] Notifications", "[x] Launch at login", "---", "Quit")
	checkAutostart(t, entry)

	stop(t, p)
	dpkg(t, "--purge", "spotray")
	if v := installedVersion(); v != "" {
		t.Errorf("after the purge dpkg still has spotray %s", v)
	}
	for _, f := range append(files, "/usr/share/doc/spotray") {
		if _, err := os.Lstat(f); !os.IsNotExist(err) {
			t.Errorf("%s is left after the purge (%v)", f, err)
		}
	}
}

// stop ends a tray as the session's end does.
func stop(t *testing.T, p *trayProc) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Errorf("the installed spotray exited with %d on SIGTERM", code)
	}
}

// checkAutostart checks that the XDG autostart entry starts the installed
// binary, and that the binary is there to be started.
func checkAutostart(t *testing.T, entry string) {
	t.Helper()
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatalf("autostart entry: %v", err)
	}
	var command string
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "Exec="); ok {
			command = v
		}
	}
	if command != installedBinary {
		t.Errorf("autostart entry runs %q, want %q:\n%s", command, installedBinary, data)
	}
	if info, err := os.Stat(installedBinary); err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("the autostart entry's program cannot be started: %v", err)
	}
}

// installedVersion is the version dpkg has installed, "" for none.
func installedVersion() string {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${db:Status-Abbrev}${Version}", "spotray").Output()
	if err != nil || !strings.HasPrefix(string(out), "ii") {
		return ""
	}
	return strings.TrimSpace(string(out[3:]))
}

func dpkg(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("dpkg", args...)
	if os.Geteuid() != 0 {
		cmd = exec.Command("sudo", append([]string{"-n", "dpkg"}, args...)...)
	}
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func debField(t *testing.T, deb, field string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "--field", deb, field).Output()
	if err != nil {
		t.Fatalf("dpkg-deb --field %s %s: %v", deb, field, err)
	}
	return strings.TrimSpace(string(out))
}

// debFiles lists the files (not directories) the package installs.
func debFiles(t *testing.T, deb string) []string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "--contents", deb).Output()
	if err != nil {
		t.Fatalf("dpkg-deb --contents %s: %v", deb, err)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		name := strings.TrimPrefix(fields[len(fields)-1], ".")
		if !strings.HasSuffix(name, "/") {
			files = append(files, name)
		}
	}
	if len(files) < 5 {
		t.Fatalf("%s holds only %q", deb, files)
	}
	return files
}

// repack writes a copy of deb with another version.
func repack(t *testing.T, deb, version string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pkg")
	if out, err := exec.Command("dpkg-deb", "--raw-extract", deb, dir).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --raw-extract: %v\n%s", err, out)
	}
	control := filepath.Join(dir, "DEBIAN", "control")
	data, err := os.ReadFile(control)
	if err != nil {
		t.Fatal(err)
	}
	data = regexp.MustCompile(`(?m)^Version: .*$`).ReplaceAll(data, []byte("Version: "+version))
	if err := os.WriteFile(control, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "spotray_"+version+".deb")
	if b, err := exec.Command("dpkg-deb", "--root-owner-group", "--build", dir, out).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --build: %v\n%s", err, b)
	}
	return out
}
