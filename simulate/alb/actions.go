package alb

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ingresskit/ingresskit/manifest"
)

// AnnotationPrefix is the prefix of AWS Load Balancer Controller
// annotations (kubernetes-sigs/aws-load-balancer-controller
// docs/guide/ingress/annotations.md).
const AnnotationPrefix = "alb.ingress.kubernetes.io/"

// UseAnnotation is the servicePort that sends a path to the action
// annotation named by its serviceName (annotations.md, "actions").
const UseAnnotation = "use-annotation"

// Action is an actions.<name> annotation, decoded with the controller's
// JSON names (pkg/ingress/config_types.go, Action): the fields that
// decide what a request gets, which both the engine and a migration read.
type Action struct {
	Type                string  `json:"type"`
	TargetGroupARN      *string `json:"targetGroupARN"`
	TargetGroupName     *string `json:"targetGroupName"`
	FixedResponseConfig *struct {
		ContentType *string `json:"contentType"`
		MessageBody *string `json:"messageBody"`
		StatusCode  string  `json:"statusCode"`
	} `json:"fixedResponseConfig"`
	RedirectConfig *struct {
		Host       *string `json:"host"`
		Path       *string `json:"path"`
		Port       *string `json:"port"`
		Protocol   *string `json:"protocol"`
		Query      *string `json:"query"`
		StatusCode string  `json:"statusCode"`
	} `json:"redirectConfig"`
	ForwardConfig *struct {
		TargetGroups []struct {
			TargetGroupARN  *string             `json:"targetGroupARN"`
			TargetGroupName *string             `json:"targetGroupName"`
			ServiceName     *string             `json:"serviceName"`
			ServicePort     *intstr.IntOrString `json:"servicePort"`
			Weight          *int32              `json:"weight"`
		} `json:"targetGroups"`
		TargetGroupStickinessConfig *struct {
			Enabled *bool `json:"enabled"`
		} `json:"targetGroupStickinessConfig"`
	} `json:"forwardConfig"`
}

// DecodeAction decodes the value of an actions.<name> annotation. The
// error is encoding/json's; the type is not checked.
func DecodeAction(raw string) (*Action, error) {
	var a Action
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Condition is one entry of a conditions.<name> annotation, decoded with
// the controller's JSON names (config_types.go, RuleCondition).
type Condition struct {
	Field            string `json:"field"`
	HostHeaderConfig *struct {
		Values      []string `json:"values"`
		RegexValues []string `json:"regexValues"`
	} `json:"hostHeaderConfig"`
	HTTPHeaderConfig *struct {
		HTTPHeaderName string   `json:"httpHeaderName"`
		Values         []string `json:"values"`
		RegexValues    []string `json:"regexValues"`
	} `json:"httpHeaderConfig"`
	HTTPRequestMethodConfig *struct {
		Values []string `json:"values"`
	} `json:"httpRequestMethodConfig"`
	PathPatternConfig *struct {
		Values      []string `json:"values"`
		RegexValues []string `json:"regexValues"`
	} `json:"pathPatternConfig"`
	QueryStringConfig *struct {
		Values []struct {
			Key   *string `json:"key"`
			Value string  `json:"value"`
		} `json:"values"`
	} `json:"queryStringConfig"`
	SourceIPConfig *struct {
		Values []string `json:"values"`
	} `json:"sourceIPConfig"`
}

// DecodeConditions decodes the value of a conditions.<name> annotation.
// The error is encoding/json's.
func DecodeConditions(raw string) ([]Condition, error) {
	var cs []Condition
	if err := json.Unmarshal([]byte(raw), &cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// ParseAction returns the actions.<name> annotation of ing decoded, or an
// error saying what is wrong with it; (nil, nil) when it is absent.
func ParseAction(ing *manifest.Ingress, name string) (*Action, error) {
	raw, ok := ing.Annotations[AnnotationPrefix+"actions."+name]
	if !ok {
		return nil, nil
	}
	a, err := DecodeAction(raw)
	if err != nil {
		return nil, fmt.Errorf("annotation %sactions.%s: %w", AnnotationPrefix, name, err)
	}
	switch a.Type {
	case "fixed-response", "redirect", "forward":
	default:
		return nil, fmt.Errorf("annotation %sactions.%s: unknown action type %q (want fixed-response, forward or redirect)", AnnotationPrefix, name, a.Type)
	}
	return a, nil
}

// albConditions returns the conditions.<name> annotation of ing decoded.
func albConditions(ing *manifest.Ingress, name string) ([]Condition, error) {
	raw, ok := ing.Annotations[AnnotationPrefix+"conditions."+name]
	if !ok {
		return nil, nil
	}
	cs, err := DecodeConditions(raw)
	if err != nil {
		return nil, fmt.Errorf("annotation %sconditions.%s: %w", AnnotationPrefix, name, err)
	}
	return cs, nil
}

// albRequest is what ALB rule conditions look at.
type albRequest struct {
	host, path, method, scheme string
	header                     map[string][]string
	query                      url.Values
}

// matches reports whether every condition holds; a condition ingresskit
// cannot see (source-ip) holds only when note is told about it.
func (c Condition) matches(r albRequest, notes *[]string) bool {
	switch c.Field {
	case "host-header":
		if c.HostHeaderConfig == nil {
			return false
		}
		return albAnyGlob(c.HostHeaderConfig.Values, r.host, true) || albAnyRegex(c.HostHeaderConfig.RegexValues, r.host)
	case "path-pattern":
		if c.PathPatternConfig == nil {
			return false
		}
		return albAnyGlob(c.PathPatternConfig.Values, r.path, false) || albAnyRegex(c.PathPatternConfig.RegexValues, r.path)
	case "http-header":
		if c.HTTPHeaderConfig == nil {
			return false
		}
		for _, v := range r.header[httpCanonical(c.HTTPHeaderConfig.HTTPHeaderName)] {
			if albAnyGlob(c.HTTPHeaderConfig.Values, v, true) || albAnyRegex(c.HTTPHeaderConfig.RegexValues, v) {
				return true
			}
		}
		return false
	case "http-request-method":
		if c.HTTPRequestMethodConfig == nil {
			return false
		}
		for _, m := range c.HTTPRequestMethodConfig.Values {
			if m == r.method {
				return true
			}
		}
		return false
	case "query-string":
		if c.QueryStringConfig == nil {
			return false
		}
		for _, kv := range c.QueryStringConfig.Values {
			if kv.Key == nil {
				for _, vs := range r.query {
					if albAnyGlob([]string{kv.Value}, firstOr(vs), true) {
						return true
					}
				}
				continue
			}
			for k, vs := range r.query {
				if albGlob(*kv.Key, k, true) {
					for _, v := range vs {
						if albGlob(kv.Value, v, true) {
							return true
						}
					}
				}
			}
		}
		return false
	case "source-ip":
		*notes = append(*notes, "a source-ip condition is assumed to hold: ingresskit does not know the client address")
		return true
	}
	return false
}

func firstOr(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// redirectLocation builds the Location of a redirect action. Each part
// left out keeps the request's own (#{host}, /#{path}, #{port},
// #{protocol}, #{query}; Elastic Load Balancing, "Redirect actions").
func (a *Action) redirectLocation(r albRequest, port string) (string, int) {
	rc := a.RedirectConfig
	get := func(p *string, def string) string {
		if p == nil {
			return def
		}
		return *p
	}
	proto := strings.ToLower(get(rc.Protocol, "#{protocol}"))
	host := get(rc.Host, "#{host}")
	path := get(rc.Path, "/#{path}")
	rport := get(rc.Port, "#{port}")
	query := get(rc.Query, "#{query}")
	RawQuery := r.query.Encode()
	repl := strings.NewReplacer("#{protocol}", r.scheme, "#{host}", r.host, "#{path}", strings.TrimPrefix(r.path, "/"), "#{port}", port, "#{query}", RawQuery)
	proto, host, path, rport, query = repl.Replace(proto), repl.Replace(host), repl.Replace(path), repl.Replace(rport), repl.Replace(query)
	loc := proto + "://" + host
	if !(proto == "https" && rport == "443" || proto == "http" && rport == "80") {
		loc += ":" + rport
	}
	loc += path
	if query != "" {
		loc += "?" + query
	}
	code := 301
	if rc.StatusCode == "HTTP_302" {
		code = 302
	}
	return loc, code
}

// fixedStatus returns the fixed response's status code.
func (a *Action) fixedStatus() int {
	n, _ := strconv.Atoi(a.FixedResponseConfig.StatusCode)
	return n
}
