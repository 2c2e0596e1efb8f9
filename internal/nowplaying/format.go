package nowplaying

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Escape is how placeholder values are escaped for a status bar's markup.
// Only the values are escaped: the template's own text is the user's
// markup and stays as written.
type Escape uint8

// The escapes.
const (
	NoEscape Escape = iota
	Pango           // Pango markup (waybar): & < > ' "
)

// Escapes are the names ParseEscape knows, as the command line takes them.
var Escapes = []string{"none", "pango"}

// ParseEscape is the escape called name ("" is none).
func ParseEscape(name string) (Escape, error) {
	switch name {
	case "", "none":
		return NoEscape, nil
	case "pango":
		return Pango, nil
	}
	return 0, fmt.Errorf("unknown escape %q (known: %s)", name, strings.Join(Escapes, ", "))
}

var pango = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#39;", `"`, "&quot;")

func (e Escape) apply(s string) string {
	if e == Pango {
		return pango.Replace(s)
	}
	return s
}

// Template is a parsed --format: text with placeholders named after the
// fields of JSON in single braces ("{title} — {artists}"); "{{" and "}}"
// are literal braces.
type Template struct {
	parts []part
}

// part is literal text, or a field when field >= 0.
type part struct {
	lit   string
	field int
}

// Placeholders are the names a Template knows: JSON's field names, so that
// a field added to JSON is a placeholder too.
func Placeholders() []string {
	names := make([]string, len(fieldIndex))
	for i := range names {
		names[i] = fieldName(i)
	}
	return names
}

var jsonType = reflect.TypeFor[JSON]()

// fieldIndex maps a placeholder to its field in JSON.
var fieldIndex = func() map[string]int {
	m := map[string]int{}
	for i := range jsonType.NumField() {
		m[fieldName(i)] = i
	}
	return m
}()

func fieldName(i int) string {
	name, _, _ := strings.Cut(jsonType.Field(i).Tag.Get("json"), ",")
	return name
}

// ParseTemplate parses s. The error names the problem and, for an unknown
// placeholder, the known ones.
func ParseTemplate(s string) (Template, error) {
	var t Template
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && strings.HasPrefix(s[i:], "{{"), c == '}' && strings.HasPrefix(s[i:], "}}"):
			lit.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return Template{}, fmt.Errorf("format %q: %q has no closing brace (write {{ for a literal brace)", s, s[i:])
			}
			name := s[i+1 : i+end]
			f, ok := fieldIndex[name]
			if !ok {
				return Template{}, fmt.Errorf("format %q: unknown placeholder {%s} (known: {%s})",
					s, name, strings.Join(Placeholders(), "}, {"))
			}
			if lit.Len() > 0 {
				t.parts = append(t.parts, part{lit: lit.String(), field: -1})
				lit.Reset()
			}
			t.parts = append(t.parts, part{field: f})
			i += end
		case c == '}':
			return Template{}, fmt.Errorf("format %q: a closing brace without an opening one (write }} for a literal brace)", s)
		default:
			lit.WriteByte(c)
		}
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, part{lit: lit.String(), field: -1})
	}
	return t, nil
}

// Execute fills t with j's fields, escaped with e; lists are joined with
// ", ".
func (t Template) Execute(j JSON, e Escape) string {
	v := reflect.ValueOf(j)
	var b strings.Builder
	for _, p := range t.parts {
		if p.field < 0 {
			b.WriteString(p.lit)
			continue
		}
		b.WriteString(e.apply(valueString(v.Field(p.field))))
	}
	return b.String()
}

func valueString(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Slice:
		s := make([]string, v.Len())
		for i := range s {
			s[i] = valueString(v.Index(i))
		}
		return strings.Join(s, ", ")
	}
	panic("nowplaying: field of kind " + v.Kind().String() + " has no text form")
}

// Printer writes what plays as `spotray now` was asked to: the JSON
// object, a Format filled in, or waybar's object.
type Printer struct {
	Format *Template // nil: the JSON object (or, for Waybar, "{text}")
	Escape Escape    // for Format's values
	// Waybar writes waybar's object, its text Format with Pango escaping.
	Waybar bool
}

// Print writes j as one line.
func (p Printer) Print(w io.Writer, j JSON) error {
	switch {
	case p.Waybar:
		text := Pango.apply(j.Text)
		if p.Format != nil {
			text = p.Format.Execute(j, Pango)
		}
		return WriteLine(w, WaybarOf(j, text))
	case p.Format != nil:
		_, err := io.WriteString(w, p.Format.Execute(j, p.Escape)+"\n")
		return err
	}
	return WriteLine(w, j)
}
