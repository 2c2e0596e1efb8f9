package fakespotify

import (
	"bytes"
	"cmp"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind is a way for an endpoint to misbehave.
type FaultKind int

const (
	// FaultNone serves normally.
	FaultNone FaultKind = iota
	// FaultStatus answers Fault.Status (default 503) with Spotify's error JSON.
	FaultStatus
	// FaultHang holds the request until its context ends, the fault is
	// cleared (then it is served normally) or the server closes.
	FaultHang
	// FaultReset closes the connection with a TCP reset, no response. Go's
	// http.Transport retries a GET reset on a reused keep-alive connection
	// once, so such a request can count twice against Fault.Times.
	FaultReset
	// FaultTruncatedJSON serves the normal response cut in half (a 200 with
	// half a JSON document when the normal answer has no body).
	FaultTruncatedJSON
	// FaultMalformedJSON answers 200 with a body that is not JSON.
	FaultMalformedJSON
	// FaultEmptyBody answers 200 with an empty body.
	FaultEmptyBody
	// FaultRateLimit answers 429 with Retry-After: Fault.RetryAfter in
	// seconds (rounded up, default 1); with Fault.Quota the body is the July
	// 2026 one with "reason":"QUOTA_EXCEEDED".
	FaultRateLimit
	// FaultUnauthorized answers 401 "The access token expired" to every
	// API call, whatever the token.
	FaultUnauthorized
	// FaultInvalidGrant (token endpoint) answers every refresh_token grant
	// with invalid_grant and Fault.Message (default "Refresh token revoked").
	FaultInvalidGrant
)

// Fault describes a misbehaviour. Fields other than Kind apply where the
// kind's doc says so.
type Fault struct {
	Kind       FaultKind
	Status     int           // FaultStatus
	RetryAfter time.Duration // FaultRateLimit
	Quota      bool          // FaultRateLimit
	Message    string        // overrides the error message or description
	// Times is how many requests the fault affects before it clears itself;
	// 0 means until cleared.
	Times int
}

// SetAPIFault makes every /v1/ request misbehave as f says.
func (s *Server) SetAPIFault(f Fault) { s.setFault(apiTarget, f) }

// SetTokenFault makes every /api/token request misbehave as f says.
func (s *Server) SetTokenFault(f Fault) { s.setFault(tokenTarget, f) }

// setFault replaces t's fault; requests hanging on the old one go on to the
// new one.
func (s *Server) setFault(t target, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[t] = f
	s.releaseLocked()
}

// ClearFaults ends every fault and lets hanging requests proceed.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = [targets]Fault{}
	s.releaseLocked()
}

// target is an endpoint group a fault applies to.
type target int

const (
	apiTarget target = iota
	tokenTarget
	targets
)

// consumeFaultLocked counts one affected request against Fault.Times.
func (s *Server) consumeFaultLocked(t target) {
	f := &s.faults[t]
	if f.Times == 0 {
		return
	}
	if f.Times--; f.Times == 0 {
		*f = Fault{}
	}
}

// Bodies for the faults that answer 200 with something unusable.
const (
	malformedBody = `{"is_playing": true, "item": <html>Bad gateway</html>`
	truncatedFill = `{"timestamp":1700000000000,"context":null,"progress_ms":1000,"item":{"name":"Trunc`
)

// withFault serves r with next unless a fault for t says otherwise.
func (s *Server) withFault(t target, w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
	s.mu.Lock()
	f := s.faults[t]
	released := s.released
	if f.Kind != FaultNone && f.Kind != FaultInvalidGrant {
		s.consumeFaultLocked(t)
	}
	s.mu.Unlock()

	switch f.Kind {
	case FaultStatus:
		status := cmp.Or(f.Status, http.StatusServiceUnavailable)
		msg := cmp.Or(f.Message, http.StatusText(status))
		if t == tokenTarget {
			http.Error(w, msg, status)
			return
		}
		apiError(w, status, msg)
	case FaultHang:
		select {
		case <-r.Context().Done():
		case <-released:
			s.withFault(t, w, r, next)
		}
	case FaultReset:
		resetConnection(w)
	case FaultTruncatedJSON:
		rec := &recorder{header: w.Header()}
		next(rec, r)
		body := rec.body.Bytes()
		if len(body) < 2 {
			body = []byte(truncatedFill)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body[:len(body)/2])
	case FaultMalformedJSON:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(malformedBody))
	case FaultEmptyBody:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
	case FaultRateLimit:
		secs := int64((max(f.RetryAfter, time.Second) + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		body := apiErrorBody{Status: http.StatusTooManyRequests, Message: cmp.Or(f.Message, "API rate limit exceeded")}
		if f.Quota {
			body.Message, body.Reason = cmp.Or(f.Message, "Too many requests"), "QUOTA_EXCEEDED"
		}
		writeJSON(w, http.StatusTooManyRequests, map[string]apiErrorBody{"error": body})
	case FaultUnauthorized:
		apiError(w, http.StatusUnauthorized, cmp.Or(f.Message, msgExpired))
	default: // FaultNone, and FaultInvalidGrant which the token grant handles
		next(w, r)
	}
}

// resetConnection drops the connection with an RST, as a dying proxy does.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil { // HTTP/2 or a recorder: abort the response instead
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// recorder keeps a response body so a fault can cut it; headers go straight
// to the real response and the status is dropped in favour of 200.
type recorder struct {
	header http.Header
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(int)             {}
