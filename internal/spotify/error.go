package spotify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spotray/spotray/internal/text"
)

// ReasonQuotaExceeded is the 429 reason Spotify gives when the quota shared
// by all apps of one developer account is used up (since July 2026).
const ReasonQuotaExceeded = "QUOTA_EXCEEDED"

// The reasons Spotify gives for refusing a playback command.
const (
	ReasonPremiumRequired = "PREMIUM_REQUIRED" // 403: only Premium accounts may control playback
	ReasonNoActiveDevice  = "NO_ACTIVE_DEVICE" // 404: nothing to control
)

// ScopeMissing reports whether e is Spotify's refusal of a call the
// login's grant does not cover (403 "Insufficient client scope"), which
// only a new login that asks for the scope fixes.
func ScopeMissing(e *Error) bool {
	return e.Status == http.StatusForbidden && strings.Contains(strings.ToLower(e.Message), "scope")
}

// Bounds for a 429's Retry-After.
const (
	// DefaultRetryAfter applies when a 429 has no usable Retry-After: it is
	// the length of Spotify's rolling rate-limit window, so waiting that long
	// always lets the window drain.
	DefaultRetryAfter = 30 * time.Second
	// minRetryAfter keeps "Retry-After: 0" from turning into a tight loop.
	minRetryAfter = time.Second
	// maxRetryAfter caps absurd values so a garbled header cannot silence the
	// app for longer than a day; quota resets are daily at most.
	maxRetryAfter = 24 * time.Hour
)

// maxMessage bounds how much of Spotify's error message reaches the user.
const maxMessage = 200

// Error is a Web API answer other than success. It is returned as *Error;
// use errors.As to read it.
type Error struct {
	Status  int    // HTTP status code
	Message string // Spotify's error.message, else the status text; one line
	Reason  string // Spotify's error.reason, e.g. QUOTA_EXCEEDED or PREMIUM_REQUIRED
	// RetryAfter is how long to wait before the next request; set for 429
	// only (from the Retry-After header, DefaultRetryAfter when absent).
	RetryAfter time.Duration
}

// Error says what went wrong in words a user can act on.
func (e *Error) Error() string {
	if e.Status == http.StatusTooManyRequests {
		what := "Spotify rate limit"
		if e.Reason == ReasonQuotaExceeded {
			what = "Spotify quota exceeded (shared by all apps of your developer account)"
		}
		return fmt.Sprintf("%s: retry in %s", what, e.RetryAfter)
	}
	msg := fmt.Sprintf("Spotify API %d: %s", e.Status, e.Message)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// apiError builds the *Error for a non-success answer. The body is Spotify's
// {"error":{"status":..,"message":..,"reason":..}} when things go as
// documented; anything else (HTML from a proxy, nothing at all) falls back to
// the status text rather than echoing unknown content.
func apiError(status int, header http.Header, body []byte, now time.Time) *Error {
	var doc struct {
		Error struct {
			Message string `json:"message"`
			Reason  string `json:"reason"`
		} `json:"error"`
	}
	e := &Error{Status: status}
	if json.Unmarshal(body, &doc) == nil {
		e.Message = text.Line(doc.Error.Message, maxMessage)
		e.Reason = text.Line(doc.Error.Reason, maxMessage)
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if e.Message == "" {
		e.Message = "unexpected answer"
	}
	if status == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(header.Get("Retry-After"), now)
	}
	return e
}

// retryAfter reads a Retry-After value: delay-seconds (what Spotify sends)
// or an HTTP date, clamped to [minRetryAfter, maxRetryAfter].
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultRetryAfter
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	} else {
		return DefaultRetryAfter
	}
	return min(max(d, minRetryAfter), maxRetryAfter)
}
