// Command render executes a consul-template template with Go's own text/template over a fixed
// catalog, so the acceptance tests judge the generated nginx.conf.ctmpl with the real template
// engine instead of an imitation of it.
//
// Usage: render TEMPLATE < catalog.json
//
// The catalog is {"services": [{"Node", "NodeAddress", "ID", "Name", "Tags", "Address", "Port", "Status"}]}.
// Only the consul-template functions the generated templates may use have stand-ins here, each with
// the semantics of hashicorp/consul-template's template/funcs.go, dependency/*.go and
// docs/templating-language.md: service, services, in, contains, split, join, regexMatch,
// regexReplaceAll, toLower, scratch (index, len, print, printf... are text/template built-ins).
// Anything else fails to parse, as an unknown function does in consul-template.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

// HealthService mirrors the fields of consul-template's dependency.HealthService that templates read.
type HealthService struct {
	Node        string
	NodeAddress string
	ID          string
	Name        string
	Tags        []string
	Address     string
	Port        int
	Status      string
}

// CatalogSnippet mirrors consul-template's dependency.CatalogSnippet (the items of `services`).
type CatalogSnippet struct {
	Name string
	Tags []string
}

type catalog struct {
	Services []HealthService `json:"services"`
}

// consul-template's HealthServiceQueryRe: [tag.]name[?query][@dc][~near][|filter]
// (dependency/dependency.go and health_service.go); `service "a" "b"` is queried as "a|b".
var serviceQuery = regexp.MustCompile(`\A` + `((?P<tag>[[:word:]=:\.\-\_]+)\.)?` + `(?P<name>[[:word:]\-\_]+)` + `(\?(?P<query>[[:word:]\-\_\=\&]+))?` +
	`(@(?P<dc>[[:word:]\.\-\_]+))?` + `(~(?P<near>[[:word:]\.\-\_]+))?` + `(\|(?P<filter>[[:word:]\,]+))?` + `\z`)

// Scratch is consul-template's per-render scratchpad (template/scratch.go): Key, Get, Set, SetX.
type Scratch struct{ values map[string]interface{} }

func (s *Scratch) Key(k string) bool { _, ok := s.values[k]; return ok }
func (s *Scratch) Get(k string) interface{} { return s.values[k] }
func (s *Scratch) Set(k string, v interface{}) string { s.values[k] = v; return "" }
func (s *Scratch) SetX(k string, v interface{}) string {
	if _, ok := s.values[k]; !ok {
		s.values[k] = v
	}
	return ""
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: render TEMPLATE < catalog.json")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var cat catalog
	decoder := json.NewDecoder(strings.NewReader(string(input)))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&cat); err != nil {
		fail(fmt.Errorf("catalog: %w", err))
	}

	scratch := &Scratch{values: map[string]interface{}{}}
	funcs := template.FuncMap{
		"service": func(parts ...string) ([]*HealthService, error) {
			// funcs.go serviceFunc: no argument or an empty first one gives an empty list.
			if len(parts) == 0 || parts[0] == "" {
				return []*HealthService{}, nil
			}
			query := strings.Join(parts, "|")
			match := serviceQuery.FindStringSubmatch(query)
			if match == nil {
				return nil, fmt.Errorf("health.service: invalid format: %q", query)
			}
			tag, name := match[serviceQuery.SubexpIndex("tag")], match[serviceQuery.SubexpIndex("name")]
			// Default filter: passing only (healthy instances); "any" lets every status through.
			allowed := map[string]bool{"passing": true}
			if filter := match[serviceQuery.SubexpIndex("filter")]; filter != "" {
				allowed = map[string]bool{}
				for _, status := range strings.Split(filter, ",") {
					switch status = strings.TrimSpace(status); status {
					case "any", "passing", "warning", "critical", "maintenance":
						allowed[status] = true
					case "":
					default:
						return nil, fmt.Errorf("health.service: invalid filter: %q in %q", status, query)
					}
				}
			}
			var out []*HealthService
			for i := range cat.Services {
				s := &cat.Services[i]
				if s.Name != name || !(allowed["any"] || allowed[s.Status]) {
					continue
				}
				if tag != "" && !contains(s.Tags, tag) {
					continue
				}
				// dependency/health_service.go: a service registered without an address takes its node's.
				if s.Address == "" {
					withNode := *s
					withNode.Address = s.NodeAddress
					s = &withNode
				}
				out = append(out, s)
			}
			// consul-template sorts health results with ByNodeThenID.
			sort.SliceStable(out, func(i, j int) bool {
				if out[i].Node != out[j].Node {
					return out[i].Node < out[j].Node
				}
				return out[i].ID < out[j].ID
			})
			return out, nil
		},
		"services": func(...string) []*CatalogSnippet {
			tags := map[string]map[string]bool{}
			for _, s := range cat.Services {
				if tags[s.Name] == nil {
					tags[s.Name] = map[string]bool{}
				}
				for _, t := range s.Tags {
					tags[s.Name][t] = true
				}
			}
			var out []*CatalogSnippet
			for name, set := range tags {
				snippet := &CatalogSnippet{Name: name}
				for t := range set {
					snippet.Tags = append(snippet.Tags, t)
				}
				sort.Strings(snippet.Tags)
				out = append(out, snippet)
			}
			// consul-template sorts catalog services by name (ByName).
			sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
			return out
		},
		"in":       in,
		"contains": func(value, list interface{}) bool { return in(list, value) },
		"split": func(sep, s string) []string {
			s = strings.TrimSpace(s)
			if s == "" {
				return []string{}
			}
			return strings.Split(s, sep)
		},
		"regexMatch": func(re, s string) (bool, error) {
			compiled, err := regexp.Compile(re)
			if err != nil {
				return false, err
			}
			return compiled.MatchString(s), nil
		},
		"regexReplaceAll": func(re, replacement, s string) (string, error) {
			compiled, err := regexp.Compile(re)
			if err != nil {
				return "", err
			}
			return compiled.ReplaceAllString(s, replacement), nil
		},
		"toLower": strings.ToLower,
		"scratch": func() *Scratch { return scratch },
		"join": func(sep string, list []string) string { return strings.Join(list, sep) },
	}

	tmpl, err := template.New(os.Args[1]).Funcs(funcs).Parse(string(text))
	if err != nil {
		fail(err)
	}
	if err := tmpl.Execute(os.Stdout, nil); err != nil {
		fail(err)
	}
}

// in is funcs.go's `in`: membership in a slice (strings compared with their type, numbers by value),
// or a substring of a string; false for anything else.
func in(list, value interface{}) bool {
	l, v := reflect.ValueOf(list), reflect.ValueOf(value)
	switch l.Kind() {
	case reflect.Array, reflect.Slice:
		for i := 0; i < l.Len(); i++ {
			e := l.Index(i)
			if e.Kind() == reflect.Interface {
				e = e.Elem()
			}
			switch e.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				switch v.Kind() {
				case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
					if v.Int() == e.Int() {
						return true
					}
				}
			case reflect.String:
				if v.IsValid() && v.Type() == e.Type() && v.String() == e.String() {
					return true
				}
			}
		}
	case reflect.String:
		return v.IsValid() && v.Type() == l.Type() && strings.Contains(l.String(), v.String())
	}
	return false
}

func contains(list []string, value string) bool {
	for _, each := range list {
		if each == value {
			return true
		}
	}
	return false
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "render:", err)
	os.Exit(1)
}
