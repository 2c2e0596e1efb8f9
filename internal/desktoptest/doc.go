// Package desktoptest gives tests a private desktop to run spotray against:
// a session bus of their own, a fake notification daemon and a fake
// StatusNotifierWatcher (the tray panel's side of the protocol) that record
// every call, an Xvfb display, and a way to read its clipboard. Everything
// started is stopped by the test's cleanup.
//
// The helpers need dbus-daemon, Xvfb and xclip; they call testenv.Require, so
// on a machine without them the test is skipped (and fails under CI=true).
package desktoptest
