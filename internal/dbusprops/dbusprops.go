// Package dbusprops serves org.freedesktop.DBus.Properties for an object
// whose properties change as a whole.
//
// godbus's own prop package stores a new map value into the old map: keys
// the new value lacks stay (a track's album outlives the track), and the
// map changes while a GetAll reply that holds it is being encoded. Here a
// value is replaced, never changed in place, so replies can hold it.
package dbusprops

import (
	"fmt"
	"maps"
	"sync"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
)

// Interface is the standard properties interface.
const Interface = "org.freedesktop.DBus.Properties"

// Props is the properties of one object. Make it with Export.
type Props struct {
	conn  *dbus.Conn
	path  dbus.ObjectPath
	quiet map[string]bool // names whose changes are not signalled

	mu sync.Mutex
	m  map[string]map[string]dbus.Variant // by interface, then name
}

// Export serves the properties in values (interface → name → value) at
// path on conn, read-only. Changes of the names in quiet are not
// signalled, as MPRIS asks for Position.
func Export(conn *dbus.Conn, path dbus.ObjectPath, values map[string]map[string]any, quiet ...string) (*Props, error) {
	p := &Props{conn: conn, path: path, quiet: map[string]bool{}, m: map[string]map[string]dbus.Variant{}}
	for _, name := range quiet {
		p.quiet[name] = true
	}
	for iface, props := range values {
		p.m[iface] = map[string]dbus.Variant{}
		for name, v := range props {
			p.m[iface][name] = dbus.MakeVariant(v)
		}
	}
	if err := conn.Export(object{p}, path, Interface); err != nil {
		return nil, fmt.Errorf("export properties: %w", err)
	}
	return p, nil
}

// Update sets the properties in values of iface and signals those that
// changed in one PropertiesChanged. Callers must not change a value (a map
// or slice) after passing it.
func (p *Props) Update(iface string, values map[string]any) error {
	p.mu.Lock()
	changed := map[string]dbus.Variant{}
	for name, v := range values {
		nv := dbus.MakeVariant(v)
		if old, ok := p.m[iface][name]; ok && old.String() == nv.String() {
			continue
		}
		if p.m[iface] == nil {
			p.m[iface] = map[string]dbus.Variant{}
		}
		p.m[iface][name] = nv
		if !p.quiet[name] {
			changed[name] = nv
		}
	}
	p.mu.Unlock()
	if len(changed) == 0 {
		return nil
	}
	if err := p.conn.Emit(p.path, Interface+".PropertiesChanged", iface, changed, []string{}); err != nil {
		return fmt.Errorf("signal changed properties: %w", err)
	}
	return nil
}

// Value returns the value of a property, nil when there is none.
func (p *Props) Value(iface, name string) any {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.m[iface][name]
	if !ok {
		return nil
	}
	return v.Value()
}

// Introspection describes the properties of iface.
func (p *Props) Introspection(iface string) []introspect.Property {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []introspect.Property
	for name, v := range p.m[iface] {
		out = append(out, introspect.Property{Name: name, Type: v.Signature().String(), Access: "read"})
	}
	return out
}

// Unexport stops serving the properties.
func (p *Props) Unexport() { p.conn.Export(nil, p.path, Interface) }

// object holds the D-Bus methods, apart from Props's own.
type object struct{ p *Props }

func unknown(iface, name string) *dbus.Error {
	return dbus.NewError("org.freedesktop.DBus.Error.UnknownProperty", []any{fmt.Sprintf("no property %s.%s", iface, name)})
}

func (o object) Get(iface, name string) (dbus.Variant, *dbus.Error) {
	o.p.mu.Lock()
	defer o.p.mu.Unlock()
	v, ok := o.p.m[iface][name]
	if !ok {
		return dbus.Variant{}, unknown(iface, name)
	}
	return v, nil
}

func (o object) GetAll(iface string) (map[string]dbus.Variant, *dbus.Error) {
	o.p.mu.Lock()
	defer o.p.mu.Unlock()
	return maps.Clone(o.p.m[iface]), nil
}

func (o object) Set(iface, name string, _ dbus.Variant) *dbus.Error {
	o.p.mu.Lock()
	defer o.p.mu.Unlock()
	if _, ok := o.p.m[iface][name]; !ok {
		return unknown(iface, name)
	}
	return dbus.NewError("org.freedesktop.DBus.Error.PropertyReadOnly", []any{fmt.Sprintf("%s.%s is read-only", iface, name)})
}
