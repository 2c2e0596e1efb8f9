// Package buildinfo says which build of spotray is running: the version,
// commit and date that dist/build stamps in with -ldflags -X, or, for a
// plain `go install` or `go build`, what the Go toolchain recorded in the
// binary (the module version and the version-control stamp).
package buildinfo

import (
	"runtime/debug"
	"strings"
	"time"
)

// Set by dist/build with -ldflags "-X <this package>.version=1.2.0 ...".
// They are variables, not constants, because -X can only set variables; the
// date is the commit's time (RFC 3339), not the wall clock, so that two
// builds of one commit are identical.
var (
	version string
	commit  string
	date    string
)

// Info identifies a build. Empty fields are unknown.
type Info struct {
	// Version is the release version without a leading "v" ("1.2.0"), a Go
	// pseudo-version, or "(devel)" for a build from a checkout without one.
	Version string
	// Commit is the full revision the build was made from.
	Commit string
	// Date is when that commit was made, which for a release build is also
	// its build date (SOURCE_DATE_EPOCH).
	Date time.Time
	// Modified reports a build from a checkout with uncommitted changes.
	Modified bool
}

// Read returns the running binary's build information.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(version, commit, date, bi)
}

// resolve prefers the stamped values and fills what is missing from the
// toolchain's record, so that a release build and a `go install` both say
// as much as they can.
func resolve(version, commit, date string, bi *debug.BuildInfo) Info {
	info := Info{Version: version, Commit: commit}
	if date != "" {
		info.Date = parseDate(date)
	}
	if bi != nil {
		if info.Version == "" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if date == "" {
					info.Date = parseDate(s.Value)
				}
			case "vcs.modified":
				if commit == "" {
					info.Modified = s.Value == "true"
				}
			}
		}
	}
	// A module version is "v1.2.0"; packages and tags-as-versions say
	// "1.2.0", and one spelling everywhere is less confusing.
	if v, ok := strings.CutPrefix(info.Version, "v"); ok && v != "" && v[0] >= '0' && v[0] <= '9' {
		info.Version = v
	}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	return info
}

// parseDate accepts RFC 3339 (what git and the Go toolchain write) or a bare
// date; anything else is unknown rather than an error, since a version line
// must always print.
func parseDate(s string) time.Time {
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// String is the version line's text after "spotray ", e.g.
// "1.2.0 (commit 0123abcd, built 2026-12-02)".
func (i Info) String() string {
	var details []string
	if i.Commit != "" {
		c := i.Commit
		if len(c) > 8 {
			c = c[:8]
		}
		details = append(details, "commit "+c)
	}
	if i.Modified {
		details = append(details, "modified")
	}
	if !i.Date.IsZero() {
		details = append(details, "built "+i.Date.Format(time.DateOnly))
	}
	if len(details) == 0 {
		return i.Version
	}
	return i.Version + " (" + strings.Join(details, ", ") + ")"
}
