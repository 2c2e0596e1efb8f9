package fakespotify

import (
	"net/url"
	"strings"
)

// Texts of the pages Spotify shows when /authorize cannot even redirect back.
const (
	pageInvalidClient   = "INVALID_CLIENT: Invalid client"
	pageInvalidRedirect = "INVALID_CLIENT: Invalid redirect URI"
	pageInsecure        = "INVALID_CLIENT: Insecure redirect URI"
)

// redirectProblem returns "" when uri is one of registered, else the text of
// Spotify's error page. Insecurity is reported first: Spotify refuses such a
// URI whether or not it is registered.
func redirectProblem(registered []string, uri string) string {
	req, err := url.Parse(uri)
	if err != nil || uri == "" || !req.IsAbs() || req.Fragment != "" {
		return pageInvalidRedirect
	}
	if insecure(req) {
		return pageInsecure
	}
	for _, r := range registered {
		if redirectMatches(r, uri, req) {
			return ""
		}
	}
	return pageInvalidRedirect
}

// insecure reports a localhost URI (refused since 2025: loopback must be an
// IP literal) or plain http to anything but a loopback literal.
func insecure(u *url.URL) bool {
	if strings.EqualFold(u.Hostname(), "localhost") {
		return true
	}
	return u.Scheme == "http" && !loopbackLiteral(u.Hostname())
}

func loopbackLiteral(host string) bool { return host == "127.0.0.1" || host == "::1" }

// redirectMatches compares exactly (scheme, host, port, path, query, trailing
// slash), except that a loopback http URI registered without a port accepts
// any port (RFC 8252 section 7.3).
func redirectMatches(registered, raw string, req *url.URL) bool {
	if registered == raw {
		return true
	}
	reg, err := url.Parse(registered)
	if err != nil || reg.Scheme != "http" || reg.Port() != "" || !loopbackLiteral(reg.Hostname()) {
		return false
	}
	if req.Hostname() != reg.Hostname() {
		return false
	}
	portless := *req
	portless.Host = reg.Host
	return portless.String() == registered
}
