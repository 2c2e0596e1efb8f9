package login

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/spotray/spotray/internal/config"
)

// redirect is the configured redirect URI, checked for use with a local
// listener.
type redirect struct {
	raw     string   // as configured: sent verbatim when it names a port
	u       *url.URL // parsed raw
	anyPort bool     // port 0 or none: bind any free port
}

// parseRedirect checks that raw (empty means config.DefaultRedirectURI) can
// receive the callback on this computer: config.ValidateRedirectURI admits
// only http://127.0.0.1 with a path, which this package can serve. A URI
// without a port, or with port 0, means "any free port": Spotify accepts any
// port for a loopback URI registered without one.
func parseRedirect(raw string) (redirect, error) {
	if raw == "" {
		raw = config.DefaultRedirectURI
	}
	if err := config.ValidateRedirectURI(raw); err != nil {
		return redirect{}, err // names the URI and the one to use instead
	}
	u, err := url.Parse(raw) // cannot fail after ValidateRedirectURI
	if err != nil {
		return redirect{}, fmt.Errorf("redirect URI: %w", err)
	}
	port := u.Port()
	return redirect{raw: raw, u: u, anyPort: port == "" || port == "0"}, nil
}

// listenAddr is where to listen: the redirect URI's loopback address, never
// all interfaces, because anyone who can reach the callback can try to feed
// it a code.
func (r redirect) listenAddr() string {
	port := r.u.Port()
	if r.anyPort {
		port = "0"
	}
	return net.JoinHostPort(r.u.Hostname(), port)
}

// listenError explains a failed listen in terms of what the user can change.
func (r redirect) listenError(err error, configFile string) error {
	if r.anyPort {
		return fmt.Errorf("%w: %w", ErrPortUnavailable, err)
	}
	example := *r.u
	example.Host = net.JoinHostPort(r.u.Hostname(), "8975")
	if r.u.Port() == "8975" {
		example.Host = net.JoinHostPort(r.u.Hostname(), "8976")
	}
	return fmt.Errorf("%w: %w; another program (or another spotray login) is using port %s: "+
		"choose another port with redirect_uri in %s or %s (for example %s) "+
		"and add exactly the same redirect URI to your app at %s",
		ErrPortUnavailable, err, r.u.Port(), configFile, config.EnvRedirectURI, example.String(), config.DashboardURL)
}

// site is the local web server as the browser sees it once the port is known.
type site struct {
	redirectURI  string // sent to Spotify in /authorize and the exchange
	registerURI  string // what the user adds in the Spotify dashboard
	host         string // the only Host header accepted
	callbackPath string
	setupPath    string // the setup page's address, printed and opened
}

func (r redirect) site(port int) site {
	host := net.JoinHostPort(r.u.Hostname(), strconv.Itoa(port))
	s := site{redirectURI: r.raw, registerURI: r.raw, host: host, callbackPath: r.u.Path, setupPath: "/setup"}
	if r.anyPort {
		used := *r.u
		used.Host = host
		s.redirectURI = used.String()
		bare := *r.u
		bare.Host = r.u.Hostname()
		s.registerURI = bare.String()
	}
	if s.callbackPath == s.setupPath {
		s.setupPath = "/"
	}
	return s
}
