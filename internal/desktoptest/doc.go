// Package desktoptest gives tests a private desktop to run spotray against,
// seen from outside as a user's desktop sees it: a session bus of their own,
// a fake notification daemon that records every call (NotificationServer), a
// fake tray panel (Panel) that records the items registering with it and
// reads and clicks their menus, tooltips and icons over D-Bus, an Xvfb
// display, a way to read its clipboard, and a log of the signals clients
// subscribe to (MatchRules). Everything started is stopped by the test's
// cleanup.
//
// The helpers need dbus-daemon, Xvfb and xclip; they call testenv.Require, so
// on a machine without them the test is skipped (and fails under CI=true).
// Waiting for effects is testenv.WaitFor's job.
package desktoptest
