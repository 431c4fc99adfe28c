// Command render executes a consul-template template with Go's own text/template over a fixed
// catalog, so the acceptance tests judge the generated nginx.conf.ctmpl with the real template
// engine instead of an imitation of it.
//
// Usage: render TEMPLATE < catalog.json
//
// The catalog is {"services": [{"Node", "NodeAddress", "ID", "Name", "Tags", "Address", "Port", "Status"}]}.
// Only the consul-template functions the generated templates may use have stand-ins here:
// service, services, in, contains, split, join (index, len, printf... are text/template built-ins).
// Anything else fails to parse, as an unknown function does in consul-template.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
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

// consul-template's HealthServiceQuery syntax: [tag.]name[@dc][:port]... (dependency/health_service.go).
var serviceQuery = regexp.MustCompile(`\A((?P<tag>[[:word:]=:\-\./]+)\.)?(?P<name>[[:word:]\-/]+)(@(?P<dc>[[:word:]\.\-\_]+))?(:(?P<near>[[:word:]\.\-\_]+))?\z`)

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

	funcs := template.FuncMap{
		"service": func(query string, filters ...string) ([]*HealthService, error) {
			match := serviceQuery.FindStringSubmatch(query)
			if match == nil {
				return nil, fmt.Errorf("service: invalid format: %q", query)
			}
			tag, name := match[serviceQuery.SubexpIndex("tag")], match[serviceQuery.SubexpIndex("name")]
			// Default filter: passing only (healthy instances), as consul-template's `service`.
			allowed := map[string]bool{"passing": true}
			for _, filter := range filters {
				allowed = map[string]bool{}
				for _, status := range strings.Split(filter, ",") {
					allowed[strings.TrimSpace(status)] = true
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
		"in":       func(list []string, value string) bool { return contains(list, value) },
		"contains": func(value string, list []string) bool { return contains(list, value) },
		"split": func(sep, s string) []string {
			s = strings.TrimSpace(s)
			if s == "" {
				return []string{}
			}
			return strings.Split(s, sep)
		},
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
